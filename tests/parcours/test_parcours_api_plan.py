"""The API's path body carries the plan summaries of the path page (additive fields): the next
actions, each contact once by role, each scheme once soonest first."""

from __future__ import annotations

from app.api.schemas import ParcoursResponseSchema
from app.api.spec import EXAMPLE


def test_path_body_adds_next_actions_interlocutors_and_funding_calendar(client):
    r = client.post("/api/v1/parcours", json=EXAMPLE)
    assert r.status_code == 200
    body = r.get_json()
    assert ParcoursResponseSchema().validate(body) == {}
    steps = [s["id"] for s in body["etapes"]]
    contacts = {c["id"] for c in body["contacts"]}
    actions = body["prochaines_actions"]
    assert [a["etape"] for a in actions] == steps[:3]
    assert all(set(a["contacts"]) <= contacts for a in actions)
    assert all(a["echeance"]["libelle"] for a in actions)
    listed = [c["id"] for role in body["interlocuteurs"] for c in role["contacts"]]
    assert sorted(listed) == sorted(contacts)  # each contact once
    calendar = [f["financement"] for f in body["calendrier_financements"]]
    assert len(calendar) == len(set(calendar))
    assert set(calendar) == {f for s in body["etapes"] for f in s["financements"]}
    # Never an invented date: a scheme without a published date has none.
    for line in body["calendrier_financements"]:
        assert (line["echeance"]["date"] is None) == (
            line["echeance"]["type"] in ("non_publiee", "permanent")
        )
