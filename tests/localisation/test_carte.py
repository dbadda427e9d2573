"""The location page's map: parcel selection through our own route (API Carto cadastre on a
local server), the perimeter's surface in the land surface question, the CSP of the basemap,
the plain warning when public data could not be read, the privacy page."""

from __future__ import annotations

import io
import json

import pytest
from shapely.geometry import Polygon, box, mapping

from app import create_app
from app.clients import clear_caches
from app.extensions import db
from app.localisation.service import PERIMETER_SOURCE
from app.models import Answer, Site
from tests.conftest import make_app

from .conftest import NEIGHBOUR_RING, PARCEL_RING, parcel_collection, serve_parcel

CLICK = {"lon": "2.778", "lat": "50.4566"}


@pytest.fixture
def site(app):
    s = Site()
    db.session.add(s)
    db.session.commit()
    return s


def surface_answer(site):
    return Answer.query.filter_by(site_id=site.id, question_id="unite_fonciere_surface").one_or_none()


# --- the parcel under a click -------------------------------------------------------------------


def test_parcel_route_returns_the_parcel_geometry(client, cadastre):
    serve_parcel(cadastre)
    r = client.get("/localisation/parcelle", query_string=CLICK)
    assert r.status_code == 200
    feature = r.get_json()
    assert feature["properties"]["idu"] == "62528000AB0123"
    assert feature["properties"]["libelle"] == "Parcelle AB 123"
    assert feature["geometry"]["type"] == "Polygon"
    assert 19_000 < feature["properties"]["surface_m2"] < 22_000
    # the server asked API Carto for the point clicked, nothing more
    (request, _response) = cadastre.log[-1]
    assert json.loads(request.args["geom"]) == {"type": "Point", "coordinates": [2.778, 50.4566]}
    assert request.args["source_ign"] == "PCI"


def test_parcel_clicks_are_cached(client, cadastre):
    serve_parcel(cadastre)
    for _ in range(3):
        assert client.get("/localisation/parcelle", query_string=CLICK).status_code == 200
    assert len(cadastre.log) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"lon": "abc", "lat": "50"}, "Coordonnées invalides"),
        ({"lat": "50.45"}, "Coordonnées invalides"),
        ({"lon": "50.4566", "lat": "2.778"}, "inversant"),
        ({"lon": "-40", "lat": "10"}, "hors de France"),
        ({"lon": "nan", "lat": "50"}, "nombres valides"),
    ],
)
def test_parcel_route_bad_coordinates(client, cadastre, query, message):
    r = client.get("/localisation/parcelle", query_string=query)
    assert r.status_code == 422 and message in r.get_json()["erreur"]
    assert cadastre.log == []  # refused before any call out


def test_parcel_route_when_the_cadastre_fails_is_a_french_message(client, cadastre):
    # nothing served: the local server answers 500
    r = client.get("/localisation/parcelle", query_string=CLICK)
    assert r.status_code == 503
    assert r.get_json()["erreur"].startswith("Le cadastre n'a pas pu être consulté ; vous pouvez réessayer")


def test_a_slow_cadastre_cannot_hold_the_click(client, cadastre, app):
    import threading

    from werkzeug import Response

    released = threading.Event()

    def slow(_request):
        released.wait(10)  # answers well after the call's deadline
        return Response(json.dumps(parcel_collection()), content_type="application/json")

    cadastre.expect_request("/cadastre/parcelle").respond_with_handler(slow)
    app.config["ENRICHMENT_TIMEOUT"] = 0.5
    try:
        r = client.get("/localisation/parcelle", query_string=CLICK)
    finally:
        released.set()
    # a parcel would have come back had the call waited: the deadline cut it short
    assert r.status_code == 503 and "réessayer" in r.get_json()["erreur"]


