"""/stats in real Chromium: readable without JavaScript errors, accessible (axe-core), self-contained."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.stats import demo
from tests.conftest import run_axe, save_screenshot
from tests.stats.dataset import TODAY

pytestmark = pytest.mark.browser


def test_stats_page_in_chromium(app, page):
    demo.seed(db.session, TODAY, sites=48)
    page.goto(page.base_url + "/stats")
    assert page.title().startswith("Statistiques publiques")
    assert page.locator("h1").inner_text() == "Statistiques publiques"
    assert page.locator("[data-indicateur=territoires_engages]").inner_text() not in ("", "0")
    assert page.locator("svg[role=img]").count() == 5
    assert "Données de démonstration" in page.locator(".fr-notice").first.inner_text()
    # The period selector is a plain GET form.
    page.select_option("#periode", "3")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**/stats?periode=3")
    assert page.locator("#graphique-sites-crees-tableau tbody tr").count() == 3
    violations = run_axe(page)
    save_screenshot(page, "stats")
    assert violations == [], violations
    outside = [url for url in page.requests_seen if not url.startswith(page.base_url)]
    assert outside == []
