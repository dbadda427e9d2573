"""Portfolio core and freshness: mapping, « par où commencer », figures kept up to date,
exports carrying the answers given since the import, the summaries ZIP."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pypdf

from app.content import current_content
from app.extensions import db
from app.models import Answer, StepProgress
from app.portfolio.models import PortfolioImport, PortfolioSite
from app.portfolio_core import mapping
from app.portfolio_core.cnig import load_schema

from .conftest import cnig_csv, upload


def _import(client, text):
    upload(client, text)
    imp = db.session.query(PortfolioImport).order_by(PortfolioImport.id.desc()).first()
    client.post(f"/portefeuilles/{imp.portfolio.token}/imports/{imp.id}/lancer", data={"mode": "tout"})
    db.session.expire_all()
    return imp.portfolio.token


def test_mapping_keeps_only_values_the_questionnaire_offers(app):
    q = current_content().questionnaire
    record = {n: "" for n in load_schema().names}
    record.update(
        site_type="inconnu",
        sol_pollution_existe="pollution supposée",
        bati_pollution="amiante",
        bati_nombre="3",
        site_reconv_type="habitat",
        unite_fonciere_refcad="62528000AB0123|62528000AB0124",
    )
    answers = mapping.answers_from_record(record, q)
    assert "site_type" not in answers  # « inconnu » stays unknown
    assert answers["sol_pollution_existe"] == "pollution supposée"
    assert answers["bati_pollution"] == ["amiante"]
    assert answers["bati_nombre"] == 3
    assert answers["usage"] in ("habitat", ["habitat"])
    back = mapping.record_with_answers(record, {**answers, "sol_pollution_existe": "pollution avérée"}, q)
    assert back["sol_pollution_existe"] == "pollution avérée"
    assert back["site_reconv_type"] == "habitat" and back["bati_pollution"] == "amiante"


def test_start_here_ranks_light_sites_first_and_explains(client):
    def vary(i, r, idx):
        heavy = i % 2 == 0
        r[idx["sol_pollution_existe"]] = "pollution avérée" if heavy else "pollution peu probable"
        r[idx["bati_pollution"]] = "amiante" if heavy else "sans objet"
        r[idx["urba_zone_type"]] = "N" if heavy else "U"
        r[idx["site_reconv_type"]] = "habitat"

    token = _import(client, cnig_csv(6, mutate=vary))
    items = db.session.query(PortfolioSite).order_by(PortfolioSite.score.desc()).all()
    light, heavy = items[0], items[-1]
    assert light.score > heavy.score
    assert "aucune pollution des sols n'est connue" in light.summary["explanation"]
    assert "la pollution des sols est avérée" in heavy.summary["explanation"]
    assert "zone agricole ou naturelle" in heavy.summary["explanation"]
    html = client.get(f"/portefeuilles/{token}/commencer").get_data(as_text=True)
    assert html.index(light.nom) < html.index(heavy.nom)


def test_figures_follow_the_sites_answers_and_tracking(client):
    token = _import(client, cnig_csv(3))
    item = db.session.query(PortfolioSite).order_by(PortfolioSite.id).first()
    before = item.next_step_id
    db.session.add(StepProgress(site_id=item.site_id, step_id=before, status="fait"))
    answer = (
        db.session.query(Answer).filter_by(site_id=item.site_id, question_id="sol_pollution_existe").one()
    )
    answer.value, answer.source = "pollution inexistante", None
    db.session.commit()
    client.get(f"/portefeuilles/{token}")  # stale lines are recomputed
    db.session.expire_all()
    assert item.next_step_id != before
    assert item.pollution == "pollution inexistante"
    assert item.computed_on == date.today()
    exported = client.get(f"/portefeuilles/{token}/cnig.csv").get_data(as_text=True)
    assert "pollution inexistante" in exported


def test_summaries_zip_one_document_per_site(client):
    token = _import(client, cnig_csv(4))
    response = client.get(f"/portefeuilles/{token}/syntheses.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len([n for n in names if n.endswith(".pdf")]) == 4  # the council summary PDF (app.synthese)
    reader = pypdf.PdfReader(io.BytesIO(archive.read(sorted(names)[0])))
    first = " ".join(page.extract_text() for page in reader.pages)
    assert "Vos prochaines actions" in first and "Friche n°" in first
    assert 2 <= len(reader.pages) <= 5
