"""Step page: with ANNUAIRE_ENABLED, the official coordinates of the step's State services and
intercommunality, read from the Annuaire de l'administration (a local HTTP server here); without
it, or when the Annuaire fails, the directory links only."""

from __future__ import annotations

import json

import pytest

from app.clients import annuaire
from app.clients.annuaire import COMPETENCE, SERVICES
from app.clients.base import TTLCache
from app.extensions import db
from app.models import Answer, Site
from tests.conftest import make_app

STEP = "compatibilite-urbanisme"  # contacts: epci, ddt, agence-urbanisme
DDT = {
    "id": "ddt-62-id",
    "nom": "Direction départementale des territoires et de la mer (DDTM) - Pas-de-Calais",
    "pivot": json.dumps([{"type_service_local": "ddt", "code_insee_commune": ["62041"]}]),
    "adresse": json.dumps(
        [
            {
                "type_adresse": "Adresse",
                "numero_voie": "100 avenue Winston-Churchill",
                "code_postal": "62000",
                "nom_commune": "Arras",
            }
        ]
    ),
    "telephone": json.dumps([{"valeur": "03 21 22 99 99"}]),
    "url_service_public": "https://lannuaire.service-public.fr/hauts-de-france/pas-de-calais/ddt-62-id",
    "date_modification": "02/10/2026 10:00:00",
}


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(annuaire, "_cache", TTLCache(60))


def site_page(database_url, **config):
    app = make_app(database_url, **config)
    with app.app_context():
        site = Site(
            nom="Friche", commune_code="62528", epci_code="246200364", departement_code="62", region_code="32"
        )
        db.session.add(site)
        db.session.add(Answer(site=site, question_id="usage", value="habitat"))
        db.session.commit()
        html = app.test_client().get(f"/sites/{site.token}/parcours/etapes/{STEP}").get_data(as_text=True)
        db.session.delete(site)
        db.session.commit()
    return html


def test_official_coordinates_are_shown_with_their_source(database_url, _schema, httpserver):
    httpserver.expect_request(
        f"/{COMPETENCE}/records",
        query_string={"where": 'code_insee_commune="62528" AND code_type_service_local="ddt"', "limit": "20"},
    ).respond_with_json({"results": [{"id_service_local": '["ddt-62-id"]'}]})
    httpserver.expect_request(
        f"/{COMPETENCE}/records",
        query_string={
            "where": 'code_insee_commune="62528" AND code_type_service_local="epci"',
            "limit": "20",
        },
    ).respond_with_json({"results": []})
    httpserver.expect_request(f"/{SERVICES}/records").respond_with_json({"results": [DDT]})
    html = site_page(database_url, ANNUAIRE_ENABLED=True, ANNUAIRE_URL=httpserver.url_for("/"))
    assert "Coordonnées officielles" in html
    assert "100 avenue Winston-Churchill, 62000 Arras" in html and "03 21 22 99 99" in html
    assert "https://lannuaire.service-public.gouv.fr/hauts-de-france/pas-de-calais/ddt-62-id" in html
    assert "fiche mise à jour le 02/10/2026" in html
    assert "rechercher dans l'Annuaire de l'administration" in html  # the directory link stays


def test_a_failing_annuaire_leaves_the_directory_links(database_url, _schema, httpserver):
    httpserver.expect_request(f"/{COMPETENCE}/records").respond_with_data("boom", status=503)
    html = site_page(database_url, ANNUAIRE_ENABLED=True, ANNUAIRE_URL=httpserver.url_for("/"))
    assert "Coordonnées officielles" not in html
    assert "rechercher dans l'Annuaire de l'administration" in html


def test_disabled_by_default_no_call_is_made(database_url, _schema, httpserver):
    html = site_page(database_url, ANNUAIRE_URL=httpserver.url_for("/"))
    assert "Coordonnées officielles" not in html and not httpserver.log
