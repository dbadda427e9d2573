"""The site dashboard and the council summary in real Chromium: « Copier le lien » works with
JavaScript and is not shown without it, the PDF downloads and reads back, the glossary page, and
axe-core finds no serious or critical violation. Waits are on real conditions, never sleeps."""

from __future__ import annotations

import io

import pypdf
import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.conftest import make_app, run_axe, save_screenshot
from tests.synthese.journey import loos_site

pytestmark = pytest.mark.browser


@pytest.fixture
def token(database_url, live_server):
    app = make_app(database_url)
    with app.app_context():
        site = loos_site(done=4)
        yield site.token
        db.session.remove()


def test_copy_link_with_javascript_and_pdf_download(browser, live_server, token):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}/sites/{token}")
    expect(page.locator("h1")).to_have_text("Ancienne tôlerie")
    expect(page.locator(".pf-avancement")).to_contain_text("4 étapes sur")
    copy = page.get_by_role("button", name="Copier le lien")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#lien-site-statut")).to_have_text("Lien copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server}/sites/{token}"
    expect(page.get_by_role("link", name="M'envoyer le lien par courriel")).to_be_visible()
    assert run_axe(page) == []
    save_screenshot(page, "tableau-de-bord-site")

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger la synthèse (PDF)").click()
    download = info.value
    assert download.suggested_filename == "synthese-ancienne-tolerie.pdf"
    reader = pypdf.PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert 2 <= len(reader.pages) <= 5
    assert "Vos prochaines actions" in text and "Loos-en-Gohelle" in text
    context.close()


def test_copy_link_is_not_shown_without_javascript(browser, live_server, token):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/sites/{token}")
    expect(page.locator("h1")).to_have_text("Ancienne tôlerie")
    expect(page.get_by_text("Copier le lien")).to_be_hidden()
    expect(page.get_by_role("link", name="M'envoyer le lien par courriel")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger la synthèse (PDF)")).to_be_visible()
    context.close()


def test_glossary_page_accessible_and_reached_from_an_acronym(page, token):
    page.goto(f"{page.base_url}/sites/{token}")
    page.locator("a.pf-terme", has_text="DDTM").first.click()
    page.wait_for_url("**/glossaire#ddt")
    expect(page.locator("#ddt h2")).to_contain_text("DDT(M)")
    assert run_axe(page) == []


def test_dashboard_and_glossary_fit_320_px(browser, live_server, token):
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 640})
    page = context.new_page()
    for url in (f"/sites/{token}", "/glossaire"):
        page.goto(live_server + url)
        expect(page.locator("h1")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (url, width)
    context.close()
