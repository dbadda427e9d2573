"""The path page in real Chromium: track steps with the keyboard only (compact control on the
card, date and note on the step page), accessibility, print view.

Every wait is on a real condition (URL reached, element state, text shown), never a sleep, and
the database is read for this test's site only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Answer, Site, StepProgress
from tests.conftest import make_app, run_axe, save_screenshot

pytestmark = pytest.mark.browser

STEP = "inventaire-site"


@pytest.fixture
def site_token(database_url, live_server):
    app = make_app(database_url)
    with app.app_context():
        site = Site(nom="Ancienne filature", commune_code="62528", departement_code="62", region_code="32")
        db.session.add(site)
        for qid, value in {
            "sol_pollution_existe": "pollution supposée",
            "usage": "habitat",
            "porteur": "commune",
            "proprietaire": "commune",
        }.items():
            db.session.add(Answer(site=site, question_id=qid, value=value))
        db.session.commit()
        yield site.token, site.id, app


def progress(app, site_id: int) -> StepProgress:
    with app.app_context():
        return StepProgress.query.filter_by(site_id=site_id, step_id=STEP).one()


def test_path_page_mark_step_done_with_keyboard(page, site_token):
    token, site_id, app = site_token
    path_url = f"{page.base_url}/sites/{token}/parcours"
    page.goto(path_url)
    expect(page.locator("h1")).to_contain_text("Parcours de reconversion")
    expect(page.locator("#prochaines-actions")).to_contain_text("Vos prochaines actions")

    # A closed phase opens (DSFR script) and shows its cards with their plain reasons.
    phase = page.locator("#phase-diagnostiquer .fr-accordion__btn")
    expect(phase).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#etape-pollution-diagnostic")).to_be_hidden()
    phase.click()
    expect(phase).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#etape-pollution-diagnostic")).to_be_visible()
    expect(page.locator("#phase-diagnostiquer")).to_contain_text("Le sol est peut-être pollué")

    # Keyboard only: choose « Fait » in the card's select, Tab to its button, Enter.
    select = page.locator(f"#etape-{STEP}-statut")
    select.focus()
    page.keyboard.press("End")  # last option…
    page.keyboard.press("ArrowUp")  # …then « Fait », just above « Non concerné »
    expect(select).to_have_value("fait")
    page.keyboard.press("Tab")
    button = page.locator(f"#etape-{STEP} form.pf-tracking button[type=submit]")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/sites/{token}/parcours#etape-{STEP}")
    expect(page.locator(f"#etape-{STEP} .pf-step__badges")).to_contain_text("Fait")
    expect(page.locator(f"#etape-{STEP}-statut")).to_have_value("fait")
    assert progress(app, site_id).status == "fait"

    violations = run_axe(page)
    save_screenshot(page, "parcours")
    assert violations == [], violations

    # Date and note on the step page, still with the keyboard.
    link = page.locator(f"#etape-{STEP} a", has_text="Modifier la date ou la note")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/sites/{token}/parcours/etapes/{STEP}")
    expect(page.locator("h1")).to_have_text("Rassembler ce que l'on sait déjà du site")
    expect(page.locator("#etape-statut-fait")).to_be_checked()
    page.locator("#etape-note").focus()
    page.keyboard.type("Fiche faite avec le CAUE")
    # The order of the date field's segments follows the browser's locale: fill it (ISO value).
    page.locator("#etape-date").fill("2026-10-01")
    expect(page.locator("#etape-date")).to_have_value("2026-10-01")
    violations = run_axe(page)
    save_screenshot(page, "parcours-etape")
    assert violations == [], violations
    page.locator("form.pf-step-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/sites/{token}/parcours#etape-{STEP}")
    expect(page.locator(f"#etape-{STEP} .pf-step__tracking")).to_have_text(
        "Fait le 01/10/2026. Note : Fiche faite avec le CAUE"
    )
    entry = progress(app, site_id)
    assert (entry.date.isoformat(), entry.note) == ("2026-10-01", "Fiche faite avec le CAUE")

    outside = [url for url in page.requests_seen if not url.startswith(page.base_url)]
    assert outside == []

    # Print view: tracking controls hidden, every phase printed, even the closed ones.
    page.emulate_media(media="print")
    expect(page.locator(f"#etape-{STEP} form.pf-tracking")).to_be_hidden()
    expect(page.locator("#phase-realiser .fr-accordion__btn")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#etape-mise-a-jour-inventaire")).to_be_visible()
    save_screenshot(page, "parcours-impression")
