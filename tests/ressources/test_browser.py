"""The toolbox in real Chromium: filtering with JavaScript off, voting, and axe-core on the
list and on a resource page."""

from __future__ import annotations

import pytest

from tests.conftest import run_axe, save_screenshot

pytestmark = pytest.mark.browser


def test_filtering_and_voting_without_javascript(browser, live_server):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    try:
        page.goto(live_server + "/ressources")
        total = page.locator(".fr-card").count()
        assert total >= 25
        page.select_option("#filtre-famille", "animation")
        page.select_option("#filtre-niveau", "1")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_url("**/ressources?famille=animation*niveau=1")
        titles = page.locator(".fr-card__title").all_inner_texts()
        assert "Trame d'atelier avec les habitants" in titles and 0 < len(titles) < total
        assert "Animer et concerter" in page.locator("h2").all_inner_texts()[1]
        page.get_by_role("link", name="Trame d'atelier avec les habitants").click()
        assert page.locator("h1").inner_text() == "Trame d'atelier avec les habitants"
        assert page.get_by_role("link", name="Télécharger le modèle").count() == 1
        page.get_by_role("button", name="Oui : cette ressource m'a été utile").click()
        page.wait_for_url("**?avis=oui#avis")
        assert "Merci, votre avis est enregistré." in page.locator("#avis").inner_text()
        assert [u for u in seen if not u.startswith(live_server)] == []
    finally:
        context.close()


def test_library_pages_pass_axe(page):
    page.goto(page.base_url + "/ressources?phase=foncier")
    assert page.locator("h1").inner_text() == "Boîte à outils"
    violations = run_axe(page)
    save_screenshot(page, "ressources")
    assert violations == [], violations
    page.goto(page.base_url + "/ressources/modele-deliberation-convention-epf")
    assert "Notice" in page.locator("h2").all_inner_texts()
    violations = run_axe(page)
    save_screenshot(page, "ressource-modele")
    assert violations == [], violations
    assert [u for u in page.requests_seen if not u.startswith(page.base_url)] == []
