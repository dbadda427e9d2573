"""The map of the advisers' view (app/maps.py): only the shared sites of the adviser's
territories, each linking to the adviser's page of the site, never to its private link; the
table is the content without JavaScript."""

from __future__ import annotations

import json
import re

from app.extensions import db
from app.geo import commune_at
from app.models import Site

from .conftest import login, new_site
from .test_advisers import _adviser, app  # noqa: F401 - the advisers' app fixture

POINT_KEYS = {"lat", "lon", "title", "url", "place", "detail", "approx"}


def map_points(html: str) -> list[dict]:
    found = re.search(r'<script type="application/json" id="carte-sites-points">(.*?)</script>', html, re.S)
    assert found, "bloc des points de la carte absent"
    return json.loads(found.group(1))


def _site(client, name, commune, departement, point=None, share=True) -> tuple[str, Site]:
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    site = Site.query.filter_by(token=token).one()
    site.nom, site.commune_code, site.departement_code = name, commune, departement
    site.point_geojson = point
    db.session.commit()
    if share:
        client.post(f"/sites/{token}/partage-conseillers", data={"actif": "oui"})
    return token, site


def test_the_map_shows_only_the_shared_sites_of_the_territory(app, client, smtp):  # noqa: F811
    _adviser(app, "agent@ddt-62.gouv.fr", "--departement", "62")
    login(client, smtp, "maire@commune.fr")
    located_token, located = _site(
        client, "Friche du canal", "62528", "62", {"type": "Point", "coordinates": [2.7771, 50.4573]}
    )
    commune_token, by_commune = _site(client, "Ancienne sucrerie", "62498", "62")
    private_token, _private = _site(client, "Garage fermé", "62528", "62", share=False)
    _other_token, _other = _site(client, "Filature de Roubaix", "59512", "59")
    adviser = app.test_client()
    login(adviser, smtp, "agent@ddt-62.gouv.fr")

    html = adviser.get("/conseiller").get_data(as_text=True)
    points = map_points(html)
    assert sorted(p["url"] for p in points) == sorted(
        [f"/conseiller/sites/{located.id}", f"/conseiller/sites/{by_commune.id}"]
    )
    by_title = {p["title"]: p for p in points}
    assert set(by_title) == {"Friche du canal", "Ancienne sucrerie"}
    for point in points:
        assert set(point) == POINT_KEYS
    # the site's own point; the commune's when the site has none (and it says so)
    assert (by_title["Friche du canal"]["lon"], by_title["Friche du canal"]["lat"]) == (2.7771, 50.4573)
    assert by_title["Friche du canal"]["approx"] is False
    sucrerie = by_title["Ancienne sucrerie"]
    assert sucrerie["approx"] is True and commune_at(sucrerie["lon"], sucrerie["lat"]).code == "62498"
    assert sucrerie["place"] == "Lens (62498)"
    # nothing of a site that did not opt in or lies outside the territory, no private link, no e-mail
    block = re.search(r'id="carte-sites-points">(.*?)</script>', html, re.S).group(1)
    for secret in (
        located_token,
        commune_token,
        private_token,
        "Garage fermé",
        "Roubaix",
        "maire@commune.fr",
    ):
        assert secret not in block
    assert '"/sites/' not in block

    # revoked: off the map as well as off the table
    client.post(f"/sites/{located_token}/partage-conseillers", data={"actif": "non"})
    html = adviser.get("/conseiller").get_data(as_text=True)
    assert [p["title"] for p in map_points(html)] == ["Ancienne sucrerie"]


def test_the_table_is_the_content_without_javascript(app, client, smtp):  # noqa: F811
    _adviser(app, "agent@ddt-62.gouv.fr", "--departement", "62")
    adviser = app.test_client()
    login(adviser, smtp, "agent@ddt-62.gouv.fr")
    nothing = adviser.get("/conseiller").get_data(as_text=True)
    assert "Aucun site partagé pour l'instant." in nothing and "leaflet" not in nothing

    login(client, smtp, "maire@commune.fr")
    _token, site = _site(client, "Friche du canal", "62528", "62")
    _site(client, "Site sans commune", None, "62")
    html = adviser.get("/conseiller").get_data(as_text=True)
    assert re.search(r'id="carte-sites-bloc"[^>]*\shidden>', html, re.S)  # drawn by JavaScript only
    assert f'<a href="/conseiller/sites/{site.id}">Friche du canal</a>' in html  # the table, as before
    assert 'id="tableau-sites"' in html and 'href="#tableau-sites"' in html
    assert "1 site sans commune ne figure pas sur la carte." in html
    assert len(map_points(html)) == 1
    assert "<script>" not in html
