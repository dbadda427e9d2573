"""Location page (works without JavaScript) and the commune search API."""

import io
import json
import re

import pytest
from shapely.geometry import box, mapping

from app.clients import clear_caches
from app.extensions import db
from app.localisation.service import PERIMETER_SOURCE
from app.models import Answer, Site
from tests.clients.test_clients import (
    ADRESSE_SEARCH,
    DOCUMENT,
    ICPE,
    MUNICIPALITY,
    PARCELLES,
    RGA,
    SIS,
    ZONE_URBA,
    page,
)

SITE = box(2.775, 50.455, 2.779, 50.458)


@pytest.fixture
def offline(app):
    app.config["ENRICHMENT_ENABLED"] = False
    return app


@pytest.fixture
def site(app):
    s = Site()
    db.session.add(s)
    db.session.commit()
    return s


@pytest.fixture
def apis(app, httpserver):
    """Point every client at the local test server."""
    clear_caches()
    url = httpserver.url_for("/")
    app.config.update(
        ENRICHMENT_ENABLED=True,
        API_ADRESSE_URL=url,
        API_CARTO_URL=url,
        GEORISQUES_URL=url,
        ENRICHMENT_RETRIES=0,
        ENRICHMENT_TIMEOUT=1,
    )
    return httpserver


def serve_all(httpserver):
    httpserver.expect_request("/cadastre/parcelle").respond_with_json(PARCELLES)
    for path, body in (
        ("/gpu/municipality", MUNICIPALITY),
        ("/gpu/document", DOCUMENT),
        ("/gpu/zone-urba", ZONE_URBA),
        ("/ssp/conclusions_sis", SIS),
        ("/ssp/casias", page()),
        ("/installations_classees", ICPE),
        ("/gaspar/azi", page()),
        ("/rga", RGA),
    ):
        httpserver.expect_request(path).respond_with_json(body)


def flashes_with_categories(client):
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def flashes(client):
    with client.session_transaction() as session:
        return [m for _c, m in session.get("_flashes", [])]


# --- API -----------------------------------------------------------------------------------


def test_api_communes_by_name(client):
    r = client.get("/api/v1/territoires/communes?q=loos-en-goh")
    assert r.status_code == 200
    first = r.get_json()["communes"][0]
    assert first["code"] == "62528" and first["nom"] == "Loos-en-Gohelle"
    assert first["departement"] == {"code": "62", "nom": "Pas-de-Calais"}
    assert first["region"]["nom"] == "Hauts-de-France" and first["zonage_abc"] == "B2"


def test_api_communes_by_postal_code_and_limit(client):
    r = client.get("/api/v1/territoires/communes?q=75011&limit=3")
    assert r.get_json()["communes"][0]["code"] == "75056"
    assert len(client.get("/api/v1/territoires/communes?q=saint&limit=3").get_json()["communes"]) == 3


@pytest.mark.parametrize("qs, field", [("q=a", "q"), ("", "q"), ("q=paris&limit=x", "limit")])
def test_api_communes_bad_input(client, qs, field):
    r = client.get(f"/api/v1/territoires/communes?{qs}")
    assert r.status_code == 422 and field in r.get_json()["erreurs"]


# --- page without JavaScript ------------------------------------------------------------------


def test_page_works_without_javascript_and_has_no_inline_script(client, site):
    r = client.get(f"/sites/{site.token}/localisation")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    for name in (
        'name="commune"',
        'name="lon"',
        'name="lat"',
        'name="fichier"',
        'enctype="multipart/form-data"',
    ):
        assert name in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in s for s in scripts)  # no inline script (CSP)
    assert not re.search(r'(src|href)="https?://', html.split("<footer")[0])  # no third-party asset
    assert re.search(r"vendor/leaflet/leaflet(\.[0-9a-f]{12})?\.js", html)  # fingerprinted name


def test_unknown_token_is_404(client):
    assert client.get("/sites/inconnu/localisation").status_code == 404


def test_save_commune_by_name(client, site, offline):
    r = client.post(f"/sites/{site.token}/localisation", data={"commune": "loos en gohelle"})
    assert r.status_code == 302
    db.session.refresh(site)
    assert (site.commune_code, site.departement_code, site.region_code) == ("62528", "62", "32")
    assert site.epci_code and site.point_geojson is None and site.surface_m2 is None
    # the zonage ABC caveat changes nothing about the location: not said here
    assert not any("zonage" in m.lower() for m in flashes(client))


