"""Follow-up questions in real Chromium, with JavaScript (they appear and disappear as the user
answers, without reload) and without it (the server shows the same page again), plus axe-core.

Every wait is on a real condition (URL, element state, text), never a sleep."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from playwright.sync_api import expect

from app.content import current_content
from app.engine.conditions import KIND_QUESTION, KIND_TERRITORY, _as_list, atoms, evaluate, referenced_facts
from app.extensions import db
from app.models import Answer, Site
from tests.conftest import make_app, run_axe, save_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(database_url, live_server):
    """A located site whose answers are written straight to the database; returns
    (make_site(answers) -> token, answers_of(token) -> dict)."""
    app = make_app(database_url)

    def make_site(answers: dict) -> str:
        with app.app_context():
            site = Site(commune_code="62528", departement_code="62", region_code="32")
            db.session.add(site)
            for qid, value in answers.items():
                db.session.add(Answer(site=site, question_id=qid, value=value))
            db.session.commit()
            return site.token

    def answers_of(token: str) -> dict:
        with app.app_context():
            return Site.query.filter_by(token=token).one().answer_map()

    with app.app_context():
        yield make_site, answers_of, app


def label(page, qid: str, index: int):
    return page.locator(f"label[for={qid}-{index}]")


def test_follow_ups_appear_and_disappear_without_reload(page, seeded):
    make_site, answers_of, _ = seeded
    token = make_site({})
    url = f"{page.base_url}/sites/{token}/questionnaire/pollution"
    page.goto(url)
    page.evaluate("window.__sameDocument = true")
    origin = page.locator("#question-sol_pollution_origine")
    diagnostic = page.locator("#question-diagnostic_pollution_realise")
    securite = page.locator("#question-site_securite")
    seen = page.locator("input[name=questions_affichees]")
    expect(origin).to_be_visible()  # nothing known yet: asked

    label(page, "sol_pollution_existe", 0).click()  # « Aucune pollution »
    expect(origin).to_be_hidden()
    expect(diagnostic).to_be_hidden()
    assert origin.get_attribute("hidden") is not None
    assert page.locator("#sol_pollution_origine-0").is_disabled()  # never submitted
    expect(seen).to_have_value("icpe,sol_pollution_existe,site_securite")

    label(page, "sol_pollution_existe", 3).click()  # « Pollution avérée »
    expect(origin).to_be_visible()
    expect(diagnostic).to_be_visible()
    assert page.locator("#sol_pollution_origine-0").is_enabled()
    expect(page.locator("[aria-live=polite].fr-sr-only")).to_contain_text("questions complémentaires")

    label(page, "icpe", 1).click()  # « Non »: no safety measures by a former operator
    expect(securite).to_be_hidden()
    label(page, "sol_pollution_origine", 4).click()  # an answer typed, then ruled out
    label(page, "sol_pollution_existe", 0).click()
    expect(origin).to_be_hidden()
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url(re.compile(r"/questionnaire/batiments$"))
    expect(page.locator(".fr-alert--success")).to_have_text("Vos réponses sont enregistrées.")
    assert answers_of(token) == {"icpe": "non", "sol_pollution_existe": "pollution inexistante"}


def test_a_follow_up_shown_by_the_script_is_validated_and_saved(page, seeded):
    make_site, answers_of, _ = seeded
    token = make_site({"bati_nombre": 2, "local_ancien_annee": 2005, "bati_pollution": ["sans objet"]})
    page.goto(f"{page.base_url}/sites/{token}/questionnaire/batiments")
    survey = page.locator("#question-diagnostic_amiante_realise")
    expect(survey).to_be_hidden()
    year = page.locator("#local_ancien_annee")
    year.fill("1960")
    expect(survey).to_be_visible()
    year.fill("2005")
    expect(survey).to_be_hidden()
    year.fill("1960")
    # Seen by the user: required like any other question of the page.
    label(page, "bati_etat", 1).click()
    label(page, "bati_patrimoine", 0).click()
    label(page, "bati_vacance", 0).click()
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_load_state()
    expect(page.locator("#resume-erreurs")).to_contain_text("Un repérage de l'amiante a-t-il déjà été fait ?")
    expect(page.locator("#diagnostic_amiante_realise-0")).to_have_attribute("aria-invalid", "true")
    violations = run_axe(page)
    save_screenshot(page, "questionnaire-erreur-question-complementaire")
    assert violations == [], violations
    label(page, "diagnostic_amiante_realise", 1).click()
    # Enter in a text field means « Suivant » (the first submit button), not « Précédent ».
    page.locator("#bati_surface").fill("9000")
    page.locator("#bati_surface").press("Enter")
    page.wait_for_url(re.compile(r"/questionnaire/occupation$"))
    stored = answers_of(token)
    assert stored["diagnostic_amiante_realise"] == "non" and stored["local_ancien_annee"] == 1960


def test_without_javascript_the_server_shows_the_same_page_again(browser, live_server, seeded):
    make_site, answers_of, _ = seeded
    context = browser.new_context(
        java_script_enabled=False, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        token = make_site({"bati_nombre": 2, "local_ancien_annee": 2005, "bati_pollution": ["sans objet"]})
        url = f"{live_server}/sites/{token}/questionnaire/batiments"
        page.goto(url)
        survey = page.locator("#question-diagnostic_amiante_realise")
        expect(survey).to_be_hidden()
        page.locator("#bati_surface").fill("9 000")
        page.locator("#local_ancien_annee").fill("1960")
        label(page, "bati_etat", 1).click()
        label(page, "bati_patrimoine", 0).click()
        label(page, "bati_vacance", 0).click()
        page.get_by_role("button", name="Suivant").click()
        page.wait_for_load_state()
        assert page.url == url  # the same page, shown again by the server
        notice = page.locator("#questions-complementaires")
        expect(notice).to_contain_text("Votre réponse ouvre une question complémentaire ci-dessous")
        expect(survey).to_be_visible()
        expect(page.locator("#resume-erreurs")).to_have_count(0)
        expect(page.locator("#bati_surface")).to_have_value("9 000")
        expect(page.locator("#local_ancien_annee")).to_have_value("1960")
        expect(page.locator("#bati_etat-1")).to_be_checked()
        save_screenshot(page, "questionnaire-sans-js-question-complementaire")
        label(page, "diagnostic_amiante_realise", 0).click()
        page.get_by_role("button", name="Suivant").click()
        page.wait_for_url(re.compile(r"/questionnaire/occupation$"))
        expect(page.locator(".fr-alert--success")).to_have_text("Vos réponses sont enregistrées.")
        assert answers_of(token)["diagnostic_amiante_realise"] == "oui"

        # « Aucune pollution » without JavaScript: the origin, still on the page, is not required.
        token = make_site({})
        page.goto(f"{live_server}/sites/{token}/questionnaire/pollution")
        expect(page.locator("#question-sol_pollution_origine")).to_be_visible()
        label(page, "icpe", 1).click()
        label(page, "sol_pollution_existe", 0).click()
        page.get_by_role("button", name="Suivant").click()
        page.wait_for_url(re.compile(r"/questionnaire/batiments$"))
        assert answers_of(token) == {"icpe": "non", "sol_pollution_existe": "pollution inexistante"}
    finally:
        context.close()


def test_notice_page_and_error_page_pass_axe(page, seeded):
    make_site, _, _ = seeded
    token = make_site({"proprietaire": "commune"})
    page.goto(f"{page.base_url}/sites/{token}/questionnaire/proprietaire")
    page.route("**/static/js/questionnaire*.js", lambda route: route.abort())  # the server's way
    page.reload()
    label(page, "proprietaire", 7).click()  # « Une entreprise ou un particulier »
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_load_state()
    expect(page.locator("#questions-complementaires")).to_contain_text("questions complémentaires")
    violations = run_axe(page)
    assert violations == [], violations
    page.unroute("**/static/js/questionnaire*.js")
    page.goto(f"{page.base_url}/sites/{token}/questionnaire/occupation")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_load_state()
    expect(page.locator("#site_occupation-0")).to_have_attribute("aria-invalid", "true")
    violations = run_axe(page)
    assert violations == [], violations
    # 320 px wide: no horizontal scroll, « Précédent » and « Suivant » both readable.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for name in ("Précédent", "Suivant"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320


def _sample_facts(condition, limit: int = 60):
    """Fact combinations around the values a condition mentions, with unknown ones: all of them
    when few, else ``limit`` drawn at random (fixed seed)."""
    facts = sorted(referenced_facts(condition))
    domains = []
    for fact in facts:
        values = [None, "inconnu", True, False, 0]
        for atom in atoms(condition):
            kind = KIND_QUESTION if KIND_QUESTION in atom else KIND_TERRITORY
            if (kind, str(atom[kind])) != fact:
                continue
            for op, expected in atom.items():
                if op == kind:
                    continue
                for v in _as_list(expected):
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        values += [v - 1, v, v + 1, str(v)]
                    else:
                        values += [v, [v], [v, "autre"], ["autre"]]
        domains.append(values)
    total = 1
    for d in domains:
        total *= len(d)
    if total <= limit:
        combos = itertools.product(*domains)
    else:
        rng = random.Random(0)
        combos = ([rng.choice(d) for d in domains] for _ in range(limit))
    for combo in combos:
        yield {
            f"{kind}:{fid}": value
            for (kind, fid), value in zip(facts, combo, strict=True)
            if value is not None
        }


def test_the_script_evaluates_every_shipped_condition_like_the_server(page, seeded):
    """One source of truth: the browser's evaluation of each YAML condition (questionnaire, steps,
    funding) gives the same result as app.engine.conditions for sampled answers."""
    _, _, app = seeded
    token = seeded[0]({})
    page.goto(f"{page.base_url}/sites/{token}/questionnaire/pollution")
    content = current_content()
    conditions = [q.condition for q in content.questionnaire.questions.values() if q.condition]
    conditions += [g.condition for g in content.questionnaire.groups if g.condition]
    conditions += [s.condition for s in content.catalogs.steps if s.condition]
    conditions += [f.eligibility for f in content.catalogs.schemes.values() if f.eligibility]
    cases = []
    for condition in conditions:
        plain = _plain(condition)
        for facts in _sample_facts(plain):
            expected = evaluate(plain, {tuple(k.split(":", 1)): v for k, v in facts.items()}).value
            cases.append({"condition": plain, "facts": facts, "expected": expected})
    assert len(cases) > 200
    mismatches = page.evaluate(
        """cases => cases.filter(c => window.pfConditions.evaluate(c.condition, c.facts) !== c.expected)""",
        cases,
    )
    assert mismatches == [], mismatches[:5]


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
