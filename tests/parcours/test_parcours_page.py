"""Path page of a saved site and step tracking: the compact control on each card, the step page
(date, note, errors), POST-redirect-GET, events, 404s and CSRF."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Answer, Event, Site, StepProgress
from tests.conftest import make_app

STEP = "inventaire-site"


def make_site(nom="Ancienne filature", **answers) -> Site:
    site = Site(nom=nom, commune_code="62528", epci_code="246200364", departement_code="62", region_code="32")
    db.session.add(site)
    for qid, value in {
        "sol_pollution_existe": "pollution supposée",
        "usage": "habitat",
        "porteur": "commune",
        "proprietaire": "commune",
        **answers,
    }.items():
        db.session.add(Answer(site=site, question_id=qid, value=value))
    db.session.commit()
    return site


@pytest.fixture
def site(app):
    return make_site()


def page_of(client, site) -> str:
    response = client.get(f"/sites/{site.token}/parcours")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def card(html: str, step_id: str) -> str:
    match = re.search(rf'<li class="pf-step[^"]*" id="etape-{step_id}">.*?</article>', html, re.S)
    assert match, step_id
    return match.group(0)


def entry(site) -> StepProgress | None:
    return StepProgress.query.filter_by(site_id=site.id, step_id=STEP).one_or_none()


def test_unknown_token_is_404(client):
    assert client.get("/sites/inconnu/parcours").status_code == 404
    assert client.get(f"/sites/inconnu/parcours/etapes/{STEP}").status_code == 404
    assert client.post(f"/sites/inconnu/parcours/etapes/{STEP}", data={"statut": "fait"}).status_code == 404
    assert (
        client.post(f"/sites/inconnu/parcours/etapes/{STEP}/statut", data={"statut": "fait"}).status_code
        == 404
    )


def test_step_not_in_this_path_is_404(client, site):
    base = f"/sites/{site.token}/parcours/etapes/etape-inexistante"
    assert client.get(base).status_code == 404
    assert client.post(base, data={"statut": "fait"}).status_code == 404
    assert client.post(base + "/statut", data={"statut": "fait"}).status_code == 404
    assert StepProgress.query.count() == 0


def next_actions(html: str) -> str:
    match = re.search(r'<section class="pf-actions.*?</section>', html, re.S)
    assert match
    return match.group(0)


def test_path_page_shows_next_actions_phases_and_plain_reasons(client, site):
    html = page_of(client, site)
    actions = next_actions(html)
    assert "Vos prochaines actions" in actions
    assert (
        f'<a href="/sites/{site.token}/parcours/etapes/{STEP}">Rassembler ce que l&#39;on sait déjà du site</a>'
        in actions
    )
    assert "Qui contacter :" in actions and 'href="#contact-ddt-62"' in actions
    assert "Échéance :" in actions
    assert "Connaître et sécuriser le site" in html and "Diagnostiquer le site" in html
    # The phase in progress is open, the others closed (DSFR accordions).
    assert 'aria-expanded="true" aria-controls="phase-connaitre-contenu"' in html
    assert 'aria-expanded="false" aria-controls="phase-diagnostiquer-contenu"' in html
    # Plain reasons; the full explanation lives on the step page.
    assert "Le sol est peut-être pollué" in html
    assert "Pourquoi cette étape ?" not in html
    # Said once in the phase intro, never on each card.
    assert html.count("utiles pour toute reconversion de friche") >= 1
    assert "Étape utile pour toute reconversion de friche" not in html
    assert "Loos-en-Gohelle" in html
    assert 'href="https://' in html  # contacts, funding and resources link to official pages
    event = Event.query.filter_by(type="parcours_consulte").one()
    assert event.site_id == site.id and event.data["nb_etapes"] > 0
    assert event.data["financements"] and event.commune_code == "62528"


def test_each_card_has_a_compact_tracking_control(client, site):
    html = page_of(client, site)
    cards = re.findall(r'<li class="pf-step[^"]*" id="etape-', html)
    assert len(cards) > 10
    assert html.count('<select class="fr-select"') == len(cards)
    # Date and note live on the step page: no date input or note field repeated on every card.
    assert 'type="date"' not in html and "<textarea" not in html
    one = card(html, STEP)
    assert f'action="/sites/{site.token}/parcours/etapes/{STEP}/statut"' in one
    assert f'<label class="fr-label" for="etape-{STEP}-statut">Où en êtes-vous ?' in one
    assert re.search(r'<option value="a_faire" selected>À faire</option>', one)
    assert all(f'<option value="{v}"' in one for v in ("a_faire", "en_cours", "fait", "non_concerne"))
    assert "Enregistrer<span class=\"fr-sr-only\"> l'état de l'étape « Rassembler" in one
    assert f'href="/sites/{site.token}/parcours/etapes/{STEP}"' in one
    assert "Détail, date et note" in one
    # The title links to the step page, where the full detail and the « utile ? » vote live.
    assert f'<a href="/sites/{site.token}/parcours/etapes/{STEP}">Rassembler' in one
    assert 'id="avis-etape-' not in html


def test_closed_schemes_are_never_shown_as_open(client, site):
    html = page_of(client, site)
    if "Dispositifs clos, pour mémoire" in html:
        closed_section = html.split("Dispositifs clos, pour mémoire")[1]
        assert "Ouvert" not in closed_section.split("</section>")[0]


def test_compact_control_marks_step_done(client, site):
    r = client.post(f"/sites/{site.token}/parcours/etapes/{STEP}/statut", data={"statut": "fait"})
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"/sites/{site.token}/parcours#etape-{STEP}")
    assert entry(site).status == "fait" and entry(site).date == date.today() and entry(site).note is None
    assert Event.query.filter_by(type="etape_statut").one().data == {
        "etape": STEP,
        "phase": "connaitre",
        "statut": "fait",
    }
    html = page_of(client, site)
    one = card(html, STEP)
    assert '<option value="fait" selected>Fait</option>' in one and "pf-step--done" in one
    assert f"Fait le {date.today().strftime('%d/%m/%Y')}" in one
    assert f"/parcours/etapes/{STEP}" not in next_actions(html)
    # Same state again: nothing changes, no new event.
    client.post(f"/sites/{site.token}/parcours/etapes/{STEP}/statut", data={"statut": "fait"})
    assert Event.query.filter_by(type="etape_statut").count() == 1


def test_compact_control_keeps_the_note_and_the_date_of_an_unchanged_state(client, site):
    client.post(
        f"/sites/{site.token}/parcours/etapes/{STEP}",
        data={"statut": "fait", "date": "2026-10-01", "note": "Fiche faite avec le CAUE"},
    )
    client.post(f"/sites/{site.token}/parcours/etapes/{STEP}/statut", data={"statut": "fait"})
    assert (entry(site).date, entry(site).note) == (date(2026, 10, 1), "Fiche faite avec le CAUE")
    client.post(f"/sites/{site.token}/parcours/etapes/{STEP}/statut", data={"statut": "en_cours"})
    assert (entry(site).status, entry(site).date, entry(site).note) == (
        "en_cours",
        None,
        "Fiche faite avec le CAUE",
    )
    assert "Note : Fiche faite avec le CAUE" in card(page_of(client, site), STEP)


def test_invalid_compact_state_shows_the_step_page_with_the_error(client, site):
    r = client.post(f"/sites/{site.token}/parcours/etapes/{STEP}/statut", data={"statut": "termine"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "<title>Erreur" in html and 'id="resume-erreurs"' in html
    assert "Choisissez un état : à faire, en cours, fait ou non concerné." in html
    assert 'href="#etape-statut"' in html
    assert entry(site) is None


def test_step_page_shows_the_tracking_form_the_contents_and_the_votes(client, site):
    r = client.get(f"/sites/{site.token}/parcours/etapes/{STEP}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<h1>Rassembler ce que l&#39;on sait déjà du site</h1>" in html
    assert f'action="/sites/{site.token}/parcours/etapes/{STEP}"' in html and 'name="csrf_token"' in html
    assert (
        html.count('type="radio"') == 4
        and 'id="etape-statut-a_faire" name="statut" value="a_faire" checked' in html
    )
    assert '<label class="fr-label" for="etape-date">Date (facultatif)' in html and 'type="date"' in html
    assert '<label class="fr-label" for="etape-note">Note (facultatif)' in html and "<textarea" in html
    assert "Pourquoi cette étape ?" in html and "Cartofriches" in html
    assert f'href="/sites/{site.token}/parcours#etape-{STEP}"' in html  # back to the card
    assert f'id="avis-etape-{STEP}"' in html
    assert f'id="avis-ressource-{STEP}-cartofriches"' in html  # resource votes live here
    assert f'name="retour" value="/sites/{site.token}/parcours/etapes/{STEP}"' in html


def test_step_form_saves_date_and_note(client, site):
    r = client.post(
        f"/sites/{site.token}/parcours/etapes/{STEP}",
        data={"statut": "fait", "date": "2026-10-01", "note": "Fiche faite avec le CAUE"},
    )
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"/sites/{site.token}/parcours#etape-{STEP}")
    assert (entry(site).status, entry(site).date, entry(site).note) == (
        "fait",
        date(2026, 10, 1),
        "Fiche faite avec le CAUE",
    )
    assert Event.query.filter_by(type="etape_statut").one().data["statut"] == "fait"
    one = card(page_of(client, site), STEP)
    assert "Fait le 01/10/2026. Note : Fiche faite avec le CAUE" in one
    assert "Modifier la date ou la note" in one
    step_page = client.get(f"/sites/{site.token}/parcours/etapes/{STEP}").get_data(as_text=True)
    assert 'value="2026-10-01"' in step_page and ">Fiche faite avec le CAUE</textarea>" in step_page
    # Same values again: no new event.
    client.post(
        f"/sites/{site.token}/parcours/etapes/{STEP}",
        data={"statut": "fait", "date": "2026-10-01", "note": "Fiche faite avec le CAUE"},
    )
    assert Event.query.filter_by(type="etape_statut").count() == 1


def test_step_form_accepts_a_date_typed_the_french_way(client, site):
    r = client.post(
        f"/sites/{site.token}/parcours/etapes/{STEP}", data={"statut": "en_cours", "date": "01/10/2026"}
    )
    assert r.status_code == 303 and entry(site).date == date(2026, 10, 1)


def test_done_without_date_takes_today(client, site):
    client.post(f"/sites/{site.token}/parcours/etapes/{STEP}", data={"statut": "fait"})
    assert entry(site).date == date.today()


def test_invalid_input_shows_error_summary_and_keeps_values(client, site):
    r = client.post(
        f"/sites/{site.token}/parcours/etapes/{STEP}",
        data={"statut": "termine", "date": "31/02/2026", "note": "ma note"},
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "<title>Erreur" in html
    assert 'id="resume-erreurs"' in html and "Le formulaire contient 2 erreurs" in html
    assert 'href="#etape-statut"' in html and 'href="#etape-date"' in html
    assert "Saisissez une date valide, par exemple 01/10/2026." in html
    assert (
        'class="fr-input fr-input--error" type="date" id="etape-date" name="date" value="31/02/2026"' in html
    )
    assert ">ma note</textarea>" in html
    assert StepProgress.query.count() == 0 and Event.query.filter_by(type="etape_statut").count() == 0


def test_too_long_note_and_implausible_date_are_refused_with_values_kept(client, site):
    note = "x" * 2001
    r = client.post(
        f"/sites/{site.token}/parcours/etapes/{STEP}",
        data={"statut": "en_cours", "date": "1850-01-01", "note": note},
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "La note ne doit pas dépasser 2000 caractères (actuellement 2001)." in html
    assert "Saisissez une date entre 1900 et les dix prochaines années." in html
    assert 'id="etape-statut-en_cours" name="statut" value="en_cours" checked' in html
    assert f">{note}</textarea>" in html and 'value="1850-01-01"' in html
    assert entry(site) is None


def test_unknown_answers_show_steps_to_check(client, app):
    site = make_site(sol_pollution_existe="inconnu")
    html = page_of(client, site)
    assert "À vérifier" in html and "À préciser" in html


def test_site_without_commune_links_to_official_directory(client, app):
    site = Site(nom="Sans commune")
    db.session.add(site)
    db.session.commit()
    html = page_of(client, site)
    assert "lannuaire.service-public.gouv.fr" in html
    assert "La commune n&#39;est pas connue" in html


# --- CSRF -------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(app, database_url):
    """The same database, with CSRF checked as in production. No app context of its own is kept
    pushed, so that each request gets its own (and its own ``g``), as under a real server."""
    return make_app(database_url, WTF_CSRF_ENABLED=True)


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_tracking_forms_need_a_csrf_token(csrf_app):
    site = make_site()
    client = csrf_app.test_client()
    for url in (
        f"/sites/{site.token}/parcours/etapes/{STEP}/statut",
        f"/sites/{site.token}/parcours/etapes/{STEP}",
    ):
        r = client.post(url, data={"statut": "fait"})
        assert r.status_code == 400 and "Le formulaire a expiré" in r.get_data(as_text=True)
    assert entry(site) is None
    token = token_in(client.get(f"/sites/{site.token}/parcours/etapes/{STEP}").get_data(as_text=True))
    r = client.post(
        f"/sites/{site.token}/parcours/etapes/{STEP}", data={"statut": "fait", "csrf_token": token}
    )
    assert r.status_code == 303 and entry(site).status == "fait"


def test_cached_page_carries_each_session_its_own_csrf_token(csrf_app):
    site = make_site()
    alice, bob = csrf_app.test_client(), csrf_app.test_client()
    html_a = alice.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    html_b = bob.get(f"/sites/{site.token}/parcours").get_data(as_text=True)
    cache = csrf_app.extensions["parcours_page_cache"]
    assert (cache.hits, cache.misses) == (1, 1)  # Bob got the page Alice's view rendered
    token_a, token_b = token_in(html_a), token_in(html_b)
    assert token_a != token_b
    assert set(re.findall(r'name="csrf_token" value="([^"]+)"', html_b)) == {token_b}
    assert token_a not in html_b and "pf-csrf-" not in html_b
    url = f"/sites/{site.token}/parcours/etapes/{STEP}/statut"
    assert bob.post(url, data={"statut": "fait", "csrf_token": token_a}).status_code == 400
    assert entry(site) is None
    assert bob.post(url, data={"statut": "fait", "csrf_token": token_b}).status_code == 303
    assert entry(site).status == "fait"


# --- page cache ---------------------------------------------------------------------------------------


def test_page_is_cached_per_site_version(app, client, site):
    page_of(client, site)
    page_of(client, site)
    cache = app.extensions["parcours_page_cache"]
    assert (cache.hits, cache.misses) == (1, 1)
    # Tracking changes: the next view renders anew and shows it.
    client.post(f"/sites/{site.token}/parcours/etapes/{STEP}/statut", data={"statut": "en_cours"})
    assert '<option value="en_cours" selected>' in card(page_of(client, site), STEP)
    assert cache.misses == 2
    # An answer changed elsewhere (questionnaire): new version too.
    answer = Answer.query.filter_by(site_id=site.id, question_id="sol_pollution_existe").one()
    answer.value = "inconnu"
    db.session.commit()
    assert "À vérifier" in page_of(client, site) and cache.misses == 3
    # So does the site's name.
    site.nom = "Filature Dupont"
    db.session.commit()
    assert "Parcours de reconversion : Filature Dupont" in page_of(client, site) and cache.misses == 4
    # Every view still counts, cached or not.
    assert Event.query.filter_by(type="parcours_consulte").count() == 5


def test_cache_never_mixes_sites(client, app):
    first, second = make_site(nom="Site A"), make_site(nom="Site B", usage="activite")
    for _ in range(2):
        html_a, html_b = page_of(client, first), page_of(client, second)
        assert "Site A" in html_a and "Site B" not in html_a and second.token not in html_a
        assert "Site B" in html_b and "Site A" not in html_b and first.token not in html_b


def test_thanks_after_a_vote_is_shown_on_the_step_page(app, client, site):
    thanks = "Merci, votre avis est enregistré."
    step_url = f"/sites/{site.token}/parcours/etapes/{STEP}"
    assert thanks not in client.get(step_url).get_data(as_text=True)
    assert thanks in client.get(f"{step_url}?avis=etape-{STEP}").get_data(as_text=True)
    # A path page asked with ``avis`` is rendered, never cached.
    client.get(f"/sites/{site.token}/parcours?avis=etape-{STEP}")
    assert len(app.extensions["parcours_page_cache"]) == 0


def test_cache_can_be_switched_off(database_url, app):
    site = make_site()
    uncached = make_app(database_url, PARCOURS_PAGE_CACHE=False)
    with uncached.app_context():
        client = uncached.test_client()
        page_of(client, site)
        page_of(client, site)
        cache = uncached.extensions["parcours_page_cache"]
        assert (cache.hits, len(cache)) == (0, 0)


def test_path_page_offers_the_council_summary(client, site):
    """A mayor reading the path finds « Télécharger la synthèse (PDF) » next to its title."""
    html = page_of(client, site)
    assert f'href="/sites/{site.token}/synthese.pdf"' in html
    assert "Télécharger la synthèse (PDF)" in html
