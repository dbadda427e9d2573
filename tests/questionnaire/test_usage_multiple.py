"""Several intended uses (logements + parc): the web form, the path, the API, the CNIG export."""

from __future__ import annotations

import re

from app.content import path_engine
from app.portfolio_core.mapping import answers_from_record, record_with_answers
from app.questionnaire.service import site_facts
from tests.questionnaire.test_flow import new_site, site

SITE = {"comm_insee": "62528", "sol_pollution_existe": "pollution supposée", "unite_fonciere_surface": 5000}
HOUSING_STEP = "usage-sensible-pollution"  # habitat, équipement public or mixte on a polluted soil
NATURE_STEP = "biodiversite"  # renaturation or photovoltaics (on a small site)


def steps_for(client, usage) -> set[str]:
    """The steps that certainly apply (« a_verifier » ones depend on an unknown answer)."""
    response = client.post("/api/v1/parcours", json={"site": SITE, "projet": {"usage": usage}})
    assert response.status_code == 200, response.get_json()
    return {e["id"] for e in response.get_json()["etapes"] if e["statut"] == "applicable"}


def test_api_accepts_usage_as_a_text_as_before(client):
    steps = steps_for(client, "habitat")
    assert HOUSING_STEP in steps and NATURE_STEP not in steps
    steps = steps_for(client, "renaturation")
    assert NATURE_STEP in steps and HOUSING_STEP not in steps


def test_api_accepts_usage_as_a_list_and_applies_each_use(client):
    steps = steps_for(client, ["habitat", "renaturation"])
    assert {HOUSING_STEP, NATURE_STEP} <= steps
    assert steps_for(client, ["habitat", "habitat"]) == steps_for(client, "habitat")
    assert steps_for(client, []) == steps_for(client, None)  # an empty list is unknown


def test_api_rejects_a_bad_usage_list_in_french(client):
    for usage, words in (
        (["habitat", "piscine"], "Valeur inconnue « piscine »"),
        (["habitat", 3], "texte"),
        (["inconnu", "habitat"], "« inconnu » ne peut pas être combiné"),
        ({"habitat": True}, "liste"),
    ):
        response = client.post("/api/v1/parcours", json={"site": SITE, "projet": {"usage": usage}})
        assert response.status_code == 422, usage
        assert words in response.get_json()["erreurs"]["projet.usage"], usage


def test_openapi_documents_usage_as_text_or_list(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    usage = spec["components"]["schemas"]["Projet"]["properties"]["usage"]
    kinds = {variant["type"] for variant in usage["oneOf"]}
    assert kinds == {"string", "array"}
    array = next(v for v in usage["oneOf"] if v["type"] == "array")
    assert "habitat" in array["items"]["enum"] and "renaturation" in array["items"]["enum"]
    assert "liste" in usage["description"]


def test_several_uses_are_saved_from_the_form_and_computed_in_the_path(client):
    token = new_site(client)
    client.post(
        f"/sites/{token}/questionnaire/pollution",
        data={
            "icpe": "non",
            "sol_pollution_existe": "pollution supposée",
            "diagnostic_pollution_realise": "non",
            "sol_pollution_origine": "autre",
        },
    )
    url = f"/sites/{token}/questionnaire/projet"
    html = client.get(url).get_data(as_text=True)
    assert 'type="checkbox" id="usage-0" name="usage" value="habitat"' in html
    assert "Plusieurs réponses possibles" in html
    response = client.post(
        url,
        data={
            "usage": ["habitat", "aménagement d'espace public"],
            "porteur": "commune",
            "avancement": "idee",
        },
    )
    assert response.status_code == 302 and response.location.endswith("/questionnaire/marche")
    s = site(token)
    assert s.answer_map()["usage"] == ["habitat", "aménagement d'espace public"]
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'value="habitat"\s+checked', html)
    assert re.search(r'value="aménagement d&#39;espace public"\s+checked', html)
    summary = client.get(f"/sites/{token}/synthese").get_data(as_text=True)
    assert "Logements, Un espace public (parc, place, stationnement)" in summary
    steps = {r.step.id for r in path_engine().compute(site_facts(s)).steps if r.status == "applicable"}
    assert HOUSING_STEP in steps
    assert "desimpermeabilisation-renaturation" in steps


