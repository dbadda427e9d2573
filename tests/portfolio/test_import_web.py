"""The web journey: upload, check report, choice, import, portfolio page, exports."""

from __future__ import annotations

import csv
import io
import re

from app.extensions import db
from app.models import Answer, Site
from app.portfolio.models import PortfolioImport, PortfolioSite
from app.portfolio_core.export import validate_csv

from .conftest import EXAMPLE, cnig_csv, upload


def _latest(model):
    return db.session.query(model).order_by(model.id.desc()).first()


def _import(client, data, filename="inventaire.csv", url="/portefeuilles", mode="tout"):
    upload(client, data, filename, url=url)
    imp = _latest(PortfolioImport)
    token = imp.portfolio.token
    assert imp.status == "analyse_terminee", (imp.status, imp.message, imp.report)
    client.post(f"/portefeuilles/{token}/imports/{imp.id}/lancer", data={"mode": mode})
    db.session.expire_all()
    assert imp.status == "termine", imp.message
    return token, imp


def test_example_file_imports_and_exports_round_trip(client):
    response = upload(client, EXAMPLE.read_bytes(), "fichier-valide.csv", nom="Test")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 correcte(s), 0 à corriger" in html
    imp = _latest(PortfolioImport)
    token = imp.portfolio.token
    client.post(f"/portefeuilles/{token}/imports/{imp.id}/lancer", data={"mode": "tout"})
    db.session.expire_all()
    assert imp.status == "termine", imp.message
    item = db.session.query(PortfolioSite).one()
    assert item.cnig_site_id == "12083_22-12.0017"
    assert item.commune_code == "12083"
    site = db.session.get(Site, item.site_id)
    answers = {a.question_id: a for a in site.answers}
    assert answers["site_type"].value == "friche industrielle"
    assert answers["site_type"].source == "votre inventaire"
    assert answers["unite_fonciere_surface"].value == 16750
    assert answers["usage"].value in ("aménagement d'espace public", ["aménagement d'espace public"])
    assert any("geomsurf" in n for n in item.notes)

    exported = client.get(f"/portefeuilles/{token}/cnig.csv").get_data(as_text=True)
    assert validate_csv(exported) == []
    original = list(csv.DictReader(EXAMPLE.open(encoding="utf-8")))
    assert list(csv.DictReader(io.StringIO(exported))) == original  # the same data, column by column

    # export → import → export gives the same file, in CSV and in GeoJSON
    second, _ = _import(client, exported, "export.csv")
    assert client.get(f"/portefeuilles/{second}/cnig.csv").get_data(as_text=True) == exported
    geojson = client.get(f"/portefeuilles/{token}/cnig.geojson").data
    third, _ = _import(client, geojson, "export.geojson")
    assert client.get(f"/portefeuilles/{third}/cnig.csv").get_data(as_text=True) == exported


def test_portfolio_page_table_filters_and_start_here(client):
    token, _ = _import(client, cnig_csv(120))
    page = client.get(f"/portefeuilles/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "120 site(s) — page 1 sur 3" in html
    assert "Loos-en-Gohelle" in html
    filtered = client.get(f"/portefeuilles/{token}?commune=loos&tri=surface&ordre=desc").get_data(
        as_text=True
    )
    assert "60 site(s)" in filtered
    assert 'aria-sort="descending"' in filtered
    start = client.get(f"/portefeuilles/{token}/commencer").get_data(as_text=True)
    assert "Prochaine étape" in start
    table = client.get(f"/portefeuilles/{token}/tableau.csv?commune=12083")
    assert table.get_data(as_text=True).count("\r\n") == 61
    points = client.get(f"/portefeuilles/{token}/carte.geojson").get_json()
    assert len(points["features"]) == 120
    assert re.search(r"/sites/[\w-]{20,}", points["features"][0]["properties"]["url"])


def test_reimport_updates_by_site_id(client):
    token, _ = _import(client, cnig_csv(10))
    assert db.session.query(Site).count() == 10

    def rename(i, r, idx):
        r[idx["site_nom"]] = f"Nouveau nom {i}"
        r[idx["sol_pollution_existe"]] = "pollution supposée"

    _, imp2 = _import(client, cnig_csv(12, mutate=rename), url=f"/portefeuilles/{token}/imports")
    assert (imp2.created, imp2.updated) == (2, 10)
    assert db.session.query(Site).count() == 12
    assert db.session.query(PortfolioSite).filter(PortfolioSite.nom.like("Nouveau nom%")).count() == 12
    values = [a.value for a in db.session.query(Answer).filter_by(question_id="sol_pollution_existe")]
    assert values == ["pollution supposée"] * 12
