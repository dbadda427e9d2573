"""The home page in real Chromium: accessible (axe-core), self-contained (no third-party request)."""

import pytest

from tests.conftest import run_axe, save_screenshot

pytestmark = pytest.mark.browser


def test_home_page_in_chromium(page):
    page.goto(page.base_url + "/")
    assert page.title().endswith("Parcours Friches")
    assert page.locator("h1").first.inner_text() == "Votre friche, étape par étape"
    # DSFR stylesheet really applied: the header logo is styled by local DSFR files.
    assert page.evaluate("getComputedStyle(document.querySelector('.fr-logo')).fontWeight") in ("700", "bold")
    violations = run_axe(page)
    save_screenshot(page, "accueil")
    assert violations == [], violations
    outside = [url for url in page.requests_seen if not url.startswith(page.base_url)]
    assert outside == []
