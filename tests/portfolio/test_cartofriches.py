"""Cartofriches client against a local HTTP server, and « Ma friche est déjà recensée »."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug import Response

from app.clients.base import ECHEC, SUCCES, TTLCache
from app.clients.cartofriches import CartofrichesClient
from app.extensions import db
from app.geo import get_commune
from app.models import Answer, Site
from app.portfolio.models import SiteReference

DETAIL = {
    "site_id": "62528_1234",
    "site_nom": "Ancienne cokerie",
    "site_type": "friche industrielle",
    "site_statut": "friche sans projet",
    "comm_insee": "62528",
    "comm_nom": "Loos-en-Gohelle",
    "sol_pollution_existe": "pollution avérée",
    "bati_etat": "dégradation très importante",
    "unite_fonciere_surface": 32000.4,
    "unite_fonciere_refcad": "['62528000AB0123', '62528000AB0124']",
    "urba_zone_type": "U",
    "p_residentiel": 0.4,
}
LISTING = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [
        {
            "site_id": "62528_1234",
            "site_nom": "Ancienne cokerie",
            "site_type": "friche industrielle",
            "unite_fonciere_surface": 32000.4,
        },
        {
            "site_id": "62528_9",
            "site_nom": "Garage",
            "site_type": "friche commerciale",
            "unite_fonciere_surface": None,
        },
    ],
}


def _client(httpserver, **kw):
    return CartofrichesClient(httpserver.url_for("/"), cache=TTLCache(60), retries=0, **kw)


def test_listing_and_detail(httpserver):
    httpserver.expect_request(
        "/cartofriches/friches/", query_string={"code_insee": "62528", "page_size": "100"}
    ).respond_with_json(LISTING)
    httpserver.expect_request("/cartofriches/friches/62528_1234/").respond_with_json(DETAIL)
    c = _client(httpserver)
    listing = c.friches("62528")
    assert listing.statut == SUCCES
    assert [f["site_id"] for f in listing.donnees["friches"]] == ["62528_1234", "62528_9"]
    detail = c.friche("62528_1234")
    assert detail.donnees["cnig"]["unite_fonciere_refcad"] == "62528000AB0123|62528000AB0124"
    assert detail.donnees["cnig"]["unite_fonciere_surface"] == "32000"
    # cached: a second call does not reach the server
    assert c.friche("62528_1234").statut == SUCCES
    assert len([r for r, _ in httpserver.log if r.path.endswith("62528_1234/")]) == 1


def test_graceful_degradation(httpserver):
    httpserver.expect_request("/cartofriches/friches/404/").respond_with_data("", status=404)
    httpserver.expect_request("/cartofriches/friches/500/").respond_with_data("boom", status=503)
    httpserver.expect_request("/cartofriches/friches/garbage/").respond_with_data(
        "<html>", content_type="text/html"
    )
    httpserver.expect_request("/cartofriches/friches/huge/").respond_with_data(b"[" + b"1," * 200_000 + b"1]")

    def slow(request):
        time.sleep(1.5)
        return Response(json.dumps(DETAIL), content_type="application/json")

    httpserver.expect_request("/cartofriches/friches/slow/").respond_with_handler(slow)
    c = _client(httpserver, timeout=0.5, max_bytes=100_000)
    for site_id, message in [
        ("404", "ne connaît pas"),
        ("500", "erreur (503)"),
        ("garbage", "illisible"),
        ("huge", "trop volumineuse"),
        ("slow", "à temps"),
        ("../../etc", "invalide"),
    ]:
        result = c.friche(site_id)
        assert result.statut == ECHEC
        assert message in result.avertissement
    assert CartofrichesClient("http://127.0.0.1:9", retries=0, timeout=0.5).friches("62528").statut == ECHEC


@pytest.fixture
def site(app):
    commune = get_commune("62528")
    s = Site(
        nom=None,
        commune_code=commune.code,
        epci_code=commune.epci,
        departement_code=commune.departement,
        region_code=commune.region,
    )
    db.session.add(s)
    db.session.add(Answer(site=s, question_id="bati_etat", value="dégradation moyenne", source=None))
    db.session.commit()
    return s


def test_ma_friche_est_deja_recensee(client, app, site, httpserver):
    app.config["CARTOFRICHES_URL"] = httpserver.url_for("/")
    httpserver.expect_request("/cartofriches/friches/").respond_with_json(LISTING)
    httpserver.expect_request("/cartofriches/friches/62528_1234/").respond_with_json(DETAIL)
    location = client.get(f"/sites/{site.token}/localisation").get_data(as_text=True)
    assert "Ma friche est déjà recensée" in location
    page = client.get(f"/sites/{site.token}/cartofriches").get_data(as_text=True)
    assert "Ancienne cokerie" in page and "Garage" in page
    response = client.post(f"/sites/{site.token}/cartofriches", data={"site_id": "62528_1234"})
    assert response.status_code == 303
    db.session.expire_all()
    answers = {a.question_id: a for a in site.answers}
    assert answers["sol_pollution_existe"].value == "pollution avérée"
    assert answers["sol_pollution_existe"].source == "Cartofriches"
    assert answers["bati_etat"].value == "dégradation moyenne"  # typed by the user: kept
    assert site.nom == "Ancienne cokerie"
    ref = db.session.query(SiteReference).one()
    assert (ref.source, ref.external_id) == ("cartofriches", "62528_1234")
    assert "62528_1234" in client.get(f"/sites/{site.token}/localisation").get_data(as_text=True)


def test_cartofriches_down_is_a_warning(client, app, site):
    app.config["CARTOFRICHES_URL"] = "http://127.0.0.1:9"
    app.config["ENRICHMENT_RETRIES"] = 0
    page = client.get(f"/sites/{site.token}/cartofriches")
    assert page.status_code == 200
    assert "injoignable" in page.get_data(as_text=True)
    response = client.post(
        f"/sites/{site.token}/cartofriches", data={"site_id": "62528_1234"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "injoignable" in response.get_data(as_text=True)