def test_usage_is_required_and_je_ne_sais_pas_stays_alone(client):
    token = new_site(client)
    url = f"/sites/{token}/questionnaire/projet"
    html = client.post(url, data={"porteur": "commune", "avancement": "idee"}).get_data(as_text=True)
    assert "Cochez au moins une réponse." in html
    html = client.post(
        url, data={"usage": ["habitat", "inconnu"], "porteur": "commune", "avancement": "idee"}
    ).get_data(as_text=True)
    assert "« Je ne sais pas » ne peut pas être coché avec une autre réponse." in html


def test_a_usage_saved_as_a_single_value_still_works(client, app):
    from app.extensions import db
    from app.models import Answer

    token = new_site(client)
    s = site(token)
    db.session.add(Answer(site=s, question_id="usage", value="renaturation", value_label="Renaturation"))
    db.session.commit()
    html = client.get(f"/sites/{token}/questionnaire/projet").get_data(as_text=True)
    assert re.search(r'value="renaturation"\s+checked', html)
    # Read as a one-item list: the market page is skipped for a renaturation.
    facts = site_facts(site(token))
    assert NATURE_STEP in {r.step.id for r in path_engine().compute(facts).steps if r.status == "applicable"}
    response = client.post(
        f"/sites/{token}/questionnaire/projet",
        data={"usage": "renaturation", "porteur": "commune", "avancement": "idee"},
    )
    assert response.location.endswith("/synthese")


def test_cnig_record_round_trip_with_several_uses(questionnaire):
    answers = answers_from_record({"site_reconv_type": "habitat"}, questionnaire)
    assert answers == {"usage": ["habitat"]}
    record = record_with_answers({"site_reconv_type": "habitat"}, {"usage": ["habitat"]}, questionnaire)
    assert record["site_reconv_type"] == "habitat"
    record = record_with_answers(
        {"site_reconv_type": "habitat"}, {"usage": ["habitat", "renaturation"]}, questionnaire
    )
    assert record["site_reconv_type"] == "mixte"  # the standard holds one value: a mixed reconversion


def test_adding_a_use_never_removes_a_step_or_a_scheme_another_use_calls_for(content):
    """Every shipped rule reading ``usage`` (steps, schemes, questionnaire) stays true when the
    project adds a use: « logements + parc » gets what « logements » gets."""
    import itertools
    import random

    from app.engine.conditions import KIND_QUESTION, evaluate, referenced_facts, value_domain
    from app.engine.vocabulaire import INTENDED_USES

    usage = (KIND_QUESTION, "usage")
    rules = [s.condition for s in content.catalogs.steps]
    rules += [f.eligibility for f in content.catalogs.schemes.values()]
    rules += [q.condition for q in content.questionnaire.questions.values()]
    rules = [r for r in rules if r is not None and usage in referenced_facts(r)]
    assert len(rules) >= 8
    rng = random.Random(0)
    checked = 0
    for rule in rules:
        others = sorted(f for f in referenced_facts(rule) if f != usage and f in content.vocabulary)
        domains = [value_domain(f, content.vocabulary[f], [rule]) for f in others]
        combos = list(itertools.islice(itertools.product(*domains), 2000))
        for combo in rng.sample(combos, min(30, len(combos))):
            facts = dict(zip(others, combo, strict=True))
            for one in INTENDED_USES:
                if evaluate(rule, {**facts, usage: [one]}).value is not True:
                    continue
                for more in INTENDED_USES:
                    assert evaluate(rule, {**facts, usage: [one, more]}).value is True, (rule, one, more)
                    checked += 1
    assert checked > 500
