"""POST /api/v1/parcours/lot and its follow-up."""

from __future__ import annotations

import io

from app.extensions import db
from app.portfolio.models import PortfolioSite

from .conftest import cnig_csv


def _post(client, text: str, **form):
    data = {"fichier": (io.BytesIO(text.encode("utf-8")), "inventaire.csv"), **form}
    return client.post("/api/v1/parcours/lot", data=data, content_type="multipart/form-data")


def test_lot_imports_in_the_background_and_reports(client):
    response = _post(client, cnig_csv(25))
    assert response.status_code == 202
    body = response.get_json()
    assert body["statut"] == "termine"  # immediate mode in tests
    status = client.get(body["suivi"]).get_json()
    assert status["sites_crees"] == 25 and status["progression"] == 100
    assert len(status["sites"]) == 25
    assert status["sites"][0]["lien"].startswith("http://localhost/sites/")
    assert status["sites"][0]["prochaine_etape"]


def test_lot_refuses_invalid_rows_unless_asked(client):
    def spoil(i, r, idx):
        if i == 0:
            r[idx["urba_zaer"]] = "peut-être"

    body = _post(client, cnig_csv(5, mutate=spoil)).get_json()
    assert body["statut"] == "refuse"
    assert body["lignes_invalides"] == 1
    assert "urba_zaer" in body["rapport"][0]["erreurs"][0]
    assert db.session.query(PortfolioSite).count() == 0
    body = _post(client, cnig_csv(5, mutate=spoil), lignes="valides").get_json()
    assert body["statut"] == "termine" and body["sites_crees"] == 4


def test_lot_errors(client):
    response = client.post("/api/v1/parcours/lot", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "fichier" in response.get_json()["erreurs"]
    assert _post(client, cnig_csv(1), lignes="certaines").status_code == 422
    assert client.get("/api/v1/parcours/lot/inconnu").status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/parcours/lot" in spec["paths"]


def test_tokens_are_masked_in_logs():
    from app.privacy import mask_tokens

    token = "A" * 32
    assert token not in mask_tokens(f"GET /portefeuilles/{token}/cnig.csv")
    assert token not in mask_tokens(f"GET /api/v1/parcours/lot/{token}")
