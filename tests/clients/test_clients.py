"""Enrichment clients against a local HTTP server serving answers of the real shape,
plus 500s, timeouts, malformed JSON and unexpected shapes."""

import time

import pytest
from shapely.geometry import Point, box
from werkzeug import Response

from app.clients import (
    ECHEC,
    PARTIEL,
    SUCCES,
    AdresseClient,
    CadastreClient,
    GeorisquesClient,
    GpuClient,
    TTLCache,
    clear_caches,
    enrich_site,
    prefills_from,
    site_radius_m,
)

SITE = box(2.775, 50.455, 2.779, 50.458)

ADRESSE_SEARCH = {
    "type": "FeatureCollection",
    "version": "draft",
    "query": "8 rue de la gare loos",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.7912, 50.4561]},
            "properties": {
                "label": "8 Rue de la Gare 62750 Loos-en-Gohelle",
                "score": 0.87,
                "housenumber": "8",
                "id": "62528_0450_00008",
                "name": "8 Rue de la Gare",
                "postcode": "62750",
                "citycode": "62528",
                "x": 687000.1,
                "y": 7041000.2,
                "city": "Loos-en-Gohelle",
                "context": "62, Pas-de-Calais, Hauts-de-France",
                "type": "housenumber",
                "importance": 0.55,
                "street": "Rue de la Gare",
            },
        }
    ],
    "attribution": "BAN",
    "licence": "ETALAB-2.0",
    "limit": 5,
}

PARCELLES = {
    "type": "FeatureCollection",
    "totalFeatures": 2,
    "numberMatched": 2,
    "numberReturned": 2,
    "features": [
        {
            "type": "Feature",
            "id": "parcelle.1",
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[[2.775, 50.455], [2.777, 50.455], [2.777, 50.457], [2.775, 50.455]]]],
            },
            "properties": {
                "gid": 1,
                "numero": "0123",
                "feuille": 1,
                "section": "AB",
                "code_dep": "62",
                "nom_com": "Loos-en-Gohelle",
                "code_com": "528",
                "com_abs": "000",
                "code_arr": "000",
                "idu": "62528000AB0123",
                "contenance": 21000,
                "code_insee": "62528",
            },
        },
        {
            "type": "Feature",
            "id": "parcelle.2",
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[[2.777, 50.455], [2.779, 50.455], [2.779, 50.457], [2.777, 50.455]]]],
            },
            "properties": {
                "gid": 2,
                "numero": "0124",
                "feuille": 1,
                "section": "AB",
                "code_dep": "62",
                "nom_com": "Loos-en-Gohelle",
                "code_com": "528",
                "com_abs": "000",
                "code_arr": "000",
                "idu": "62528000AB0124",
                "contenance": 11000,
                "code_insee": "62528",
            },
        },
    ],
}


def fc(*props):
    return {
        "type": "FeatureCollection",
        "totalFeatures": len(props),
        "features": [
            {"type": "Feature", "id": f"f.{i}", "geometry": None, "properties": p}
            for i, p in enumerate(props)
        ],
    }


MUNICIPALITY = fc({"insee": "62528", "name": "Loos-en-Gohelle", "is_rnu": False})
DOCUMENT = fc(
    {
        "gid": 1,
        "partition": "DU_200035442",
        "du_type": "PLUi",
        "idurba": "200035442_PLUi_20191218",
        "etat": "opposable",
    }
)
ZONE_URBA = fc(
    {
        "gid": 9,
        "partition": "DU_200035442",
        "libelle": "UE",
        "libelong": "Zone urbaine d'activités",
        "typezone": "U",
        "destdomi": "03",
        "insee": "62528",
    }
)


def page(*items):
    return {
        "results": len(items),
        "page": 1,
        "total_pages": 1,
        "data": list(items),
        "response_code": 200,
        "message": "",
        "next": None,
        "previous": None,
    }


SIS = page(
    {
        "nom": "Ancienne cokerie",
        "adresse": "Rue de la fosse",
        "superficie": 12000,
        "id_sis": "62SIS0001",
        "identifiant_ssp": "SSP0001",
        "code_insee": "62528",
        "nom_commune": "Loos-en-Gohelle",
        "fiche_risque": "https://www.georisques.gouv.fr/…",
        "statut_classification": "Évalué",
    }
)
ICPE = page(
    {
        "raisonSociale": "Recyclage du Nord",
        "commune": "Loos-en-Gohelle",
        "codeInsee": "62528",
        "regime": "E",
        "statutSeveso": "3",
        "etatActivite": "En fonctionnement",
        "longitude": 2.78,
        "latitude": 50.46,
    }
)
RGA = {"codeExposition": "2", "exposition": "Exposition moyenne"}