def test_ambiguous_commune_asks_to_choose(client, site, offline):
    r = client.post(f"/sites/{site.token}/localisation", data={"commune": "Saint-Denis"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Plusieurs communes correspondent" in html
    assert 'value="97411"' in html and 'value="93066"' in html
    r = client.post(
        f"/sites/{site.token}/localisation", data={"commune": "Saint-Denis", "commune_code": "97411"}
    )
    assert r.status_code == 302
    db.session.refresh(site)
    assert site.commune_code == "97411" and site.region_code == "04"


def test_unknown_commune(client, site, offline):
    r = client.post(f"/sites/{site.token}/localisation", data={"commune": "Zzyzx-sur-Mer"})
    assert r.status_code == 422 and "Aucune commune ne correspond" in r.get_data(as_text=True)


def test_nothing_given(client, site, offline):
    r = client.post(f"/sites/{site.token}/localisation", data={})
    assert r.status_code == 422 and "Indiquez la commune du site" in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "lon, lat, code",
    [("2.3488", "48.8534", "75056"), ("8,7369", "41,9192", "2A004"), ("45.2279", "-12.7806", "97611")],
)
def test_save_point(client, site, offline, lon, lat, code):
    r = client.post(f"/sites/{site.token}/localisation", data={"lon": lon, "lat": lat, "commune": "Lille"})
    assert r.status_code == 302
    db.session.refresh(site)
    assert site.commune_code == code  # the point wins over the typed commune
    assert site.point_geojson["type"] == "Point"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"lon": "48.8534", "lat": "2.3488"}, "inversant latitude et longitude"),
        ({"lon": "13.4", "lat": "52.5"}, "hors de France"),
        ({"lon": "abc", "lat": "48"}, "Saisissez un nombre"),
        ({"lon": "2.35"}, "longitude et la latitude"),
        ({"lon": "-3.0", "lat": "46.0"}, "Aucune commune trouvée"),
    ],
)
def test_bad_point(client, site, offline, data, message):
    r = client.post(f"/sites/{site.token}/localisation", data=data)
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)


