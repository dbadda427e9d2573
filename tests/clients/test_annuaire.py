"""Annuaire de l'administration client against a local HTTP server answering with the record
shapes the real API sends (tests/fixtures/annuaire), plus empty results, 429, oversized and
malformed answers, and timeouts: every failure is an ``échec`` result, never an exception."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from werkzeug import Response

from app.clients.annuaire import (
    COMPETENCE,
    MAX_BYTES,
    SERVICES,
    AnnuaireClient,
    coordonnees,
    decoded,
)
from app.clients.base import ECHEC, PARTIEL, SUCCES, ClientError, TTLCache

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "annuaire"
FONTAINE = json.loads((FIXTURES / "mairie-fontaine-le-port.json").read_text(encoding="utf-8"))
GRENOBLE = json.loads((FIXTURES / "mairie-grenoble-chaines.json").read_text(encoding="utf-8"))
DDT_ID = "3c6f1c2a-0000-4000-8000-000000000062"
DDT = {
    "id": DDT_ID,
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
    "telephone": json.dumps([{"valeur": "03 21 22 99 99", "description": ""}]),
    "adresse_courriel": "ddtm@pas-de-calais.gouv.fr;autre@pas-de-calais.gouv.fr",
    "site_internet": json.dumps([{"libelle": "", "valeur": "https://www.pas-de-calais.gouv.fr/"}]),
    "url_service_public": "https://lannuaire.service-public.fr/hauts-de-france/pas-de-calais/" + DDT_ID,
    "date_modification": "02/10/2026 10:00:00",
}


def client(httpserver, **kw) -> AnnuaireClient:
    return AnnuaireClient(httpserver.url_for("/"), cache=TTLCache(60), retries=0, **kw)


def competence(httpserver, commune, type_code, ids):
    rows = [
        {
            "code_insee_commune": commune,
            "code_type_service_local": type_code,
            "id_service_local": json.dumps(ids),
        }
    ]
    httpserver.expect_request(
        f"/{COMPETENCE}/records",
        query_string={
            "where": f'code_insee_commune="{commune}" AND code_type_service_local="{type_code}"',
            "limit": "20",
        },
    ).respond_with_json({"total_count": len(rows), "results": rows})


def test_decoded_accepts_lists_and_json_strings_twice():
    assert decoded([1]) == [1]
    assert decoded('[{"a": 1}]') == [{"a": 1}]
    assert decoded(json.dumps('[{"a": 1}]')) == [{"a": 1}]
    assert decoded("pas du json") == "pas du json"


def test_a_decoded_record_gives_address_phone_email_and_record_page():
    c = coordonnees(FONTAINE)
    assert c.nom == "Mairie - Fontaine-le-Port"
    assert c.adresse == "3 rue du Général-Roux, 77590 Fontaine-le-Port"
    assert (c.telephone, c.courriel) == ("01 64 38 30 52", "mairie-xxxxx@yyyy.fr")
    assert c.site is None  # http only: never shown
    assert c.fiche.startswith("https://lannuaire.service-public.gouv.fr/ile-de-france/")
    assert c.mise_a_jour == "09/08/2023"


def test_a_record_with_string_encoded_lists():
    c = coordonnees(GRENOBLE)
    assert c.site == "https://www.grenoble.fr/" and c.telephone is None and c.adresse is None


def test_competent_service_of_a_commune(httpserver):
    competence(httpserver, "62528", "ddt", [DDT_ID])
    httpserver.expect_request(f"/{SERVICES}/records").respond_with_json({"total_count": 1, "results": [DDT]})
    (ddt,) = client(httpserver).services("62528", "ddt")
    assert ddt.nom.startswith("Direction départementale des territoires et de la mer")
    assert ddt.adresse == "100 avenue Winston-Churchill, 62000 Arras"
    assert ddt.courriel == "ddtm@pas-de-calais.gouv.fr" and ddt.site == "https://www.pas-de-calais.gouv.fr/"
    assert ddt.fiche == "https://lannuaire.service-public.gouv.fr/hauts-de-france/pas-de-calais/" + DDT_ID


def test_a_town_hall_without_competence_row_is_found_by_its_commune(httpserver):
    competence(httpserver, "77188", "mairie", [])
    httpserver.expect_request(f"/{SERVICES}/records").respond_with_json(
        {"total_count": 1, "results": [FONTAINE]}
    )
    (mairie,) = client(httpserver).services("77188", "mairie")
    assert mairie.nom == "Mairie - Fontaine-le-Port"


def test_records_of_another_type_are_left_out(httpserver):
    competence(httpserver, "62528", "ddt", [DDT_ID])
    httpserver.expect_request(f"/{SERVICES}/records").respond_with_json({"results": [FONTAINE]})
    assert client(httpserver).services("62528", "ddt") == []


def test_no_competent_service_is_an_empty_list_not_an_error(httpserver):
    competence(httpserver, "62528", "epci", [])
    assert client(httpserver).services("62528", "epci") == []


def test_too_many_requests_is_a_plain_error(httpserver):
    httpserver.expect_request(f"/{COMPETENCE}/records").respond_with_data("quota", status=429)
    with pytest.raises(ClientError, match="limite le nombre de requêtes"):
        client(httpserver).services("62528", "ddt")


def test_an_oversized_answer_is_refused(httpserver):
    httpserver.expect_request(f"/{COMPETENCE}/records").respond_with_data(
        "[" + "1," * MAX_BYTES + "1]", content_type="application/json"
    )
    with pytest.raises(ClientError, match="trop volumineuse"):
        client(httpserver).services("62528", "ddt")


def test_an_unexpected_shape_is_refused(httpserver):
    httpserver.expect_request(f"/{COMPETENCE}/records").respond_with_json({"erreur": "x"})
    with pytest.raises(ClientError, match="forme inattendue"):
        client(httpserver).services("62528", "ddt")


def test_answers_are_cached(httpserver):
    competence(httpserver, "62528", "epci", [])
    c = client(httpserver)
    c.services("62528", "epci")
    c.services("62528", "epci")
    assert len(httpserver.log) == 1


def test_every_type_at_once_with_partial_failure(httpserver):
    competence(httpserver, "62528", "ddt", [DDT_ID])
    httpserver.expect_request(f"/{SERVICES}/records").respond_with_json({"results": [DDT]})
    httpserver.expect_request(
        f"/{COMPETENCE}/records",
        query_string={
            "where": 'code_insee_commune="62528" AND code_type_service_local="prefecture"',
            "limit": "20",
        },
    ).respond_with_data("boom", status=500)
    res = client(httpserver).pour_commune("62528", ("ddt", "prefecture"))
    assert res.statut == PARTIEL and res.avertissement
    assert [c["nom"] for c in res.donnees["ddt"]] == [DDT["nom"]] and "prefecture" not in res.donnees


def test_every_type_failing_is_an_echec(httpserver):
    httpserver.expect_request(f"/{COMPETENCE}/records").respond_with_data("boom", status=503)
    res = client(httpserver).pour_commune("62528", ("ddt", "epci"))
    assert res.statut == ECHEC and res.donnees == {}


def test_a_slow_answer_is_cut_by_the_deadline(httpserver):
    def slow(_request):
        time.sleep(1.5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(f"/{COMPETENCE}/records").respond_with_handler(slow)
    started = time.monotonic()
    res = client(httpserver, timeout=3).pour_commune("62528", ("ddt",), deadline=0.3)
    assert res.statut == ECHEC and time.monotonic() - started < 1.4


def test_success_when_every_type_answers(httpserver):
    competence(httpserver, "62528", "epci", [])
    res = client(httpserver).pour_commune("62528", ("epci",))
    assert res.statut == SUCCES and res.donnees == {"epci": []}
