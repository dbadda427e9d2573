"""The questionnaire as users go through it, with the Flask client (no JavaScript)."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Answer, Event, Site

FULL = {
    "site_nom": "Ancienne filature",
    "unite_fonciere_surface": "32 000",
    "site_type": "friche industrielle",
    "activite_libelle": "filature",
    "activite_fin_annee": "1998",
    "bati_nombre": "3",
    "icpe": "oui",
    "sol_pollution_existe": "pollution supposée",
    "sol_pollution_origine": "pollution due au fonctionnement de l'installation",
    "diagnostic_pollution_realise": "non",
    "site_securite": ["inconnu"],
    "bati_surface": "9000",
    "bati_etat": "dégradation moyenne",
    "local_ancien_annee": "1950",
    "bati_pollution": ["amiante"],
    "diagnostic_amiante_realise": "inconnu",
    "bati_patrimoine": "aucun",
    "bati_vacance": "vacant",
    "site_occupation": "totalement inoccupé",
    "site_clos": "oui",
    "risque_immediat": "non",
    "proprietaire": "prive",
    "proprietaire_liquidation": "non",
    "proprietaire_joignable": "oui",
    "proprietaire_vendeur": "inconnu",
    "urba_doc_type": "PLUI",
    "urba_zone_type": "U",
    "urba_zone_lib": "UE",
    "risques_connus": ["aucun"],
    "enjeux_biodiversite": "inconnu",
    "site_qpv": "non",
    "programme_anct": ["inconnu"],
    "usage": "habitat",
    "porteur": "commune",
    "avancement": "idee",
    "marche_vacance": "moyenne",
    "marche_demande": "non",
}
FIELD = re.compile(r'name="([a-z_]+)"')
NOT_QUESTIONS = {"csrf_token", "action", "retour"}


def new_site(client) -> str:
    response = client.post("/sites")
    assert response.status_code == 303
    return re.search(r"/sites/([^/]+)", response.location).group(1)


def site(token) -> Site:
    db.session.expire_all()
    return Site.query.filter_by(token=token).one()


def page_questions(html: str) -> list[str]:
    return list(dict.fromkeys(n for n in FIELD.findall(html) if n not in NOT_QUESTIONS))


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def answer_page(client, url, answers, action="suivant"):
    html = client.get(url).get_data(as_text=True)
    data = {"action": action}
    for qid in page_questions(html):
        if qid in answers:
            data[qid] = answers[qid]
    return client.post(url, data=data)


def test_whole_questionnaire_anonymously(client):
    token = new_site(client)
    url = client.get(f"/sites/{token}/questionnaire").location
    seen = []
    for _ in range(20):
        assert "/questionnaire/" in url
        html = client.get(url).get_data(as_text=True)
        step = re.search(r"Page (\d+) sur (\d+)", html)
        assert step and int(step.group(1)) == len(seen) + 1
        seen.append(url.rsplit("/", 1)[1])
        response = answer_page(client, url, FULL)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        url = response.location
        if url.endswith("/synthese"):
            break
    assert seen == [
        "localisation",
        "histoire",
        "pollution",
        "batiments",
        "occupation",
        "proprietaire",
        "urbanisme",
        "contexte",
        "projet",
        "marche",
    ]
    s = site(token)
    assert s.completed_at is not None and s.nom == "Ancienne filature"
    stored = s.answer_map()
    assert stored["unite_fonciere_surface"] == 32000 and isinstance(stored["unite_fonciere_surface"], int)
    assert stored["local_ancien_annee"] == 1950
    assert stored["icpe"] == "oui" and stored["site_securite"] == ["inconnu"]
    assert stored["bati_pollution"] == ["amiante"]
    assert len(stored) == len(FULL)
    label = Answer.query.filter_by(site_id=s.id, question_id="proprietaire").one()
    assert label.question_label == "Qui est propriétaire du site ?"
    assert label.value_label == "Une entreprise ou un particulier"
    assert [e.type for e in Event.query.filter_by(site_id=s.id).order_by(Event.id)] == [
        "site_cree",
        "questionnaire_termine",
    ]
    summary = client.get(f"/sites/{token}/synthese").get_data(as_text=True)
    assert "Une entreprise ou un particulier" in summary and "32\u202f000 m²" in summary
    # Finishing again (after an edit) does not record a second completion.
    client.post(
        f"/sites/{token}/questionnaire/marche", data={"marche_vacance": "forte", "marche_demande": "oui"}
    )
    assert Event.query.filter_by(site_id=s.id, type="questionnaire_termine").count() == 1


def test_start_creates_a_site_and_goes_to_location(client):
    response = client.post("/sites")
    token = re.search(r"/sites/([^/]+)", response.location).group(1)
    assert len(token) >= 22  # ≥ 128 random bits, URL-safe
    assert response.location.endswith(f"/sites/{token}/localisation")
    assert Event.query.filter_by(type="site_cree").count() == 1
    assert client.get("/sites").status_code == 200  # the navigation's « Commencer » page


def test_unknown_token_is_404_everywhere(client):
    new_site(client)
    for url in (
        "/sites/pas-le-bon-jeton",
        "/sites/pas-le-bon-jeton/questionnaire",
        "/sites/pas-le-bon-jeton/questionnaire/histoire",
        "/sites/pas-le-bon-jeton/synthese",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/sites/pas-le-bon-jeton/questionnaire/histoire", data={}).status_code == 404


def test_dashboard_shows_the_private_link(client):
    token = new_site(client)
    html = client.get(f"/sites/{token}").get_data(as_text=True)
    assert f"http://localhost/sites/{token}" in html
    assert "mailto:?subject=" in html and token in html.split("mailto:")[1][:400]
    assert "Commencer le questionnaire" in html


def test_validation_errors_summary_inline_and_values_kept(client):
    token = new_site(client)
    url = f"/sites/{token}/questionnaire/histoire"
    response = client.post(
        url, data={"site_type": "friche industrielle", "activite_fin_annee": "vers 1990", "bati_nombre": "2"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert title(html).startswith("Erreur : ")
    assert 'id="resume-erreurs"' in html
    assert '<a href="#activite_fin_annee">' in html
    assert 'id="activite_fin_annee-message-error"' in html
    assert 'value="vers 1990"' in html
    assert re.search(r'value="friche industrielle"\s+selected', html)
    # Valid answers of the page are already saved: a crash now would lose nothing else.
    assert site(token).answer_map() == {"site_type": "friche industrielle", "bati_nombre": 2}


def test_required_radio_error_links_to_first_option(client):
    token = new_site(client)
    html = client.post(f"/sites/{token}/questionnaire/occupation", data={}).get_data(as_text=True)
    assert '<a href="#site_occupation-0">' in html
    assert "Sélectionnez une réponse" in html


def test_resume_where_the_user_stopped(client):
    token = new_site(client)
    assert client.get(f"/sites/{token}/questionnaire").location.endswith("/questionnaire/localisation")
    answer_page(client, f"/sites/{token}/questionnaire/localisation", FULL)
    answer_page(client, f"/sites/{token}/questionnaire/histoire", FULL)
    assert site(token).current_group == "pollution"
    # A new session (closed tab) with only the link resumes on the next page to fill.
    assert client.get(f"/sites/{token}/questionnaire").location.endswith("/questionnaire/pollution")


def test_previous_saves_and_goes_back(client):
    token = new_site(client)
    response = client.post(
        f"/sites/{token}/questionnaire/histoire",
        data={"action": "precedent", "activite_libelle": "tannerie", "bati_nombre": "x"},
    )
    assert response.status_code == 302 and response.location.endswith("/questionnaire/localisation")
    assert site(token).answer_map() == {"activite_libelle": "tannerie"}
    response = client.post(f"/sites/{token}/questionnaire/localisation", data={"action": "precedent"})
    assert response.location.endswith(f"/sites/{token}/localisation")


def test_false_conditions_skip_groups_unknown_ones_ask(client):
    token = new_site(client)
    answers = dict(FULL, bati_nombre="0", icpe="inconnu")
    answer_page(client, f"/sites/{token}/questionnaire/histoire", answers)
    html = client.get(f"/sites/{token}/questionnaire/pollution").get_data(as_text=True)
    assert 'name="site_securite"' in html  # ICPE unknown: asked
    assert "Page 3 sur 9" in html  # the buildings page is no longer counted
    response = answer_page(client, f"/sites/{token}/questionnaire/pollution", answers)
    assert response.location.endswith("/questionnaire/occupation")  # buildings skipped
    response = client.get(f"/sites/{token}/questionnaire/batiments")
    assert response.status_code == 302 and response.location.endswith("/questionnaire/occupation")


def test_summary_edit_and_hidden_answers(client):
    token = new_site(client)
    answer_page(client, f"/sites/{token}/questionnaire/histoire", FULL)
    answer_page(client, f"/sites/{token}/questionnaire/batiments", FULL)
    html = client.get(f"/sites/{token}/synthese").get_data(as_text=True)
    edit = f"/sites/{token}/questionnaire/histoire?retour=synthese#question-bati_nombre"
    assert edit.replace("&", "&amp;") in html
    # The user now says there is no building: building answers are kept but ignored.
    page = client.get(f"/sites/{token}/questionnaire/histoire?retour=synthese").get_data(as_text=True)
    assert 'name="retour" value="synthese"' in page
    response = client.post(
        f"/sites/{token}/questionnaire/histoire",
        data={"retour": "synthese", "site_type": "friche industrielle", "bati_nombre": "0"},
    )
    assert response.location.endswith("/synthese")
    html = client.get(response.location).get_data(as_text=True)
    assert "Réponses conservées mais non prises en compte" in html
    assert site(token).answer_map()["local_ancien_annee"] == 1950
    ignored = html.split("Réponses conservées mais non prises en compte")[1]
    assert "En quelle année le plus ancien bâtiment a-t-il été construit ?" in ignored


def test_answer_to_a_removed_question_stays_readable(client):
    token = new_site(client)
    s = site(token)
    db.session.add(
        Answer(
            site=s,
            question_id="ancienne_question",
            value="x1",
            question_label="Le site est-il desservi par le tramway ?",
            value_label="Oui, à 200 m",
        )
    )
    db.session.commit()
    html = client.get(f"/sites/{token}/synthese").get_data(as_text=True)
    assert "Réponses à des questions qui n&#39;existent plus" in html or "qui n'existent plus" in html
    assert "Le site est-il desservi par le tramway ?" in html and "Oui, à 200 m" in html


def test_prefilled_answer_is_flagged_and_editable(client):
    token = new_site(client)
    s = site(token)
    db.session.add(
        Answer(
            site=s,
            question_id="urba_doc_type",
            value="PLU",
            value_label="PLU",
            source="Géoportail de l'urbanisme",
        )
    )
    db.session.commit()
    url = f"/sites/{token}/questionnaire/urbanisme"
    html = client.get(url).get_data(as_text=True)
    assert "Pré-rempli depuis Géoportail de l&#39;urbanisme" in html
    assert re.search(r'value="PLU"\s+checked', html)
    summary = client.get(f"/sites/{token}/synthese").get_data(as_text=True)
    assert "pré-rempli depuis" in summary
    client.post(url, data={"urba_doc_type": "PLU", "urba_zone_type": "U"})
    assert (
        Answer.query.filter_by(site_id=s.id, question_id="urba_doc_type").one().source is not None
    )  # confirmed
    client.post(url, data={"urba_doc_type": "PLUI", "urba_zone_type": "U"})
    answer = Answer.query.filter_by(site_id=s.id, question_id="urba_doc_type").one()
    db.session.refresh(answer)
    assert answer.value == "PLUI" and answer.source is None


def test_pages_work_without_javascript(client):
    token = new_site(client)
    html = client.get(f"/sites/{token}/questionnaire/pollution").get_data(as_text=True)
    assert (
        "<details" in html and "Pourquoi cette question ?" in html and "Comment trouver la réponse ?" in html
    )
    assert 'method="post"' in html
    assert "<script>" not in html  # CSP: no inline script
    assert 'class="fr-stepper"' in html