def test_upload_geojson_perimeter(client, site, offline):
    body = json.dumps({"type": "Feature", "geometry": mapping(SITE)}).encode()
    r = client.post(
        f"/sites/{site.token}/localisation",
        data={"fichier": (io.BytesIO(body), "friche.geojson")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    db.session.refresh(site)
    assert site.commune_code == "62528"
    assert site.perimeter_geojson["type"] == "Polygon"
    assert 80_000 < site.surface_m2 < 100_000


def test_drawn_perimeter(client, site, offline):
    r = client.post(f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(mapping(SITE))})
    assert r.status_code == 302
    db.session.refresh(site)
    assert site.perimeter_geojson and site.surface_m2 > 0


def test_hostile_upload_is_rejected_with_message(client, site, offline):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><kml>&a;</kml>'
    r = client.post(
        f"/sites/{site.token}/localisation",
        data={"fichier": (io.BytesIO(bomb), "friche.kml")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "refusé par sécurité" in r.get_data(as_text=True)
    db.session.refresh(site)
    assert site.commune_code is None


def test_upload_size_cap(client, site, offline, app):
    app.config["PERIMETER_MAX_BYTES"] = 1000
    body = json.dumps(
        {"type": "Feature", "properties": {"x": "y" * 2000}, "geometry": mapping(SITE)}
    ).encode()
    r = client.post(
        f"/sites/{site.token}/localisation",
        data={"fichier": (io.BytesIO(body), "friche.geojson")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "taille maximale" in r.get_data(as_text=True)


# --- enrichment -------------------------------------------------------------------------------


def test_enrichment_prefills_answers(client, site, apis):
    serve_all(apis)
    r = client.post(f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(mapping(SITE))})
    assert r.status_code == 302
    answers = {a.question_id: a for a in Answer.query.filter_by(site_id=site.id)}
    assert answers["urba_zone_type"].value == "U" and answers["urba_zone_type"].source == "API Carto GPU"
    assert answers["urba_doc_type"].value == "PLUI"
    # the perimeter's own surface, not the cadastral area of every parcel it touches
    surface = answers["unite_fonciere_surface"]
    assert surface.value == round(site.surface_m2) and surface.source == PERIMETER_SOURCE
    assert answers["unite_fonciere_refcad"].source == "API Carto cadastre"
    assert answers["sol_pollution_existe"].value == "pollution supposée"
    assert answers["sol_pollution_existe"].source == "Géorisques"


def test_enrichment_never_overwrites_user_answers(client, site, apis):
    serve_all(apis)
    db.session.add(Answer(site=site, question_id="urba_zone_type", value="AUc", source=None))
    db.session.commit()
    client.post(f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(mapping(SITE))})
    answer = Answer.query.filter_by(site_id=site.id, question_id="urba_zone_type").one()
    assert answer.value == "AUc" and answer.source is None


def test_enrichment_down_is_a_warning_not_an_error(client, site, apis):
    # nothing served: every call gets a 500 from the test server
    r = client.post(f"/sites/{site.token}/localisation", data={"lon": "2.777", "lat": "50.4565"})
    assert r.status_code == 302
    db.session.refresh(site)
    assert site.commune_code == "62528"
    # one plain sentence, not one jargon warning per failing endpoint
    warnings = [m for c, m in flashes_with_categories(client) if c == "warning"]
    assert warnings == [
        "Certaines données publiques n'ont pas pu être consultées ; vous pouvez réessayer "
        "depuis la page « Localiser le site »."
    ]
    assert Answer.query.filter_by(site_id=site.id).count() == 0


def test_failed_sources_are_kept_on_the_site_and_can_be_queried_again(client, site, apis):
    # first visit: every public API answers 500 → the site remembers which sources failed
    client.post(f"/sites/{site.token}/localisation", data={"perimetre": json.dumps(mapping(SITE))})
    page_html = client.get(f"/sites/{site.token}/localisation").get_data(as_text=True)
    sentence = "Certaines données publiques n&#39;ont pas pu être consultées ; vous pouvez réessayer."
    assert page_html.count(sentence) == 1
    assert ">Réessayer</button>" in page_html
    # details on demand: each source once, in plain words, the time in Europe/Paris
    details = page_html.split("<details", 1)[1].split("</details>", 1)[0]
    assert details.count("non consultée") == 3
    assert "Urbanisme (Géoportail de l&#39;urbanisme) : non consultée" in details
    assert "(UTC)" not in page_html and "heure de Paris" in details

    # the APIs are back: the retry button pre-fills the answers and the failures disappear
    serve_all(apis)
    clear_caches()
    r = client.post(f"/sites/{site.token}/localisation/enrichir")
    assert r.status_code == 302 and r.headers["Location"].endswith("#donnees-publiques")
    assert "Toutes les sources de données publiques ont répondu." in flashes(client)
    page_html = client.get(f"/sites/{site.token}/localisation").get_data(as_text=True)
    assert "pas pu être consultées" not in page_html and "non consultée" not in page_html
    assert ">Réessayer</button>" not in page_html
    assert Answer.query.filter_by(site_id=site.id, question_id="urba_zone_type").one().value == "U"


def test_retry_without_a_point_explains_what_is_missing(client, site, offline):
    client.post(f"/sites/{site.token}/localisation", data={"commune": "Loos-en-Gohelle"})
    r = client.post(f"/sites/{site.token}/localisation/enrichir")
    assert r.status_code == 302
    assert any("Indiquez d'abord un point" in m for m in flashes(client))
    assert client.post("/sites/inconnu/localisation/enrichir").status_code == 404


def test_changing_location_clears_the_previous_report(client, site, apis):
    client.post(f"/sites/{site.token}/localisation", data={"lon": "2.777", "lat": "50.4565"})
    db.session.refresh(site)
    assert set(site.enrichissement["sources"]) == {"cadastre", "gpu", "georisques"}
    apis.clear()
    client.post(f"/sites/{site.token}/localisation", data={"commune": "62528"})
    db.session.refresh(site)
    assert site.enrichissement is None


def test_address_search_uses_api_adresse(client, apis):
    apis.expect_request("/search/").respond_with_json(ADRESSE_SEARCH)
    data = client.get("/localisation/adresses?q=8 rue de la gare loos").get_json()
    assert data["source"] == "API Adresse" and data["resultats"][0]["citycode"] == "62528"


def test_address_search_falls_back_to_communes(client, apis):
    data = client.get("/localisation/adresses?q=loos-en-gohelle").get_json()
    assert data["source"] == "communes" and data["resultats"][0]["citycode"] == "62528"
    assert data["avertissement"]


def test_commune_contour(client):
    r = client.get("/localisation/communes/62528/contour")
    data = r.get_json()
    assert r.status_code == 200 and data["properties"]["nom"] == "Loos-en-Gohelle"
    assert data["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert client.get("/localisation/communes/00000/contour").status_code == 404


def test_location_page_has_a_breadcrumb_back_to_the_site(client, site):
    html = client.get(f"/sites/{site.token}/localisation").get_data(as_text=True)
    crumbs = re.search(r'<nav role="navigation" class="fr-breadcrumb.*?</nav>', html, re.S).group(0)
    assert f'href="/sites/{site.token}"' in crumbs
    assert 'aria-current="page">Localiser le site<' in crumbs
