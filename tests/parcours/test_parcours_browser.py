"""The path page in real Chromium: mark a step done with the keyboard, accessibility, print view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Answer, Site, StepProgress
from tests.conftest import make_app, run_axe, save_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def site_token(database_url, live_server):
    app = make_app(database_url)
    with app.app_context():
        site = Site(nom="Ancienne filature", commune_code="62528", departement_code="62", region_code="32")
        db.session.add(site)
        for qid, value in {"sol_pollution_existe": "pollution supposée", "usage": "habitat",
                           "porteur": "commune", "proprietaire": "commune"}.items():
            db.session.add(Answer(site=site, question_id=qid, value=value))
        db.session.commit()
        yield site.token, app


def test_path_page_mark_step_done_with_keyboard(page, site_token):
    token, app = site_token
    page.goto(f"{page.base_url}/sites/{token}/parcours")
    assert page.locator("h1").inner_text().startswith("Parcours de reconversion")
    assert "Prochaine étape" in page.locator(".fr-callout").first.inner_text()

    # The explanation accordion opens and shows the readable reasons.
    why = page.locator("#etape-pollution-diagnostic .fr-accordion__btn")
    why.click()
    expect(page.locator("#pourquoi-pollution-diagnostic")).to_contain_text("ollution supposée")

    # Keyboard only: focus the « Fait » radio of the first step, submit with Enter.
    page.focus("#etape-inventaire-site-statut-a_faire")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#etape-inventaire-site-statut-fait")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/sites/{token}/parcours#etape-inventaire-site")
    assert "FAIT" in page.locator("#etape-inventaire-site .pf-step__badges").inner_text().upper()
    with app.app_context():
        assert StepProgress.query.filter_by(step_id="inventaire-site").one().status == "fait"

    violations = run_axe(page)
    save_screenshot(page, "parcours")
    assert violations == [], violations
    outside = [url for url in page.requests_seen if not url.startswith(page.base_url)]
    assert outside == []

    # Print view: forms hidden, explanations visible.
    page.emulate_media(media="print")
    assert not page.locator("#etape-inventaire-site form.pf-tracking").is_visible()
    assert page.locator("#pourquoi-visite-regard-exterieur").is_visible()
    save_screenshot(page, "parcours-impression")
