"""The map of /projets-inspirants in real Chromium, with the production basemap (IGN
Géoplateforme) whose tile requests are answered by the test itself (no internet): one marker
per commune, a popup whose link opens the project, reachable with the keyboard, filters that
filter the map, axe-core without a serious violation."""

from __future__ import annotations

import base64

import pytest

from app.config import IGN_ATTRIBUTION, IGN_PLAN_URL
from tests.conftest import empty_database, make_app, run_axe, save_screenshot, serving

from .test_carte import publish

pytestmark = pytest.mark.browser

# A 1×1 transparent PNG, the answer to every tile request.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture
def live_server(database_url, _schema):
    """The suite's live server, with the IGN basemap configured as in production."""
    app = make_app(
        database_url, WTF_CSRF_ENABLED=True, MAP_TILES_URL=IGN_PLAN_URL, MAP_TILES_ATTRIBUTION=IGN_ATTRIBUTION
    )
    with serving(app) as url:
        yield url
    with app.app_context():
        empty_database()


def test_the_map_of_projects(app, page, browser):
    loos = publish("Une tôlerie devenue logements")
    publish("Une cité minière rénovée", "62528", "62", "32", usage="habitat")  # same commune
    lyon = publish("Un dépôt devenu gymnase", "69123", "69", "84", usage="équipement public")
    publish("Une voie ferrée devenue promenade", "33063", "33", "75", usage="renaturation")
    tiles = []

    def answer_tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.route("https://data.geopf.fr/**", answer_tile)
    page.goto(page.base_url + "/projets-inspirants")
    region = page.get_by_role("region", name="Carte des projets inspirants")
    region.wait_for()
    markers = page.locator(".pf-carte__repere")
    assert markers.count() == 3  # three communes, the two projects of Loos-en-Gohelle share one
    assert page.get_by_role("button", name="Loos-en-Gohelle (Pas-de-Calais) : 2 projets").count() == 1
    page.wait_for_load_state("networkidle")
    assert tiles  # the basemap asked for its tiles, all answered here

    # a click opens the popup, its link opens the project's page
    page.get_by_role("button", name=f"{lyon.titre}, Lyon (Rhône)").click()
    link = page.locator(".leaflet-popup").get_by_role("link", name=lyon.titre)
    link.wait_for()
    assert "Le repère indique la commune" in page.locator(".leaflet-popup").inner_text()
    violations = run_axe(page)
    save_screenshot(page, "projets-inspirants-carte")
    assert violations == [], violations
    page.set_viewport_size({"width": 320, "height": 640})  # the map fits a narrow screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    link.click()
    page.wait_for_url(f"**/projets-inspirants/{lyon.public_id}")
    assert page.locator("h1").inner_text() == lyon.titre

    # with the keyboard: the marker is a button, Entrée opens the popup and focuses its link,
    # Échap closes it and gives the focus back to the marker; Tab leaves the map
    page.goto(page.base_url + "/projets-inspirants")
    loos_marker = page.get_by_role("button", name="Loos-en-Gohelle (Pas-de-Calais) : 2 projets")
    loos_marker.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused in (loos.titre, "Une cité minière rénovée")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == loos_marker.get_attribute(
        "aria-label"
    )
    for _ in range(12):
        page.keyboard.press("Tab")
    assert not page.evaluate("document.querySelector('.pf-carte').contains(document.activeElement)")

    # the filters (a plain form) filter the map too
    page.select_option("#filtre-usage", "habitat")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/projets-inspirants?usage=habitat*")
    page.get_by_role("region", name="Carte des projets inspirants").wait_for()
    assert page.locator(".pf-carte__repere").count() == 1
    page.select_option("#filtre-usage", "industrie")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/projets-inspirants?usage=industrie*")
    page.get_by_text("Aucun projet à montrer sur la carte pour ces filtres.").wait_for()
    assert page.locator(".pf-carte__repere").count() == 0

    # without JavaScript: the list, no map block, no Leaflet
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    plain = context.new_page()
    plain.goto(page.base_url + "/projets-inspirants")
    assert plain.locator("#liste-projets .fr-card").count() == 4
    assert not plain.locator("#carte-projets-bloc").is_visible()
    assert plain.get_by_role("link", name=lyon.titre).is_visible()
    context.close()

    outside = {url.split("?")[0] for url in page.requests_seen if not url.startswith(page.base_url)}
    assert outside <= {"https://data.geopf.fr/wmts"}  # the basemap only, answered by the test
