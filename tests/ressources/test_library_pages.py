"""/ressources without JavaScript: filters as a GET form, resource pages, downloads, the vote,
the API and the evaluation on /stats (counts under 5 suppressed)."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Event
from app.ressources.evaluation import evaluation, shown


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="fr-card__title"><a href="/ressources/([a-z0-9-]+)"', html)


def test_the_library_lists_every_resource_by_drawer(client, content):
    response = client.get("/ressources")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    ids = titles(html)
    assert len(ids) >= 25 and "modele-retroplanning" in ids
    assert (
        "Comprendre et convaincre" in html and "Animer et concerter" in html and "Piloter le projet" in html
    )
    assert '<form class="fr-mb-4w" method="get" action="/ressources"' in html
    assert "Boîte à outils" in client.get("/").get_data(as_text=True)  # in the main navigation


def test_filters_combine_in_the_query_string(client):
    html = client.get("/ressources?famille=animation&niveau=1").get_data(as_text=True)
    ids = titles(html)
    assert ids and "modele-trame-atelier-habitants" in ids and "modele-matrice-des-acteurs" in ids
    assert "modele-deliberation-convention-epf" not in ids  # gestion de projet, niveau 2
    assert 'value="animation" selected' in html and 'value="1" selected' in html
    assert "Effacer les filtres" in html

    only_templates = titles(client.get("/ressources?format=modele&phase=foncier").get_data(as_text=True))
    assert set(only_templates) == {
        "modele-deliberation-convention-epf",
        "modele-matrice-maitrise-fonciere",
        "modele-retroplanning",
    }

    for_agents = titles(client.get("/ressources?public=agents&phase=diagnostiquer").get_data(as_text=True))
    assert "guide-ssp" in for_agents and "cerema-villages-avenir-friches" not in for_agents


def test_an_unknown_filter_is_ignored_with_a_message(client):
    response = client.get("/ressources?famille=jeux&niveau=9&phase=connaitre")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "Le filtre famille « jeux » n&#39;existe pas" in html and "Le niveau « 9 » n&#39;existe pas" in html
    )
    assert "cartofriches" in titles(html)  # the valid filter still applies
    assert "modele-trame-atelier-habitants" not in titles(html)


def test_no_result_says_so(client):
    html = client.get("/ressources?famille=animation&format=donnees").get_data(as_text=True)
    assert titles(html) == [] and "Aucune ressource ne correspond" in html


def test_a_resource_page_shows_its_notice_and_never_the_editors_notes(client, content):
    r = content.catalogs.resources["ademe-reconvertir-friche-polluee"]
    html = client.get("/ressources/ademe-reconvertir-friche-polluee").get_data(as_text=True)
    for part in ("Objectifs", "Contenus", "Mise en œuvre", "Durée", r.notice.objectives):
        assert part.replace("'", "&#39;") in html
    assert 'href="https://expertises.ademe.fr/' in html and "Consulter la ressource" in html
    assert "Cette ressource vous a-t-elle été utile ?" in html
    assert "outil de recherche" not in html and r.editorial[:30] not in html
    assert "Les étapes du parcours où elle sert" in html
    assert client.get("/ressources/inconnue").status_code == 404


def test_a_template_page_links_its_download_which_is_the_file(client, content):
    html = client.get("/ressources/modele-checklist-visite-site").get_data(as_text=True)
    assert 'href="/ressources/modele-checklist-visite-site/telecharger"' in html and "ODT" in html
    response = client.get("/ressources/modele-checklist-visite-site/telecharger")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oasis.opendocument.text"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data[:2] == b"PK"
    assert client.get("/ressources/cartofriches/telecharger").status_code == 404
    assert "Version PDF à imprimer" in html
    pdf = client.get("/ressources/modele-checklist-visite-site/telecharger?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data[:5] == b"%PDF-"
    sheet = client.get("/ressources/modele-retroplanning/telecharger?format=pdf")  # spreadsheets print too
    assert sheet.status_code == 200 and sheet.data[:5] == b"%PDF-"
    assert client.get("/ressources/cartofriches/telecharger?format=pdf").status_code == 404


def test_the_vote_is_one_per_resource_and_session(client, app):
    page = "/ressources/modele-retroplanning"
    response = client.post(page + "/avis", data={"utile": "oui"})
    assert response.status_code == 303 and response.headers["Location"].endswith(page + "?avis=oui#avis")
    assert "Merci, votre avis est enregistré." in client.get(page + "?avis=oui").get_data(as_text=True)
    client.post(page + "/avis", data={"utile": "non"})  # changes the vote, adds none
    votes = Event.query.filter_by(type="avis").all()
    assert len(votes) == 1 and votes[0].data == {
        "type": "ressource",
        "id": "modele-retroplanning",
        "utile": False,
    }
    assert votes[0].site_id is None
    other = app.test_client()  # another browser: another vote
    other.post(page + "/avis", data={"utile": "oui"})
    assert Event.query.filter_by(type="avis").count() == 2
    # a bad answer records nothing and loses nothing
    assert client.post(page + "/avis", data={"utile": "peut-être"}).status_code == 303
    assert Event.query.filter_by(type="avis").count() == 2
    assert client.post("/ressources/inconnue/avis", data={"utile": "oui"}).status_code == 404


def test_the_vote_is_rate_limited(database_url, _schema):
    from tests.conftest import make_app

    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_VOTES="2/minute")
    client = app.test_client()
    codes = [
        client.post("/ressources/cartofriches/avis", data={"utile": "oui"}).status_code for _ in range(3)
    ]
    assert codes == [303, 303, 429]
    with app.app_context():
        Event.query.delete()
        db.session.commit()


def test_views_and_downloads_are_counted_without_personal_data(client):
    client.get("/ressources/modele-retroplanning")
    client.get("/ressources/modele-retroplanning/telecharger")
    events = {e.type: e for e in Event.query.all()}
    assert events["ressource_vue"].data == {"id": "modele-retroplanning"}
    assert events["ressource_telechargee"].data == {"id": "modele-retroplanning"}
    assert all(e.site_id is None and e.commune_code is None for e in events.values())


def _votes(n: int, kind: str, item: str, useful: bool, demo: bool = False):
    for _ in range(n):
        db.session.add(Event(type="avis", data={"type": kind, "id": item, "utile": useful}, is_demo=demo))


def test_evaluation_counts_and_suppresses_small_numbers(app, content):
    from app.engine.resources import library

    _votes(6, "ressource", "cartofriches", True)
    _votes(2, "ressource", "cartofriches", False)
    _votes(5, "etape", "inventaire-site", False)
    _votes(9, "ressource", "mutafriches", True, demo=True)  # demonstration data: not counted
    for _ in range(7):
        db.session.add(Event(type="ressource_vue", data={"id": "cartofriches"}))
    db.session.add(Event(type="etape_vue", data={"id": "inventaire-site"}))
    db.session.commit()
    rows = evaluation(db.session, library(content.catalogs.resources), content.catalogs.steps)
    carto = next(r for r in rows["ressources"] if r.id == "cartofriches")
    assert carto.cells == {"vues": "7", "telechargements": "—", "utile": "6", "pas_utile": "moins de 5"}
    muta = next(r for r in rows["ressources"] if r.id == "mutafriches")
    assert muta.cells["utile"] == "0"
    step = next(r for r in rows["etapes"] if r.id == "inventaire-site")
    assert step.cells == {"vues": "moins de 5", "telechargements": "—", "utile": "0", "pas_utile": "5"}
    assert rows["ressources"][0].id == "cartofriches"  # most used first
    assert [shown(n) for n in (0, 1, 4, 5, 1234)] == ["0", "moins de 5", "moins de 5", "5", "1\u202f234"]


def test_the_stats_page_shows_the_evaluation_table(client):
    for _ in range(3):
        client.get("/ressources/modele-trame-atelier-habitants")
    html = client.get("/stats").get_data(as_text=True)
    assert (
        'id="evaluation"' in html
        and "Ressources de la boîte à outils" in html
        and "Étapes du parcours" in html
    )
    row = html.split("Trame d&#39;atelier avec les habitants</a></th>")[1].split("</tr>")[0]
    assert row.startswith("<td>moins de 5</td>")


def test_the_api_serves_the_library_with_filters(client):
    body = client.get("/api/v1/catalogue/ressources").get_json()
    by_id = {r["id"]: r for r in body["ressources"]}
    assert len(by_id) >= 25
    tpl = by_id["modele-matrice-des-acteurs"]
    assert tpl["famille"] == "animation" and tpl["niveau"] == 1 and tpl["format"] == "modele"
    assert tpl["fichier"].endswith("/ressources/modele-matrice-des-acteurs/telecharger")
    assert tpl["url"].startswith("http") and tpl["notice"]["duree"]
    assert "redaction" not in tpl and all("redaction" not in r for r in body["ressources"])
    guide = by_id["guide-ssp"]
    assert guide["source"] == "https://ssp-infoterre.brgm.fr/" and guide["fichier"] is None
    filtered = client.get("/api/v1/catalogue/ressources?famille=pedagogique&niveau=2").get_json()[
        "ressources"
    ]
    assert filtered and all(r["famille"] == "pedagogique" and r["niveau"] == 2 for r in filtered)
    bad = client.get("/api/v1/catalogue/ressources?niveau=7")
    assert bad.status_code == 400 and "niveau" in bad.get_json()["message"]


def test_the_openapi_document_describes_the_filters(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/catalogue/ressources"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"famille", "phase", "public", "format", "niveau"}
    assert "400" in op["responses"]


def test_step_pages_count_their_views_and_link_the_library(client, content):
    """A step page shown counts one « etape_vue » with the step id only; its resources lead to
    the library (a template to its page with the download)."""
    from tests.parcours.test_parcours_page import make_site

    site = make_site()
    response = client.get(f"/sites/{site.token}/parcours/etapes/inventaire-site")
    assert response.status_code == 200
    views = Event.query.filter_by(type="etape_vue").all()
    assert [v.data for v in views] == [{"id": "inventaire-site"}] and views[0].site_id is None
    assert 'href="/ressources/modele-checklist-visite-site"' in response.get_data(as_text=True)