@pytest.fixture(autouse=True)
def _fresh_caches():
    clear_caches()


def client(cls, httpserver, **kw):
    return cls(httpserver.url_for("/"), cache=TTLCache(60), **kw)


# --- API Adresse ---------------------------------------------------------------------------


def test_adresse_search(httpserver):
    httpserver.expect_request(
        "/search/", query_string={"q": "8 rue de la gare loos", "limit": "5"}
    ).respond_with_json(ADRESSE_SEARCH)
    res = client(AdresseClient, httpserver).search("8 rue de la gare loos")
    assert res.statut == SUCCES and res.source == "API Adresse" and res.date
    first = res.donnees["resultats"][0]
    assert first["citycode"] == "62528" and (first["lon"], first["lat"]) == (2.7912, 50.4561)


def test_adresse_reverse(httpserver):
    httpserver.expect_request("/reverse/").respond_with_json(ADRESSE_SEARCH)
    res = client(AdresseClient, httpserver).reverse(2.7912, 50.4561)
    assert res.donnees["adresse"]["label"].startswith("8 Rue de la Gare")


def test_short_query_needs_no_call(httpserver):
    assert client(AdresseClient, httpserver).search("lo").donnees == {"resultats": []}


def test_server_error_becomes_warning(httpserver):
    httpserver.expect_request("/search/").respond_with_data("boom", status=500)
    res = client(AdresseClient, httpserver).search("rue de la gare")
    assert res.statut == ECHEC
    assert "erreur (500)" in res.avertissement and res.avertissement.startswith("Recherche d'adresse")


def test_503_is_retried_once_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/search/").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/search/").respond_with_json(ADRESSE_SEARCH)
    res = client(AdresseClient, httpserver, retries=1).search("rue de la gare")
    assert res.statut == SUCCES


def test_retries_are_bounded(httpserver):
    httpserver.expect_request("/search/").respond_with_data("busy", status=503)
    res = client(AdresseClient, httpserver, retries=5).search("rue de la gare")
    assert res.statut == ECHEC
    assert len(httpserver.log) == 3  # retries capped at 2