def test_parcel_route_when_there_is_no_parcel(client, cadastre):
    serve_parcel(cadastre, {"type": "FeatureCollection", "features": []})
    r = client.get("/localisation/parcelle", query_string=CLICK)
    assert r.status_code == 404 and "Aucune parcelle cadastrale à cet endroit" in r.get_json()["erreur"]


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [[[2.77, 50.45], [2.78, 50.45]]]},  # not a ring
        {"type": "Polygon", "coordinates": [[[20.0, 10.0], [20.1, 10.0], [20.1, 10.1], [20.0, 10.0]]]},
        {"type": "Polygon", "coordinates": "nope"},
    ],
)
def test_parcel_route_refuses_an_unusable_geometry(client, cadastre, geometry):
    body = parcel_collection()
    body["features"][0]["geometry"] = geometry
    serve_parcel(cadastre, body)
    r = client.get("/localisation/parcelle", query_string=CLICK)
    assert r.status_code == 502 and "inexploitable" in r.get_json()["erreur"]


def test_parcel_route_without_enrichment_says_what_to_do(client, app):
    app.config["ENRICHMENT_ENABLED"] = False
    r = client.get("/localisation/parcelle", query_string=CLICK)
    assert r.status_code == 503 and "dessinez le périmètre" in r.get_json()["erreur"]


def test_parcel_route_is_rate_limited(database_url, _schema, httpserver):
    clear_caches()
    serve_parcel(httpserver)
    limited = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_PARCELS="2/minute",
        API_CARTO_URL=httpserver.url_for("/"),
        ENRICHMENT_RETRIES=0,
    )
    client = limited.test_client()
    codes = [client.get("/localisation/parcelle", query_string=CLICK).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_parcel_selection_is_offered_only_when_public_data_may_be_read(client, site, app):
    page = client.get(f"/sites/{site.token}/localisation").get_data(as_text=True)
    assert 'id="mode-parcelles"' in page
    app.config["ENRICHMENT_ENABLED"] = False
    page = client.get(f"/sites/{site.token}/localisation").get_data(as_text=True)
    assert 'id="mode-parcelles"' not in page


# --- the perimeter's surface ----------------------------------------------------------------------


def test_surface_route_unions_the_selected_parcels(client):
    one = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [PARCEL_RING]}}
    two = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [NEIGHBOUR_RING]}}
    r1 = client.post("/localisation/surface", json={"type": "FeatureCollection", "features": [one]})
    r2 = client.post("/localisation/surface", json={"type": "FeatureCollection", "features": [one, two]})
    assert r1.status_code == r2.status_code == 200
    s1, s2 = r1.get_json()["surface_m2"], r2.get_json()["surface_m2"]
    assert 19_000 < s1 < 22_000 and s2 > s1 * 1.4
    assert r2.get_json()["geometry"]["type"] == "Polygon"  # one outline, not two parcels
    assert r1.get_json()["surface"].endswith("\u00a0m²")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{pas du json", "JSON valide"),
        (json.dumps(mapping(box(20, 10, 20.1, 10.1))).encode(), "hors de France"),
        (json.dumps({"type": "Point", "coordinates": [2.77, 50.45]}).encode(), "polygone"),
    ],
)
def test_surface_route_bad_perimeter_is_a_french_message(client, body, message):
    r = client.post("/localisation/surface", data=body, content_type="application/json")
    assert r.status_code == 422 and message in r.get_json()["erreur"]


def test_surface_route_size_cap(client, app):
    app.config["PERIMETER_MAX_BYTES"] = 1000
    r = client.post("/localisation/surface", data=b" " * 2000, content_type="application/json")
    assert r.status_code == 413 and "taille maximale" in r.get_json()["erreur"]


