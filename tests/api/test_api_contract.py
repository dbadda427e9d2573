"""Public API contract (shared api-contract.md): status codes, bodies, CORS, CSRF exemption."""

from __future__ import annotations

from app.api.spec import EXAMPLE
from app.models import Event

CONTRACT_EXAMPLE = {
    "site": {
        **EXAMPLE["site"],
        "geompoint": "POINT(2.7766 50.4567)",
        "geomsurf": {
            "type": "Polygon",
            "coordinates": [[[2.775, 50.455], [2.779, 50.455], [2.779, 50.458], [2.775, 50.455]]],
        },
        "site_occupation": "totalement inoccupé",
        "bati_surface": 9000,
        "bati_patrimoine": "aucun",
        "urba_doc_type": "PLUI",
    },
    "projet": EXAMPLE["projet"],
}


def test_contract_example_returns_an_ordered_explained_path(client):
    r = client.post("/api/v1/parcours", json=CONTRACT_EXAMPLE)
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    body = r.get_json()
    t = body["territoire"]
    assert t["commune"] == {
        "code": "62528",
        "nom": "Loos-en-Gohelle",
        "population": t["commune"]["population"],
    }
    assert t["departement"]["code"] == "62" and t["region"]["code"] == "32"
    assert body["etapes"] and body["contacts"] and body["financements"]
    for step in body["etapes"]:
        assert step["statut"] in ("applicable", "a_verifier")
        assert step["pourquoi"]
        assert {"id", "phase", "titre", "description", "contacts", "financements", "ressources"} <= set(step)
    ids = [s["id"] for s in body["etapes"]]
    assert ids.index("inventaire-site") < ids.index("pollution-diagnostic")
    pollution = next(s for s in body["etapes"] if s["id"] == "pollution-diagnostic")
    assert "Le sol est peut-être pollué" in pollution["pourquoi"]
    contact_ids = {c["id"] for c in body["contacts"]}
    scheme_status = {f["id"]: f["statut"] for f in body["financements"]}
    for step in body["etapes"]:
        assert set(step["contacts"]) <= contact_ids
        for fid in step["financements"]:
            assert scheme_status[fid] in ("ouvert", "a_venir")  # never a closed scheme on a step
    assert all(c["url"].startswith("https://") for c in body["contacts"])
    assert isinstance(body["avertissements"], list)


def test_unknown_answers_make_steps_a_verifier_with_the_question(client):
    body = client.post("/api/v1/parcours", json={"site": {"comm_insee": "62528"}}).get_json()
    pending = [s for s in body["etapes"] if s["statut"] == "a_verifier"]
    assert pending
    assert all(s["questions_a_preciser"] for s in pending)
    assert any("sol_pollution_existe" in s["questions_a_preciser"] for s in pending)


def test_empty_body_object_is_accepted_with_a_warning(client):
    r = client.post("/api/v1/parcours", json={})
    assert r.status_code == 200
    body = r.get_json()
    assert body["territoire"] is None and body["avertissements"]


def test_malformed_json_is_400(client):
    r = client.post("/api/v1/parcours", data="{pas du json", content_type="application/json")
    assert r.status_code == 400
    assert "corps" in r.get_json()["erreurs"]


def test_invalid_values_are_422_naming_every_field(client):
    r = client.post(
        "/api/v1/parcours",
        json={
            "site": {
                "sol_pollution_existe": "polluée",
                "unite_fonciere_surface": -3,
                "bati_surface": "9000",
                "local_ancien_annee": "vers 1950",
                "proprietaire": "moi",
                "champ_inconnu": 1,
            },
            "projet": {"usage": "piscine", "porteur": "commune", "avancement": True},
        },
    )
    assert r.status_code == 422
    errors = r.get_json()["erreurs"]
    assert set(errors) == {
        "site.sol_pollution_existe",
        "site.unite_fonciere_surface",
        "site.bati_surface",
        "site.local_ancien_annee",
        "site.proprietaire",
        "projet.usage",
        "projet.avancement",
    }
    assert "pollution supposée" in errors["site.sol_pollution_existe"]  # lists the allowed values, in French


