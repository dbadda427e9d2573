"""The location page in real Chromium: map click and perimeter drawing fill the form,
accessible (axe-core), no third-party request."""

import pytest

from app.extensions import db
from app.models import Site
from tests.conftest import make_app, run_axe, save_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def site_token(database_url, live_server):
    app = make_app(database_url)
    with app.app_context():
        site = Site()
        db.session.add(site)
        db.session.commit()
        return site.token


def test_location_page_map_and_search(page, site_token):
    page.goto(f"{page.base_url}/sites/{site_token}/localisation")
    assert page.locator("h1").inner_text() == "Localiser le site"
    assert page.locator("#bloc-carte").is_visible()  # progressive enhancement ran
    assert page.locator("#recherche-adresse").is_visible()

    carte = page.locator("#carte")
    carte.click(position={"x": 300, "y": 200})
    assert page.input_value("#lon") and page.input_value("#lat")

    page.click("#mode-perimetre")
    for x, y in ((200, 150), (260, 150), (260, 220)):
        carte.click(position={"x": x, "y": y})
    page.click("#fermer-perimetre")
    assert '"Polygon"' in page.input_value("#perimetre")

    page.fill("#commune", "loos-en")
    page.locator("#communes-suggestions option").first.wait_for(state="attached")
    assert "62528" in page.locator("#communes-suggestions option").first.get_attribute("value")
    page.fill("#commune", "Loos-en-Gohelle (62528)")
    page.dispatch_event("#commune", "change")
    page.locator("#carte path.leaflet-interactive, #carte svg path").first.wait_for(state="attached")

    violations = run_axe(page)
    save_screenshot(page, "localisation")
    assert violations == [], violations
    outside = [url for url in page.requests_seen if not url.startswith(page.base_url)]
    assert outside == []
