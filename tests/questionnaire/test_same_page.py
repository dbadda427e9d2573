"""Questions follow the answers on the same page, without JavaScript (Flask client): the server
evaluates visibility with the answers just submitted."""

from __future__ import annotations

import html as htmllib
import json
import re

from app.extensions import db
from app.models import Answer
from tests.questionnaire.test_flow import new_site, site, title

BLOCK = re.compile(r'data-pf-question="([a-z_]+)" data-pf-type="[a-z_]+"( hidden)?>')
NOTICE = "Votre réponse ouvre une question complémentaire ci-dessous"


def shown(html: str) -> list[str]:
    """Questions the page shows (a follow-up carried for the script has the hidden attribute)."""
    return [qid for qid, hidden in BLOCK.findall(html) if not hidden]


def hidden(html: str) -> list[str]:
    return [qid for qid, is_hidden in BLOCK.findall(html) if is_hidden]


def seen_field(html: str) -> str:
    return re.search(r'name="questions_affichees" value="([^"]*)"', html).group(1)


def submit(client, url, data):
    """What a browser without JavaScript sends: the form's hidden fields plus the answers."""
    page = client.get(url).get_data(as_text=True)
    origin = htmllib.unescape(re.search(r'name="_origine" value="([^"]*)"', page).group(1))
    return client.post(url, data={"questions_affichees": seen_field(page), "_origine": origin, **data})


def save(token, **answers):
    s = site(token)
    for qid, value in answers.items():
        db.session.add(Answer(site=s, question_id=qid, value=value))
    db.session.commit()


