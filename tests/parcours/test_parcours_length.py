"""The path page of the audit's Loos-en-Gohelle journey in real Chromium at 1280×800: short
enough to read (≤ 10 screens with the phases closed, HTML ≤ 60 KB compressed), each contact
once, the next actions on top, phases as accordions (the current one open, all open without
JavaScript), no raw id, and no serious or critical axe-core violation.

Figures before and after: docs/benchmarks.md, « Page parcours » (bench/parcours_page_bench.py)."""

from __future__ import annotations

import gzip

import pytest
from playwright.sync_api import expect

from app.engine.content_rules import raw_ids
from app.extensions import db
from app.parcours.service import compute_for_site
from bench.parcours_page_bench import VIEWPORT, close_phases
from tests.conftest import make_app, run_axe, save_screenshot
from tests.parcours import journey

pytestmark = pytest.mark.browser

MAX_HEIGHT = 8000  # 10 screens of 800 px
MAX_HTML_GZIP = 60_000


@pytest.fixture
def journey_site(database_url, live_server):
    """(token, computed path, content ids) of the journey's site, in the live server's database."""
    app = make_app(database_url)
    with app.app_context():
        site = journey.make_site(db)
        result, _ = compute_for_site(site)
        content = app.extensions["content"]
        ids = set(content.questionnaire.questions) | {s.id for s in result.steps}
        ids |= set(content.catalogs.schemes) | {c.id for c in content.catalogs.contacts}
        ids |= set(content.catalogs.named_conditions)
        # As the content check: only ids that cannot be plain words (« usage » is one).
        yield site.token, result, {i for i in ids if "_" in i or "-" in i}


@pytest.fixture
def screen(browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORT)
    page = context.new_page()
    yield page
    context.close()


def test_path_page_is_short_light_and_lists_each_contact_once(screen, live_server, journey_site):
    token, result, _ = journey_site
    response = screen.goto(f"{live_server}/sites/{token}/parcours")
    html = response.body()
    assert len(gzip.compress(html, 6)) <= MAX_HTML_GZIP

    # The phase in progress is open, the others closed.
    buttons = screen.locator(".pf-phase .fr-accordion__btn")
    expect(buttons).to_have_count(6)
    expect(buttons.first).to_have_attribute("aria-expanded", "true")
    expect(buttons.nth(1)).to_have_attribute("aria-expanded", "false")
    violations = run_axe(screen)
    assert violations == [], violations

    close_phases(screen)
    height = screen.evaluate("() => document.documentElement.scrollHeight")
    save_screenshot(screen, "parcours-loos-phases-fermees")
    assert height <= MAX_HEIGHT, f"{height} px, {height / VIEWPORT['height']:.1f} écrans"
    violations = run_axe(screen)
    assert violations == [], violations

    # Each contact once: one entry in « Vos interlocuteurs », one link to its page or directory
    # search (a scheme whose official page is the same site aside); steps link to the entry.
    assert len(result.contacts) > 10
    expect(screen.locator(".pf-contact")).to_have_count(len(result.contacts))
    for contact in result.contacts:
        expect(screen.locator(f"#contact-{contact.id}")).to_have_count(1)
        links = screen.locator(f'a[href="{contact.url}"]:not(.pf-scheme a)')
        expect(links).to_have_count(1)
    ddt_links = screen.locator('.pf-phases a[href="#contact-ddt-62"]')
    assert ddt_links.count() >= 17  # every step needing the DDTM links to its one entry


def test_next_actions_say_whom_to_contact_and_when(screen, live_server, journey_site):
    token, result, _ = journey_site
    screen.goto(f"{live_server}/sites/{token}/parcours")
    actions = screen.locator(".pf-action")
    expect(actions).to_have_count(3)
    for i, step in enumerate(result.steps[:3]):
        action = actions.nth(i)
        expect(action.locator("h3 a")).to_have_text(step.step.title)
        expect(action).to_contain_text("Échéance :")
        if step.contacts:
            expect(action).to_contain_text("Qui contacter :")
    # A contact of the first action leads to its entry among the interlocutors.
    first = actions.first.locator('a[href^="#contact-"]').first
    target = first.get_attribute("href")
    first.click()
    screen.wait_for_url(f"**{target}")
    expect(screen.locator(f".pf-people {target}")).to_be_in_viewport()
    # The title opens the step page, with the full detail.
    actions.first.locator("h3 a").click()
    screen.wait_for_url(f"**/parcours/etapes/{result.steps[0].id}")
    expect(screen.locator("h1")).to_have_text(result.steps[0].step.title)


def test_no_raw_id_on_the_path_page(screen, live_server, journey_site):
    token, _, ids = journey_site
    screen.goto(f"{live_server}/sites/{token}/parcours")
    for button in screen.locator(".pf-phase .fr-accordion__btn").all():
        if button.get_attribute("aria-expanded") == "false":
            button.click()
    expect(screen.locator('.pf-phase .fr-accordion__btn[aria-expanded="false"]')).to_have_count(0)
    text = screen.locator("main").inner_text()
    assert "Le sol est peut-être pollué" in text
    assert raw_ids(text, ids) == []


def test_without_javascript_every_phase_is_open(browser, live_server, journey_site):
    token, result, _ = journey_site
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORT, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/sites/{token}/parcours")
        last = result.steps[-1]
        expect(page.locator(f"#etape-{last.id}-statut")).to_be_visible()
        expect(page.locator(f"#etape-{last.id} form.pf-tracking button")).to_be_visible()
    finally:
        context.close()


def test_no_horizontal_scroll_at_320_px(browser, live_server, journey_site):
    token, _, _ = journey_site
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 700})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/sites/{token}/parcours")
        page.locator(".pf-phase .fr-accordion__btn").nth(2).click()  # a long phase open too
        expect(page.locator("#etape-pollution-diagnostic")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
