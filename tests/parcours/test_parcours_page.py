"""Path page of a saved site and step tracking (POST-redirect-GET, events, errors)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Answer, Event, Site, StepProgress


def make_site(**answers) -> Site:
    site = Site(nom="Ancienne filature", commune_code="62528", epci_code="246200364", departement_code="62",
                region_code="32")
    db.session.add(site)
    for qid, value in {"sol_pollution_existe": "pollution supposée", "usage": "habitat", "porteur": "commune",
                       "proprietaire": "commune", **answers}.items():
        db.session.add(Answer(site=site, question_id=qid, value=value))
    db.session.commit()
    return site


@pytest.fixture
def site(app):
    return make_site()


def test_unknown_token_is_404(client):
    assert client.get("/sites/inconnu/parcours").status_code == 404
    assert client.post("/sites/inconnu/parcours/etapes/inventaire-site", data={"statut": "fait"}).status_code == 404


def test_path_page_shows_phases_steps_and_explanations(client, site):
    r = client.get(f"/sites/{site.token}/parcours")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Prochaine étape : Rassembler ce que l&#39;on sait déjà du site" in html
    assert "Connaître et sécuriser le site" in html and "Diagnostiquer le site" in html
    assert "Pourquoi cette étape ?" in html
    assert "pollution supposée" in html.lower()
    assert "Loos-en-Gohelle" in html
    assert 'href="https://' in html  # contacts, funding and resources link to official pages
    event = Event.query.filter_by(type="parcours_consulte").one()
    assert event.site_id == site.id and event.data["nb_etapes"] > 0
    assert event.data["financements"] and event.commune_code == "62528"


def test_closed_schemes_are_never_shown_as_open(client, site):
    html = client.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    if "Dispositifs clos, pour mémoire" in html:
        closed_section = html.split("Dispositifs clos, pour mémoire")[1]
        assert "Ouvert" not in closed_section.split("</section>")[0]


def test_mark_step_done_redirects_and_records(client, site):
    r = client.post(f"/sites/{site.token}/parcours/etapes/inventaire-site",
                    data={"statut": "fait", "date": "2026-10-01", "note": "Fiche faite avec le CAUE"})
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"/sites/{site.token}/parcours#etape-inventaire-site")
    entry = StepProgress.query.filter_by(site_id=site.id, step_id="inventaire-site").one()
    assert entry.status == "fait" and entry.date.isoformat() == "2026-10-01" and entry.note
    event = Event.query.filter_by(type="etape_statut").one()
    assert event.data == {"etape": "inventaire-site", "phase": "connaitre", "statut": "fait"}
    html = client.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    assert "Fait le 01/10/2026" in html
    assert "Prochaine étape : Rassembler" not in html
    # Same values again: no new event.
    client.post(f"/sites/{site.token}/parcours/etapes/inventaire-site",
                data={"statut": "fait", "date": "2026-10-01", "note": "Fiche faite avec le CAUE"})
    assert Event.query.filter_by(type="etape_statut").count() == 1


def test_done_without_date_takes_today(client, site):
    from datetime import date

    client.post(f"/sites/{site.token}/parcours/etapes/inventaire-site", data={"statut": "fait"})
    assert StepProgress.query.one().date == date.today()


def test_invalid_input_shows_error_summary_and_keeps_values(client, site):
    r = client.post(f"/sites/{site.token}/parcours/etapes/inventaire-site",
                    data={"statut": "termine", "date": "31/02/2026", "note": "ma note"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'id="resume-erreurs"' in html and "Le formulaire contient 2 erreurs" in html
    assert 'href="#etape-inventaire-site-statut"' in html
    assert "ma note" in html and 'value="31/02/2026"' in html
    assert StepProgress.query.count() == 0


def test_step_not_in_this_path_is_404(client, site):
    r = client.post(f"/sites/{site.token}/parcours/etapes/etape-inexistante", data={"statut": "fait"})
    assert r.status_code == 404


def test_unknown_answers_show_steps_to_check(client, app):
    site = make_site(sol_pollution_existe="inconnu")
    html = client.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    assert "À vérifier" in html and "À préciser" in html


def test_site_without_commune_links_to_official_directory(client, app):
    site = Site(nom="Sans commune")
    db.session.add(site)
    db.session.commit()
    html = client.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    assert "lannuaire.service-public.gouv.fr" in html
    assert "La commune n&#39;est pas connue" in html