def test_clicked_parcels_fill_the_surface_question_marked_as_computed(client, site, app):
    app.config["ENRICHMENT_ENABLED"] = False
    parcels = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]}}
            for ring in (PARCEL_RING, NEIGHBOUR_RING)
        ],
    }
    r = client.post(f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(parcels)})
    assert r.status_code == 302
    db.session.refresh(site)
    assert site.perimeter_geojson["type"] == "Polygon"  # the union of the two parcels
    answer = surface_answer(site)
    assert answer.value == round(site.surface_m2) and answer.source == PERIMETER_SOURCE
    # the question shows it, marked as computed, and it stays editable
    page = client.get(r.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert f'value="{answer.value}"' in page
    assert "Pré-rempli depuis le périmètre du site (surface calculée, modifiable)" in page


def test_uploaded_perimeter_fills_the_surface_without_javascript(client, site, app):
    app.config["ENRICHMENT_ENABLED"] = False
    body = json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [PARCEL_RING]}})
    r = client.post(
        f"/sites/{site.token}/localisation",
        data={"fichier": (io.BytesIO(body.encode()), "friche.geojson")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert 19_000 < surface_answer(site).value < 22_000
    with client.session_transaction() as session:
        messages = [m for _c, m in session["_flashes"]]
    assert any("Surface du périmètre : 20" in m for m in messages)


def test_a_typed_surface_is_never_overwritten(client, site, app):
    app.config["ENRICHMENT_ENABLED"] = False
    db.session.add(Answer(site=site, question_id="unite_fonciere_surface", value=18000, source=None))
    db.session.commit()
    client.post(
        f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(mapping(Polygon(PARCEL_RING)))}
    )
    answer = surface_answer(site)
    assert answer.value == 18000 and answer.source is None


def test_a_computed_surface_goes_when_the_perimeter_goes(client, site, app):
    app.config["ENRICHMENT_ENABLED"] = False
    client.post(
        f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(mapping(Polygon(PARCEL_RING)))}
    )
    assert surface_answer(site) is not None
    client.post(f"/sites/{site.token}/localisation", data={"lon": "2.778", "lat": "50.4566"})
    db.session.expire_all()
    assert surface_answer(site) is None


def test_the_perimeter_surface_survives_a_retry_of_the_public_data(client, site, cadastre):
    # the cadastre's area (sum of the parcels touched) must not replace the perimeter's own
    from tests.clients.test_clients import PARCELLES

    client.post(
        f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(mapping(Polygon(PARCEL_RING)))}
    )
    computed = surface_answer(site).value
    cadastre.expect_request("/cadastre/parcelle").respond_with_json(PARCELLES)
    clear_caches()
    client.post(f"/sites/{site.token}/localisation/enrichir")
    db.session.expire_all()
    assert surface_answer(site).value == computed and surface_answer(site).source == PERIMETER_SOURCE


# --- warnings a secretary understands -----------------------------------------------------------


def test_failed_retry_says_it_once(client, site, cadastre):
    client.post(f"/sites/{site.token}/localisation", data={"lon": "2.778", "lat": "50.4566"})
    client.get("/")  # the save's flash is read on the next page
    r = client.post(f"/sites/{site.token}/localisation/enrichir", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert page.count("pas pu être consultées") == 1
    assert "injoignable" not in page.split("<details", 1)[0]  # technical words only on demand
    assert "API Carto" not in page.split("<details", 1)[0]


# --- basemap, CSP and privacy ---------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    out = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        if part.strip():
            name, *values = part.split()
            out[name] = values
    return out


@pytest.fixture
def production(monkeypatch, app):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://parcours-friches.example/")
    for name in ("MAP_TILES_URL", "MAP_PARCELS_URL", "MAP_TILES_ATTRIBUTION", "FORCE_HTTPS"):
        monkeypatch.delenv(name, raising=False)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "ENRICHMENT_ENABLED": False,
        }
    )