def test_no_pollution_does_not_require_its_origin(client):
    token = new_site(client)
    url = f"/sites/{token}/questionnaire/pollution"
    page = client.get(url).get_data(as_text=True)
    assert "sol_pollution_origine" in shown(page)  # unknown so far: asked
    response = submit(client, url, {"icpe": "non", "sol_pollution_existe": "pollution inexistante"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.location.endswith("/questionnaire/batiments") or response.location.endswith(
        "/questionnaire/occupation"
    )
    assert site(token).answer_map() == {"icpe": "non", "sol_pollution_existe": "pollution inexistante"}
    # The next page says the answers are saved.
    assert "Vos réponses sont enregistrées." in client.get(response.location).get_data(as_text=True)


def test_a_stale_answer_sent_for_a_follow_up_now_ruled_out_is_not_stored(client):
    token = new_site(client)
    url = f"/sites/{token}/questionnaire/pollution"
    response = submit(
        client,
        url,
        {
            "icpe": "non",
            "sol_pollution_existe": "pollution inexistante",
            "sol_pollution_origine": "autre",  # chosen before « Aucune pollution »
        },
    )
    assert response.status_code == 302
    assert "sol_pollution_origine" not in site(token).answer_map()


def test_owner_commune_and_rnu_on_the_same_page(client):
    token = new_site(client)
    response = submit(client, f"/sites/{token}/questionnaire/proprietaire", {"proprietaire": "commune"})
    assert response.status_code == 302 and response.location.endswith("/questionnaire/urbanisme")
    response = submit(client, f"/sites/{token}/questionnaire/urbanisme", {"urba_doc_type": "RNU"})
    assert response.status_code == 302 and response.location.endswith("/questionnaire/contexte")
    assert site(token).answer_map() == {"proprietaire": "commune", "urba_doc_type": "RNU"}


def test_recent_building_does_not_require_the_asbestos_survey(client):
    token = new_site(client)
    save(token, bati_nombre=2)
    response = submit(
        client,
        f"/sites/{token}/questionnaire/batiments",
        {
            "bati_etat": "dégradation moyenne",
            "local_ancien_annee": "2005",
            "bati_pollution": "sans objet",
            "bati_patrimoine": "aucun",
            "bati_vacance": "vacant",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert "diagnostic_amiante_realise" not in site(token).answer_map()


def test_a_follow_up_that_appears_is_shown_on_the_same_page_with_the_typed_values(client):
    token = new_site(client)
    save(token, bati_nombre=2, local_ancien_annee=2005, bati_pollution=["sans objet"])
    url = f"/sites/{token}/questionnaire/batiments"
    page = client.get(url).get_data(as_text=True)
    assert "diagnostic_amiante_realise" in hidden(page)  # carried for the script, not shown
    assert re.search(r'name="diagnostic_amiante_realise" value="oui" disabled', page)
    response = submit(
        client,
        url,
        {
            "bati_surface": "9 000",
            "bati_etat": "dégradation moyenne",
            "local_ancien_annee": "1960",  # now before 1997: the asbestos survey question opens
            "bati_pollution": "sans objet",
            "bati_patrimoine": "aucun",
            "bati_vacance": "vacant",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # the same page, shown again at once
    assert NOTICE in html
    assert 'class="fr-alert fr-alert--info' in html
    assert '<a href="#question-diagnostic_amiante_realise">' in html
    assert "Vos autres réponses sont enregistrées." in html
    assert "diagnostic_amiante_realise" in shown(html)
    assert "Question complémentaire" in html
    assert not title(html).startswith("Erreur")
    assert "fr-fieldset--error" not in html and "resume-erreurs" not in html  # no error on it
    # Every typed value is kept, as typed.
    assert 'value="9 000"' in html and 'value="1960"' in html
    assert re.search(r'value="dégradation moyenne"\s+checked', html)
    assert re.search(r'value="vacant"\s+checked', html)
    # …and saved: nothing is lost if the user stops here.
    stored = site(token).answer_map()
    assert stored["local_ancien_annee"] == 1960 and stored["bati_surface"] == 9000
    assert "diagnostic_amiante_realise" not in stored
    # The user answers the new question and goes on.
    response = submit(
        client,
        url,
        {
            "bati_surface": "9000",
            "bati_etat": "dégradation moyenne",
            "local_ancien_annee": "1960",
            "bati_pollution": "sans objet",
            "diagnostic_amiante_realise": "non",
            "bati_patrimoine": "aucun",
            "bati_vacance": "vacant",
        },
    )
    assert response.status_code == 302 and response.location.endswith("/questionnaire/occupation")
    assert site(token).answer_map()["diagnostic_amiante_realise"] == "non"


def test_a_follow_up_that_appears_next_to_an_error(client):
    token = new_site(client)
    save(token, proprietaire="commune")
    url = f"/sites/{token}/questionnaire/proprietaire"
    assert shown(client.get(url).get_data(as_text=True)) == ["proprietaire"]
    response = client.post(url, data={"proprietaire": "prive", "questions_affichees": "proprietaire"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Vos réponses ouvrent des questions complémentaires" in html
    assert shown(html) == [
        "proprietaire",
        "proprietaire_liquidation",
        "proprietaire_joignable",
        "proprietaire_vendeur",
    ]
    assert 'aria-invalid="true"' not in html
    assert site(token).answer_map() == {"proprietaire": "prive"}


def test_fields_in_error_are_marked_for_assistive_technologies(client):
    token = new_site(client)
    url = f"/sites/{token}/questionnaire/histoire"
    html = client.post(url, data={"activite_fin_annee": "vers 1990"}).get_data(as_text=True)
    assert re.search(
        r'<input class="fr-input fr-input--error" type="text" id="activite_fin_annee" name="activite_fin_annee"'
        r' value="vers 1990" aria-describedby="activite_fin_annee-messages" aria-invalid="true"',
        html,
    )
    assert 'id="activite_fin_annee-message-error"' in html
    # A required select left empty.
    assert re.search(
        r'<select class="fr-select fr-select--error" id="site_type" name="site_type"'
        r' aria-describedby="site_type-messages" aria-invalid="true"',
        html,
    )
    # A required radio group left empty: fieldset in error, every option marked.
    html_radios = client.post(f"/sites/{token}/questionnaire/occupation", data={}).get_data(as_text=True)
    assert '<fieldset class="fr-fieldset fr-fieldset--error" id="site_occupation"' in html_radios
    radios = re.findall(
        r'<input type="radio" id="site_occupation-\d+" name="site_occupation"[^>]*>', html_radios
    )
    assert len(radios) > 2 and all('aria-invalid="true"' in r for r in radios)
    assert 'aria-describedby="site_occupation-messages"' in radios[0]
    # Fields without an error are not marked.
    assert (
        'id="bati_nombre" name="bati_nombre" value="" aria-describedby="bati_nombre-messages" inputmode'
        in html
    )


def test_page_wording_buttons_breadcrumb_and_mandatory_notice(client):
    token = new_site(client)
    html = client.get(f"/sites/{token}/questionnaire/pollution").get_data(as_text=True)
    assert title(html).startswith("Pollution et installations classées — Page 3 sur 10 du questionnaire")
    stepper = html.split('class="fr-stepper"')[1].split('id="mention-obligatoire"')[0]
    assert "Page 3 sur 10" in stepper and "Page suivante :" in stepper and "tape" not in stepper
    assert "Tous les champs sont obligatoires sauf mention contraire." in html
    assert "(facultatif)" in html.split('id="question-site_securite"')[1].split("</legend>")[0]
    assert "(facultatif)" not in html.split('id="question-icpe"')[1].split("</legend>")[0]
    # « Précédent » on the left, « Suivant » with its arrow on the right; Enter means « Suivant ».
    group = html.split(
        '<ul class="fr-btns-group fr-btns-group--inline fr-btns-group--between fr-btns-group--icon-right">'
    )[1]
    group = group.split("</ul>")[0]
    assert group.index("Précédent") < group.index("Suivant")
    assert "fr-icon-arrow-right-line fr-btn--icon-right" in group
    form = html.split("<form")[1]
    assert form.index('value="suivant" hidden') < form.index('value="precedent"')
    # Breadcrumb: home › site › questionnaire › this page.
    crumbs = re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]+)</a>', html)
    assert crumbs == ["Accueil", "Mon site", "Questionnaire", "Pollution et installations classées"]


def test_summary_has_a_breadcrumb_and_no_etape_word(client):
    token = new_site(client)
    html = client.get(f"/sites/{token}/synthese").get_data(as_text=True)
    crumbs = re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]+)</a>', html)
    assert crumbs == ["Accueil", "Mon site", "Synthèse de vos réponses"]


def test_the_page_carries_the_yaml_rules_for_the_script(client):
    token = new_site(client)
    save(token, bati_nombre=2)
    html = client.get(f"/sites/{token}/questionnaire/batiments").get_data(as_text=True)
    rules = json.loads(htmllib.unescape(re.search(r'data-pf-regles="([^"]*)"', html).group(1)))
    assert rules["conditions"]["diagnostic_amiante_realise"] == {
        "une de ces conditions": [
            {"question": "local_ancien_annee", "au plus": 1997},
            {"question": "bati_pollution", "contient": "amiante"},
        ]
    }
    # fingerprinted name (app/assets.py)
    assert re.search(r'<script src="/static/js/questionnaire\.[0-9a-f]{12}\.js" defer></script>', html)


def test_success_alert_after_going_back(client):
    token = new_site(client)
    response = client.post(
        f"/sites/{token}/questionnaire/histoire", data={"action": "precedent", "activite_libelle": "x"}
    )
    html = client.get(response.location).get_data(as_text=True)
    assert "fr-alert--success" in html and "Vos réponses sont enregistrées." in html


def test_a_follow_up_that_opens_while_another_answer_is_wrong(client):
    token = new_site(client)
    save(token, bati_nombre=2, local_ancien_annee=2005, bati_pollution=["sans objet"])
    response = submit(
        client,
        f"/sites/{token}/questionnaire/batiments",
        {"bati_surface": "beaucoup", "local_ancien_annee": "1960", "bati_etat": "autre"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and title(html).startswith("Erreur : ")
    assert NOTICE in html and "Vos autres réponses sont enregistrées." not in html
    errors = html.split('id="resume-erreurs"')[1].split("</ul>")[0]
    assert "surface de plancher" in errors
    assert "amiante" not in errors  # the question just opened is not in error
    assert 'value="beaucoup"' in html
    assert site(token).answer_map()["local_ancien_annee"] == 1960