def test_unknown_commune_is_422(client):
    r = client.post("/api/v1/parcours", json={"site": {"comm_insee": "99999"}})
    assert r.status_code == 422
    assert "site.comm_insee" in r.get_json()["erreurs"]
    r = client.post("/api/v1/parcours", json={"site": {"geompoint": "POINT(-30 40)"}})
    assert r.status_code == 422 and "site.geompoint" in r.get_json()["erreurs"]
    r = client.post("/api/v1/parcours", json={"site": {"geompoint": "n'importe quoi"}})
    assert r.status_code == 422 and "site.geompoint" in r.get_json()["erreurs"]


def test_wrong_shapes_are_422(client):
    for body in ([1, 2], "texte", 3):
        r = client.post("/api/v1/parcours", json=body)
        assert r.status_code == 422, body
    r = client.post("/api/v1/parcours", json={"site": "texte", "projet": []})
    assert set(r.get_json()["erreurs"]) == {"site", "projet"}


def test_commune_from_point_or_polygon(client):
    for site in ({"geompoint": "POINT(2.7766 50.4567)"}, {"geomsurf": CONTRACT_EXAMPLE["site"]["geomsurf"]}):
        body = client.post("/api/v1/parcours", json={"site": site}).get_json()
        assert body["territoire"]["commune"]["code"] == "62528"


def test_api_call_is_recorded_without_personal_data(client, app):
    client.post("/api/v1/parcours", json=CONTRACT_EXAMPLE)
    event = Event.query.filter_by(type="parcours_api").one()
    assert event.site_id is None
    assert event.data["nb_etapes"] > 0 and "site" not in event.data


def test_cors_preflight(client):
    r = client.options(
        "/api/v1/parcours",
        headers={
            "Origin": "https://cartofriches.cerema.fr",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "content-type" in r.headers["Access-Control-Allow-Headers"].lower()


def test_api_is_csrf_exempt(database_url, _schema):
    from tests.conftest import make_app

    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        r = app.test_client().post("/api/v1/parcours", json={"site": {"comm_insee": "62528"}})
        assert r.status_code == 200


def test_catalogue_endpoints(client):
    etapes = client.get("/api/v1/catalogue/etapes").get_json()
    assert [p["id"] for p in etapes["phases"]][0] == "connaitre"
    assert etapes["etapes"][0]["sources"][0]["url"].startswith("https://")
    schemes = client.get("/api/v1/catalogue/financements").get_json()["financements"]
    assert {f["statut"] for f in schemes} <= {"ouvert", "a_venir", "clos"}
    assert any(f["statut"] == "clos" for f in schemes)  # closed schemes kept for context, flagged
    contacts = client.get("/api/v1/catalogue/contacts").get_json()
    assert contacts["types"] and contacts["contacts"]
    assert client.get("/api/v1/catalogue/ressources").get_json()["ressources"]
    assert client.get("/api/v1/catalogue/etapes").headers["Access-Control-Allow-Origin"] == "*"


def test_openapi_document_is_generated(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {
        "/api/v1/parcours",
        "/api/v1/catalogue/etapes",
        "/api/v1/catalogue/financements",
        "/api/v1/catalogue/contacts",
        "/api/v1/catalogue/ressources",
    } <= set(doc["paths"])
    site = doc["components"]["schemas"]["Site"]["properties"]
    assert "pollution supposée" in site["sol_pollution_existe"]["enum"]
    assert set(doc["paths"]["/api/v1/parcours"]["post"]["responses"]) >= {"200", "400", "422"}


def test_human_docs_page(client):
    r = client.get("/api")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "POST /api/v1/parcours" in html and "openapi.json" in html
    assert "swagger" not in html.lower() and "cdn" not in html.lower()