def test_timeout_is_short_and_not_retried(httpserver):
    def slow(_request):
        time.sleep(1.5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/search/").respond_with_handler(slow)
    c = client(AdresseClient, httpserver, timeout=0.3, retries=2)
    start = time.monotonic()
    res = c.search("rue de la gare")
    assert time.monotonic() - start < 1.2
    assert res.statut == ECHEC and "pas répondu à temps" in res.avertissement
    assert len(httpserver.log) <= 1


def test_timeout_is_capped_at_3_seconds():
    assert AdresseClient("http://localhost:1", timeout=30).timeout == 3.0


def test_malformed_json(httpserver):
    httpserver.expect_request("/search/").respond_with_data("{not json", content_type="application/json")
    res = client(AdresseClient, httpserver).search("rue de la gare")
    assert res.statut == ECHEC and "illisible" in res.avertissement


def test_unexpected_shape(httpserver):
    httpserver.expect_request("/search/").respond_with_json({"error": "nope"})
    res = client(AdresseClient, httpserver).search("rue de la gare")
    assert res.statut == ECHEC and "forme inattendue" in res.avertissement


def test_unreachable_server():
    res = AdresseClient("http://127.0.0.1:9", cache=TTLCache(60), retries=0).search("rue de la gare")
    assert res.statut == ECHEC and "injoignable" in res.avertissement


def test_cache_avoids_second_call_and_expires(httpserver):
    httpserver.expect_request("/search/").respond_with_json(ADRESSE_SEARCH)
    c = AdresseClient(httpserver.url_for("/"), cache=TTLCache(ttl=0.3))
    c.search("rue de la gare")
    c.search("rue de la gare")
    assert len(httpserver.log) == 1
    time.sleep(0.35)
    c.search("rue de la gare")
    assert len(httpserver.log) == 2


def test_errors_are_not_cached(httpserver):
    httpserver.expect_ordered_request("/search/").respond_with_data("x", status=500)
    httpserver.expect_ordered_request("/search/").respond_with_json(ADRESSE_SEARCH)
    c = client(AdresseClient, httpserver, retries=0)
    assert c.search("rue de la gare").statut == ECHEC
    assert c.search("rue de la gare").statut == SUCCES


# --- API Carto cadastre --------------------------------------------------------------------


def test_cadastre_parcels_and_total_area(httpserver):
    httpserver.expect_request("/cadastre/parcelle").respond_with_json(PARCELLES)
    res = client(CadastreClient, httpserver).parcelles(SITE)
    assert res.statut == SUCCES
    assert res.donnees["surface_totale"] == 32000
    assert [p["idu"] for p in res.donnees["parcelles"]] == ["62528000AB0123", "62528000AB0124"]
    query = httpserver.log[0][0].args
    assert query["source_ign"] == "PCI" and '"Polygon"' in query["geom"]


def test_cadastre_no_parcel(httpserver):
    httpserver.expect_request("/cadastre/parcelle").respond_with_json(
        {"type": "FeatureCollection", "features": [], "totalFeatures": 0}
    )
    res = client(CadastreClient, httpserver).parcelles(SITE)
    assert res.statut == ECHEC and "Aucune parcelle" in res.avertissement


def test_cadastre_partial_when_area_missing(httpserver):
    data = {
        **PARCELLES,
        "features": [
            dict(
                PARCELLES["features"][0],
                properties={**PARCELLES["features"][0]["properties"], "contenance": None},
            )
        ],
    }
    httpserver.expect_request("/cadastre/parcelle").respond_with_json(data)
    res = client(CadastreClient, httpserver).parcelles(SITE)
    assert res.statut == PARTIEL and "sous-estimée" in res.avertissement


@pytest.mark.parametrize("respond", ["500", "garbage", "shape"])
def test_cadastre_failures(httpserver, respond):
    handler = httpserver.expect_request("/cadastre/parcelle")
    if respond == "500":
        handler.respond_with_data("oops", status=500)
    elif respond == "garbage":
        handler.respond_with_data("<html>", content_type="text/html")
    else:
        handler.respond_with_json([1, 2])
    res = client(CadastreClient, httpserver, retries=0).parcelles(SITE)
    assert res.statut == ECHEC and res.avertissement.startswith("Parcelles cadastrales indisponibles")


# --- API Carto GPU -------------------------------------------------------------------------


def serve_gpu(httpserver, municipality=MUNICIPALITY, document=DOCUMENT, zone=ZONE_URBA):
    for path, body in (
        ("/gpu/municipality", municipality),
        ("/gpu/document", document),
        ("/gpu/zone-urba", zone),
    ):
        if body is None:
            httpserver.expect_request(path).respond_with_data("down", status=500)
        else:
            httpserver.expect_request(path).respond_with_json(body)


def test_gpu_zone_and_document(httpserver):
    serve_gpu(httpserver)
    res = client(GpuClient, httpserver).urbanisme(SITE, "62528")
    assert res.statut == SUCCES
    assert res.donnees["document_type"] == "PLUI" and res.donnees["zone_type"] == "U"
    assert res.donnees["rnu"] is False


def test_gpu_rnu_commune(httpserver):
    serve_gpu(httpserver, municipality=fc({"insee": "15031", "is_rnu": True}), document=fc(), zone=fc())
    res = client(GpuClient, httpserver).urbanisme(Point(2.9, 45.2), "15031")
    assert res.donnees["document_type"] == "RNU" and res.donnees["zone_type"] == "RNU"


def test_gpu_several_zones_is_partial_and_not_guessed(httpserver):
    zones = fc({"typezone": "U", "libelle": "UB"}, {"typezone": "N", "libelle": "N"})
    serve_gpu(httpserver, zone=zones)
    res = client(GpuClient, httpserver).urbanisme(SITE, "62528")
    assert res.statut == PARTIEL and res.donnees["zone_type"] is None
    assert "plusieurs zones" in res.avertissement


def test_gpu_partial_when_one_call_fails(httpserver):
    serve_gpu(httpserver, document=None)
    res = client(GpuClient, httpserver, retries=0).urbanisme(SITE, "62528")
    assert res.statut == PARTIEL and res.donnees["zone_type"] == "U"
    assert "erreur (500)" in res.avertissement


def test_gpu_failure(httpserver):
    serve_gpu(httpserver, municipality=None, document=None, zone=None)
    res = client(GpuClient, httpserver, retries=0).urbanisme(SITE, "62528")
    assert res.statut == ECHEC and res.avertissement.startswith("Urbanisme indisponible")


# --- Géorisques ----------------------------------------------------------------------------


def serve_georisques(httpserver, sis=SIS, casias=None, icpe=ICPE, azi=None, rga=RGA, fail=()):
    bodies = {
        "/ssp/conclusions_sis": sis,
        "/ssp/casias": casias or page(),
        "/installations_classees": icpe,
        "/gaspar/azi": azi or page(),
        "/rga": rga,
    }
    for path, body in bodies.items():
        if path in fail:
            httpserver.expect_request(path).respond_with_data("down", status=500)
        else:
            httpserver.expect_request(path).respond_with_json(body)


def test_georisques_all_sources(httpserver):
    serve_georisques(httpserver, azi=page({"code_national_azi": "AZI01", "libelle_azi": "Atlas de la Deûle"}))
    res = client(GeorisquesClient, httpserver).risques(SITE)
    assert res.statut == SUCCES
    assert res.donnees["sis"][0]["nom"] == "Ancienne cokerie"
    assert res.donnees["icpe"][0]["nom"] == "Recyclage du Nord"
    assert res.donnees["argiles"] == {"code": "2", "niveau": "moyen", "libelle": "Exposition moyenne"}
    assert res.donnees["inondation_azi"] == ["Atlas de la Deûle"]
    args = {req.path: req.args for req, _ in httpserver.log}
    lon, lat = args["/rga"]["latlon"].split(",")
    assert float(lon) == pytest.approx(2.777) and float(lat) == pytest.approx(50.4565)  # longitude first
    assert int(args["/installations_classees"]["rayon"]) == 1000


def test_georisques_partial(httpserver):
    serve_georisques(httpserver, fail=("/rga", "/gaspar/azi"))
    res = client(GeorisquesClient, httpserver, retries=0).risques(SITE)
    assert res.statut == PARTIEL and res.donnees["argiles"] is None and res.donnees["sis"]
    assert "Argiles" in res.avertissement and "Zones inondables" in res.avertissement


def test_georisques_failure(httpserver):
    serve_georisques(
        httpserver,
        fail=("/rga", "/gaspar/azi", "/ssp/casias", "/ssp/conclusions_sis", "/installations_classees"),
    )
    res = client(GeorisquesClient, httpserver, retries=0).risques(SITE)
    assert res.statut == ECHEC and res.avertissement.startswith("Risques indisponibles")


def test_site_radius():
    assert site_radius_m(Point(2.7, 50.4)) == 50
    assert 200 < site_radius_m(SITE) < 300


# --- pre-fill and orchestration ------------------------------------------------------------


def settings_for(httpserver, **kw):
    return {
        "API_CARTO_URL": httpserver.url_for("/"),
        "GEORISQUES_URL": httpserver.url_for("/"),
        "API_ADRESSE_URL": httpserver.url_for("/"),
        "ENRICHMENT_RETRIES": 0,
        **kw,
    }


def test_enrich_site_prefills(httpserver):
    httpserver.expect_request("/cadastre/parcelle").respond_with_json(PARCELLES)
    serve_gpu(httpserver)
    serve_georisques(httpserver)
    report = enrich_site(SITE, "62528", settings_for(httpserver))
    assert all(r.statut == SUCCES for r in report.results.values())
    answers = {p.question_id: p for p in report.prefills}
    assert answers["urba_zone_type"].value == "U" and answers["urba_zone_type"].source == "API Carto GPU"
    assert answers["urba_doc_type"].value == "PLUI"
    assert answers["urba_zone_lib"].value == "UE"
    assert answers["unite_fonciere_surface"].value == 32000
    assert answers["unite_fonciere_surface"].source == "API Carto cadastre"
    assert answers["unite_fonciere_refcad"].value == "62528000AB0123|62528000AB0124"
    pollution = answers["sol_pollution_existe"]
    assert pollution.value == "pollution supposée" and pollution.source == "Géorisques"
    assert "Ancienne cokerie" in pollution.value_label
    assert report.avertissements == []


def test_no_polluted_site_never_means_no_pollution(httpserver):
    httpserver.expect_request("/cadastre/parcelle").respond_with_json(PARCELLES)
    serve_gpu(httpserver)
    serve_georisques(httpserver, sis=page())
    report = enrich_site(SITE, "62528", settings_for(httpserver))
    assert "sol_pollution_existe" not in {p.question_id for p in report.prefills}


def test_enrich_site_everything_down_gives_warnings_not_errors(httpserver):
    report = enrich_site(SITE, "62528", settings_for(httpserver))  # every path → 500 from the test server
    assert {r.statut for r in report.results.values()} == {ECHEC}
    assert len(report.avertissements) == 3 and report.prefills == []
    assert report.to_dict()["avertissements"]


def test_enrich_site_deadline(httpserver):
    def slow(_request):
        time.sleep(2)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/cadastre/parcelle").respond_with_handler(slow)
    serve_gpu(httpserver)
    serve_georisques(httpserver)
    start = time.monotonic()
    report = enrich_site(
        SITE, "62528", settings_for(httpserver, ENRICHMENT_DEADLINE=0.5, ENRICHMENT_TIMEOUT=3)
    )
    assert time.monotonic() - start < 1.5
    assert report.results["cadastre"].statut == ECHEC
    assert "pas répondu à temps" in report.results["cadastre"].avertissement


def test_prefills_ignore_failed_sources():
    from app.clients import Result

    assert prefills_from({"gpu": Result.failure("API Carto GPU", "x")}) == []