def test_production_shows_the_ign_basemap_and_allows_that_host_only(production, site):
    client = production.test_client()
    r = client.get(f"/sites/{site.token}/localisation", base_url="https://parcours-friches.example")
    assert r.status_code == 200
    csp = _csp(r)
    assert csp["img-src"] == ["'self'", "data:", "https://data.geopf.fr"]
    assert csp["connect-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    third_parties = {v for values in csp.values() for v in values if "://" in v}
    assert third_parties == {"https://data.geopf.fr"}
    page = r.get_data(as_text=True)
    assert "LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2" in page and "TILEMATRIXSET=PM" in page
    assert "LAYER=CADASTRALPARCELS.PARCELLAIRE_EXPRESS" in page and "FORMAT=image/png" in page
    assert "Fond de carte non disponible" not in page
    # the legal pages say so: privacy (what the IGN receives), cookies (the one exception)
    https = {"base_url": "https://parcours-friches.example"}
    privacy = client.get("/donnees-personnelles", **https).get_data(as_text=True)
    assert "chargées par votre navigateur directement depuis la Géoplateforme" in privacy
    assert "adresse IP" in privacy and "coordonnées des tuiles" in privacy
    cookies = client.get("/gestion-des-cookies", **https).get_data(as_text=True)
    assert "à une exception près" in cookies and "data.geopf.fr" in cookies


def test_development_and_tests_call_no_tile_server(client, site):
    r = client.get(f"/sites/{site.token}/localisation")
    csp = _csp(r)
    assert csp["img-src"] == ["'self'", "data:"]
    assert not any("://" in v for values in csp.values() for v in values)
    page = r.get_data(as_text=True)
    assert 'data-tiles-url=""' in page and 'data-parcels-url=""' in page
    assert (
        "Fond de carte non disponible hors connexion : seules les limites de la commune sont affichées."
        in page
    )


def test_a_deployer_can_switch_the_basemap_off_in_production(monkeypatch, app):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://parcours-friches.example/")
    monkeypatch.setenv("MAP_TILES_URL", "")
    monkeypatch.setenv("MAP_PARCELS_URL", "")
    prod = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    r = prod.test_client().get("/", base_url="https://parcours-friches.example")
    assert _csp(r)["img-src"] == ["'self'", "data:"]


def test_without_a_basemap_no_third_party_is_claimed(client):
    cookies = client.get("/gestion-des-cookies").get_data(as_text=True)
    assert "ne charge aucun contenu depuis un site tiers." in cookies


def test_privacy_page_declares_the_ign_tiles(client):
    page = client.get("/donnees-personnelles").get_data(as_text=True)
    assert "Géoplateforme" in page and "data.geopf.fr" in page
    assert "adresse IP" in page and "tuiles" in page


# --- the zonage ABC caveat, only where it changes something -------------------------------------


def test_the_zonage_caveat_is_not_shown_when_nothing_reads_the_zonage(client, site, app):
    app.config["ENRICHMENT_ENABLED"] = False
    client.post(f"/sites/{site.token}/localisation", data={"commune": "Loos-en-Gohelle"})
    page = client.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    assert "Loos-en-Gohelle" in page
    assert "Zonage ABC :" not in page and "5 septembre 2025" not in page
    r = client.post("/api/v1/parcours", json={"site": {"commune": "62528"}, "projet": {}})
    assert r.status_code == 200, r.get_json()
    assert not any("zonage" in w.lower() for w in r.get_json()["avertissements"])


def test_the_zonage_caveat_comes_back_when_a_step_reads_the_zonage(app, monkeypatch):
    from types import SimpleNamespace

    from app.parcours import service

    step = SimpleNamespace(condition={"territoire": "zone_detendue", "est": "oui"})
    fake = SimpleNamespace(catalogs=SimpleNamespace(steps=[step], schemes={}))
    monkeypatch.setattr(service, "path_engine", lambda: fake)
    _facts, _block, warnings = service.territory("62528")
    assert any("5 septembre 2025" in w for w in warnings)


def test_neighbouring_parcels_are_not_counted_as_part_of_the_site(client, site, cadastre):
    # API Carto returns every parcel the perimeter intersects, the neighbour sharing a boundary too
    body = parcel_collection()
    body["features"] += parcel_collection(NEIGHBOUR_RING, "62528000AB0124", "0124")["features"]
    cadastre.expect_request("/cadastre/parcelle").respond_with_json(body)
    clicked = {"type": "FeatureCollection", "features": parcel_collection()["features"]}
    r = client.post(f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(clicked)})
    assert r.status_code == 302
    refcad = Answer.query.filter_by(site_id=site.id, question_id="unite_fonciere_refcad").one()
    assert refcad.value == "62528000AB0123" and refcad.source == "API Carto cadastre"
