"""The map in real Chromium, against a local tile server and a local API Carto cadastre: a
click on a parcel selects it (a second click removes it), its surface fills the land surface
question, marked as computed; French map controls; accessible (axe-core)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Site
from tests.conftest import run_axe, save_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def map_page(browser, map_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests_seen = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    yield page, map_server
    context.close()


def _new_site(app) -> str:
    with app.app_context():
        site = Site()
        db.session.add(site)
        db.session.commit()
        return site.token


def test_clicking_a_parcel_fills_the_surface(map_page):
    page, server = map_page
    token = _new_site(server["app"])
    page.goto(f"{server['url']}/sites/{token}/localisation")

    # French controls
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoomer"
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Dézoomer"
    assert "Leaflet" in page.inner_text(".leaflet-control-attribution")
    assert "A JavaScript library" not in page.inner_html(".leaflet-control-attribution")

    # the map goes to the commune, the basemap comes from the (local) tile server
    page.fill("#commune", "Loos-en-Gohelle (62528)")
    page.dispatch_event("#commune", "change")
    page.locator("#carte svg path").first.wait_for(state="attached")
    page.locator("#carte img.leaflet-tile-loaded").first.wait_for(state="attached")

    page.click("#mode-parcelles")
    assert page.get_attribute("#mode-parcelles", "aria-pressed") == "true"
    carte = page.locator("#carte")
    carte.click(position={"x": 400, "y": 200})
    page.locator("#surface-perimetre").wait_for(state="visible")
    assert "Parcelle AB 123 ajoutée au périmètre (1 parcelle)" in page.inner_text("#carte-statut")
    shown = page.inner_text("#surface-valeur")
    assert shown.replace("\u202f", "").replace("\u00a0", " ").startswith("20")
    assert "calculée à partir du périmètre, modifiable" in page.inner_text("#surface-perimetre")
    assert '"FeatureCollection"' in page.input_value("#perimetre")

    violations = run_axe(page)
    save_screenshot(page, "localisation-parcelle")
    assert violations == [], violations

    # a second click on the same parcel removes it, a third adds it again
    carte.click(position={"x": 400, "y": 200})
    page.locator("#surface-perimetre").wait_for(state="hidden")
    assert page.input_value("#perimetre") == ""
    carte.click(position={"x": 400, "y": 200})
    page.locator("#surface-perimetre").wait_for(state="visible")

    # the keyboard way: the parcel under the point typed (or found by the address search)
    page.fill("#lon", "2.778")
    page.fill("#lat", "50.4566")
    page.focus("#parcelle-du-point")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('carte-statut').textContent.includes('retirée')")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('carte-statut').textContent.includes('ajoutée')")
    page.locator("#surface-perimetre").wait_for(state="visible")

    page.click("button[type=submit]:has-text('Enregistrer la localisation')")
    page.wait_for_url("**/questionnaire/**")
    surface = page.input_value("#unite_fonciere_surface")
    assert surface.isdigit() and 19_000 < int(surface) < 22_000
    assert int(surface) == int(shown.replace("\u202f", "").replace("\u00a0m²", ""))
    assert "Pré-rempli depuis le périmètre du site (surface calculée, modifiable)" in page.content()

    # back on the location page: urbanism and risk APIs did not answer (not served locally):
    # one plain sentence, the retry button, the details on demand; the saved parcel is shown
    page.goto(f"{server['url']}/sites/{token}/localisation")
    assert page.locator("text=Certaines données publiques n'ont pas pu être consultées").count() == 1
    assert page.locator("button:has-text('Réessayer')").is_visible()
    assert not page.locator("#donnees-publiques details li").first.is_visible()
    page.click("#donnees-publiques details summary")
    assert "non consultée" in page.inner_text("#donnees-publiques details")
    page.locator("#surface-perimetre").wait_for(state="visible")
    assert page.inner_text("#surface-valeur") == shown
    violations = run_axe(page)
    assert violations == [], violations

    # every request went to the service or to the local stand-ins of IGN and API Carto
    tiles = [url for url in page.requests_seen if url.startswith(server["tiles"])]
    assert tiles, "no basemap tile was loaded"
    outside = [u for u in page.requests_seen if not u.startswith((server["url"], server["tiles"]))]
    assert outside == []


def test_choosing_a_homonym_recentres_the_map(map_page):
    page, server = map_page
    token = _new_site(server["app"])
    page.goto(f"{server['url']}/sites/{token}/localisation")
    page.fill("#commune", "Saint-Denis")
    page.click("button[type=submit]:has-text('Enregistrer la localisation')")
    page.locator("#choix-commune").wait_for()
    assert page.locator("#carte svg path").count() == 0  # the site has no commune yet
    radio = page.locator("input[name=commune_code]").first
    code = radio.get_attribute("value")
    with page.expect_response(f"**/localisation/communes/{code}/contour"):
        page.check(f"#{radio.get_attribute('id')}", force=True)
    outline = page.locator("#carte svg path").first
    outline.wait_for(state="attached")
    # the map is fitted to the chosen commune: its outline fills the map
    page.wait_for_function(
        """() => {
          const map = document.querySelector('#carte').getBoundingClientRect();
          const path = document.querySelector('#carte svg path').getBoundingClientRect();
          return path.width > map.width / 2 || path.height > map.height / 2;
        }"""
    )

    # the perimeter file input speaks French whatever the browser's language
    assert page.inner_text(".loc-upload__bouton") == "Choisir un fichier"
    assert page.inner_text(".loc-upload__nom") == "Aucun fichier choisi"
    page.set_input_files(
        "#fichier", files=[{"name": "friche.geojson", "mimeType": "application/json", "buffer": b"{}"}]
    )
    assert page.inner_text(".loc-upload__nom") == "friche.geojson"
    violations = run_axe(page)
    assert violations == [], violations
