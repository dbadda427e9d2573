"""Item 5 of issue 13: write endpoints and public statistics that cannot be gamed — rate
limits (Flask-Limiter, storage configurable), one vote per item and site, implausible surfaces
not counted in /stats but flagged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import Event, Site, StepProgress
from app.stats.indicators import compute_report
from tests.conftest import make_app


@pytest.fixture
def limited(app):
    """An app with its rate limits on (the suite's default app has them off)."""
    limited_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True)
    return limited_app, limited_app.test_client()


def test_site_creation_is_rate_limited_per_client(limited):
    _, client = limited
    codes = [client.post("/sites").status_code for _ in range(12)]
    assert codes[:10] == [303] * 10  # one client created 149 sites/s before
    assert codes[10:] == [429, 429]
    refused = client.post("/sites")
    assert refused.headers["Retry-After"] and "Trop de requêtes" in refused.get_data(as_text=True)
    other = client.post("/sites", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 303  # another client is not affected


def test_the_api_is_rate_limited_with_a_json_429(limited):
    app, client = limited
    app.config["RATELIMIT_API"] = "3/minute"
    codes = [client.post("/api/v1/parcours", json={}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.post("/api/v1/parcours", json={}).get_json()["code"] == 429


def test_address_search_votes_and_uploads_are_rate_limited(limited):
    app, client = limited
    app.config.update(RATELIMIT_ADDRESS="2/minute", RATELIMIT_VOTES="2/minute", RATELIMIT_UPLOADS="2/minute")
    app.config["ENRICHMENT_ENABLED"] = False
    with app.app_context():
        site = Site()
        db.session.add(site)
        db.session.commit()
        token = site.token
    assert [client.get("/localisation/adresses?q=loos").status_code for _ in range(3)][-1] == 429
    vote = {"item_type": "etape", "item_id": "inventaire-site", "utile": "oui"}
    assert [client.post(f"/sites/{token}/avis", data=vote).status_code for _ in range(3)][-1] == 429
    codes = [
        client.post(f"/sites/{token}/localisation", data={"commune": "62528"}).status_code for _ in range(3)
    ]
    assert codes[-1] == 429
    assert client.get(f"/sites/{token}/localisation").status_code == 200  # reading is not limited


def test_limits_are_configurable_and_storage_comes_from_the_environment(monkeypatch):
    from app.config import from_environment

    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("RATELIMIT_SITES", "1/minute")
    config = from_environment(__import__("pathlib").Path("/tmp"))
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert config["RATELIMIT_SITES"] == "1/minute"
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    assert from_environment(__import__("pathlib").Path("/tmp"))["RATELIMIT_STORAGE_URI"] == "memory://"


def _site(commune_code: str = "62528", **kwargs) -> Site:
    site = Site(commune_code=commune_code, departement_code=commune_code[:2], **kwargs)
    db.session.add(site)
    db.session.commit()
    return site


def test_a_hundred_votes_of_one_site_on_one_step_are_one_vote(client):
    site = _site()
    for i in range(100):
        client.post(
            f"/sites/{site.token}/avis",
            data={"item_type": "etape", "item_id": "inventaire-site", "utile": "oui" if i % 2 else "non"},
        )
    votes = Event.query.filter_by(type="avis", site_id=site.id).all()
    assert len(votes) == 1  # one session cast 100 votes on a step before
    assert votes[0].data == {"type": "etape", "id": "inventaire-site", "utile": True}


def _studied(site: Site) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    db.session.add(
        Event(type="parcours_consulte", site_id=site.id, created_at=now, commune_code=site.commune_code)
    )
    db.session.add(StepProgress(site_id=site.id, step_id="inventaire-site", status="fait"))
    db.session.commit()


def test_implausible_surfaces_are_not_counted_and_are_flagged(app):
    sites = [
        _site(surface_m2=32_000),  # 3.2 ha: counted
        _site(surface_m2=4_000_000),  # 400 ha in Loos-en-Gohelle (1,274 ha): counted
        _site(surface_m2=417_575 * 1_000_000),  # the France-wide « friche » of the audit
        _site(surface_m2=6_000_000),  # 600 ha: above 500 ha
        _site("33103", surface_m2=50_000),  # 5 ha in Castelmoron-d'Albret, a commune of 1.8 ha
    ]
    for site in sites:
        _studied(site)
    report = compute_report(db.session, datetime.now(UTC).date(), 12)
    studied = report.values["hectares_etudies"]
    assert studied["valeur"] == pytest.approx(403.2)  # was 41,762,037 ha with one upload
    assert studied["base"] == 2 and studied["invraisemblables"] == 3


def test_the_stats_page_says_how_many_surfaces_were_set_aside(client):
    _studied(_site(surface_m2=417_575 * 1_000_000))
    html = client.get("/stats").get_data(as_text=True)
    assert "surface invraisemblable" in html


@pytest.mark.parametrize(("periodicity", "maximum"), [("day", 180), ("week", 52), ("month", 24), ("year", 3)])
def test_api_stats_is_readable_by_the_incubator_dashboard(client, periodicity, maximum):
    """The dashboard asks ``since`` up to 180 days / 52 weeks / 24 months / 3 years, the
    maximum when absent, and breaks on a null value."""
    for query in (f"periodicity={periodicity}", f"periodicity={periodicity}&since={maximum}"):
        body = client.get(f"/api/stats?{query}").get_json()
        assert len(body["stats"]) == maximum
        assert all(
            isinstance(p["value"], int | float) and not isinstance(p["value"], bool) for p in body["stats"]
        )
        assert all(isinstance(p["date"], str) for p in body["stats"])
