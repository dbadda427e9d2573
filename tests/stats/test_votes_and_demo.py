"""Votes on steps and resources, the « Je donne mon avis » block, demonstration data."""

from __future__ import annotations

import re

from flask import render_template_string

from app.extensions import db
from app.models import Answer, Event, Site, StepProgress
from app.stats import demo


def make_site() -> Site:
    site = Site(
        nom="Mon site", commune_code="42218", epci_code="244200770", departement_code="42", region_code="84"
    )
    db.session.add(site)
    db.session.commit()
    return site


def test_vote_records_only_the_vote_and_redirects_to_the_anchor(client):
    site = make_site()
    response = client.post(
        f"/sites/{site.token}/avis",
        data={
            "item_type": "etape",
            "item_id": "inventaire-site",
            "utile": "oui",
            "retour": f"/sites/{site.token}/parcours",
            "ancre": "avis-etape-inventaire-site",
            "commentaire": "texte libre à ne jamais garder",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/sites/{site.token}/parcours?avis=etape-inventaire-site#avis-etape-inventaire-site"
    )
    event = Event.query.filter_by(type="avis").one()
    assert event.data == {"type": "etape", "id": "inventaire-site", "utile": True}
    assert event.site_id == site.id and event.epci_code == "244200770"
    response = client.post(
        f"/sites/{site.token}/avis",
        data={
            "item_type": "ressource",
            "item_id": "cartofriches",
            "utile": "non",
            "retour": "https://exemple.org/x",
        },
    )
    assert response.status_code == 303
    assert "exemple.org" not in response.headers["Location"]
    assert (
        response.headers["Location"].split("?")[0].endswith(f"/sites/{site.token}/parcours")
        or f"/sites/{site.token}" in response.headers["Location"]
    )
    assert Event.query.filter_by(type="avis").count() == 2


def test_vote_rejects_bad_input(client):
    site = make_site()
    for data in [
        {"item_type": "etape", "item_id": "pas-une-etape", "utile": "oui"},
        {"item_type": "etape", "item_id": "Texte libre !", "utile": "oui"},
        {"item_type": "commentaire", "item_id": "inventaire-site", "utile": "oui"},
        {"item_type": "etape", "item_id": "inventaire-site", "utile": "peut-être"},
        {"item_type": "ressource", "item_id": "inventaire-site", "utile": "oui"},  # a step, not a resource
    ]:
        assert client.post(f"/sites/{site.token}/avis", data=data).status_code == 400, data
    assert (
        client.post(
            "/sites/inconnu/avis", data={"item_type": "etape", "item_id": "inventaire-site", "utile": "oui"}
        ).status_code
        == 404
    )
    assert Event.query.filter_by(type="avis").count() == 0


def test_vote_partial_renders_a_no_js_form(app):
    site = make_site()
    with app.test_request_context(f"/sites/{site.token}/parcours"):
        html = render_template_string(
            '{% with item_type="etape", item_id="inventaire-site" %}{% include "stats/_vote.html" %}{% endwith %}',
            site=site,
        )
        assert f'action="/sites/{site.token}/avis"' in html
        assert 'name="csrf_token"' in html and 'method="post"' in html
        assert "Cette étape vous a-t-elle été utile ?" in html
        assert 'value="oui"' in html and 'value="non"' in html
        assert f'name="retour" value="/sites/{site.token}/parcours"' in html
        assert 'id="avis-etape-inventaire-site"' in html
        html = render_template_string('{% include "stats/_vote.html" %}')  # no site: nothing
        assert html.strip() == ""
    with app.test_request_context(f"/sites/{site.token}/parcours?avis=etape-inventaire-site"):
        html = render_template_string(
            '{% with item_type="etape", item_id="inventaire-site" %}{% include "stats/_vote.html" %}{% endwith %}',
            site=site,
        )
        assert "Merci, votre avis est enregistré." in html


def test_monavis_button_only_when_configured(app):
    with app.test_request_context("/"):
        app.config["MONAVIS_URL"] = ""
        assert "Je donne mon avis" not in render_template_string('{% include "stats/_avis.html" %}')
        app.config["MONAVIS_URL"] = "https://jedonnemonavis.numerique.gouv.fr/Demarches/1234?button=5678"
        html = render_template_string('{% include "stats/_avis.html" %}')
        assert "Je donne mon avis" in html and "jedonnemonavis.numerique.gouv.fr/Demarches/1234" in html
        assert "<img" not in html and "<script" not in html


def test_demo_seed_and_clear(app, client, runner):
    real = make_site()
    assert "données de démonstration" not in client.get("/").get_data(as_text=True).lower()
    result = runner.invoke(args=["demo", "seed", "--sites", "12"])
    assert result.exit_code == 0, result.output
    assert "12 sites" in result.output
    sites = Site.query.filter_by(is_demo=True).all()
    assert len(sites) == 12 and all(s.nom.startswith("[Démo]") for s in sites)
    assert Event.query.filter_by(is_demo=True).count() > 12
    assert Event.query.filter(Event.is_demo.is_(False), Event.site_id.in_([s.id for s in sites])).count() == 0
    # The banner is on every page, the stats page says the demo data count.
    assert "Données de démonstration" in client.get("/").get_data(as_text=True)
    html = client.get("/stats").get_data(as_text=True)
    assert "Données de démonstration incluses" in html
    assert client.get("/stats/donnees.json").get_json()["donnees_de_demonstration_incluses"] is True
    # Seeding again replaces, never piles up.
    assert runner.invoke(args=["demo", "seed", "--sites", "5"]).exit_code == 0
    assert Site.query.filter_by(is_demo=True).count() == 5
    result = runner.invoke(args=["demo", "clear"])
    assert result.exit_code == 0 and "5 sites" in result.output
    assert Site.query.filter_by(is_demo=True).count() == 0
    assert Event.query.filter_by(is_demo=True).count() == 0
    assert Answer.query.count() == 0 and StepProgress.query.count() == 0
    assert Site.query.count() == 1 and Site.query.one().id == real.id
    assert "Données de démonstration" not in client.get("/").get_data(as_text=True)


def test_demo_seed_gives_a_living_page(app):
    from datetime import date

    from app.stats.indicators import compute_report

    demo.seed(db.session, date(2026, 6, 17), sites=48)
    report = compute_report(db.session, date(2026, 6, 17), 12)
    v = report.values
    assert 40 <= v["sites_crees"]["valeur"] <= 48  # created over the last 360 days
    assert v["territoires_engages"]["valeur"] >= 5
    assert v["parcours_calcules"]["valeur"] > 48
    assert v["etapes_utiles"]["base"] >= 5
    assert sum(n for _, n in report.series["sites_actifs_mois"]) > 48
    assert v["hectares_etudies"]["base"] >= 5 and v["financements_identifies"]["valeur"] == len(demo.SCHEMES)


def test_vote_from_a_step_page_round_trip(client):
    """Votes live on the step page (the path page keeps each card short)."""
    site = make_site()
    path = client.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    step_url = re.search(rf'href="(/sites/{site.token}/parcours/etapes/[a-z0-9-]+)"', path).group(1)
    page = client.get(step_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="/sites/{site.token}/avis"' in html
    anchor = re.search(r'<form class="stats-vote no-print" id="(avis-etape-([a-z0-9-]+))"', html)
    assert anchor
    response = client.post(
        f"/sites/{site.token}/avis",
        data={
            "item_type": "etape",
            "item_id": anchor.group(2),
            "utile": "oui",
            "retour": step_url,
            "ancre": anchor.group(1),
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Merci, votre avis est enregistré." in response.get_data(as_text=True)
    assert Event.query.filter_by(type="avis").one().data["utile"] is True
