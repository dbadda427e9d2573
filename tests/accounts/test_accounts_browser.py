"""The collaboration journey in real Chromium: an anonymous start, login by code (read from
the local SMTP server), attaching the site, inviting a collaborator who logs in, accepts and
edits an answer; the owner reads it in the action log and shares the site with the advisers;
a DDT adviser logs in with ProConnect (a local OpenID provider), finds the site in the
territory view and comments; the owner reads the comment. axe-core on every new page."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import run_axe, save_screenshot

pytestmark = pytest.mark.browser


def _log_in(page, smtp, email):
    assert page.locator("h1").inner_text() == "Se connecter"
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_role("button", name="Recevoir un code").click()
    assert page.locator("h1").inner_text() == "Saisir le code reçu"
    page.get_by_label("Code à 6 chiffres").fill(smtp.code_for(email))
    page.get_by_role("button", name="Se connecter").click()


def _no_serious_violation(page, name):
    violations = run_axe(page)
    save_screenshot(page, name)
    assert violations == [], (name, violations)


def test_collaboration_journey(page, browser, smtp, oidc_provider, advisers_file, live_app):
    base = page.base_url
    # anonymous start: the site works with its link alone
    page.goto(base + "/")
    page.get_by_role("button", name="Commencer le parcours de mon site").click()
    token = re.search(r"/sites/([A-Za-z0-9_-]+)/", page.url).group(1)
    page.goto(f"{base}/sites/{token}")
    page.get_by_role("button", name="Rattacher ce site à mon compte").click()

    # login by e-mail code, back to the site, attach it
    _no_serious_violation(page, "comptes-connexion")
    page.get_by_label("Adresse électronique").fill("marie@commune.fr")
    page.get_by_role("button", name="Recevoir un code").click()
    _no_serious_violation(page, "comptes-code")
    page.get_by_label("Code à 6 chiffres").fill(smtp.code_for("marie@commune.fr"))
    page.get_by_role("button", name="Se connecter").click()
    assert page.url == f"{base}/sites/{token}"
    page.get_by_role("button", name="Rattacher ce site à mon compte").click()
    assert "Le site est rattaché à votre compte" in page.content()
    page.get_by_role("link", name="Mes sites").first.click()
    assert page.locator("h1").inner_text() == "Mes sites"
    assert "1 site affiché sur 1" in page.content()
    _no_serious_violation(page, "comptes-mes-sites")
    page.get_by_role("link", name="Mon compte").first.click()
    _no_serious_violation(page, "comptes-compte")
    page.goto(f"{base}/sites/{token}/supprimer")
    _no_serious_violation(page, "comptes-supprimer-site")

    # invite a collaborator
    page.goto(f"{base}/sites/{token}")
    page.get_by_role("link", name="Personnes et accès, journal des actions").click()
    page.get_by_label("Adresse électronique de la personne").fill("paul@epci.fr")
    page.get_by_label("Rôle", exact=True).select_option("editeur")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    assert "Invitation envoyée à paul@epci.fr" in page.content()
    _no_serious_violation(page, "comptes-acces")

    # the collaborator, in another browser, logs in, accepts and edits an answer
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    paul = context.new_page()
    paul.goto(smtp.link_for("paul@epci.fr"))
    _no_serious_violation(paul, "comptes-invitation")
    paul.get_by_role("link", name="Se connecter pour accepter").click()
    _log_in(paul, smtp, "paul@epci.fr")
    paul.get_by_role("button", name="Accepter l'invitation").click()
    assert paul.url == f"{base}/sites/{token}"
    assert "Vous avez rejoint le site" in paul.content()
    paul.goto(f"{base}/sites/{token}/questionnaire/histoire")
    paul.get_by_label("Quel type de friche est-ce ?").select_option("friche industrielle")
    paul.get_by_role("button", name="Suivant").click()
    assert "/questionnaire/" in paul.url and "histoire" not in paul.url
    context.close()

    # the owner sees who has access and what was done
    page.reload()
    text = page.content()
    assert "paul@epci.fr" in text and "Éditeur" in text
    assert "paul@epci.fr a enregistré la page « Ce que le site a été » du questionnaire" in text
    assert "paul@epci.fr a rejoint le site comme éditeur" in text
    outside = [url for url in page.requests_seen if not url.startswith(base)]
    assert outside == []

    # the site gets a name and a commune, and is shared with the advisers of its territory
    from app.extensions import db
    from app.models import Site

    with live_app.app_context():
        site = Site.query.filter_by(token=token).one()
        site.nom, site.commune_code, site.departement_code = "Ancienne tôlerie", "62528", "62"
        db.session.commit()
    page.get_by_role("button", name="Partager avec les conseillers du territoire").click()
    assert "visible des conseillers" in page.content()

    # a DDT adviser (territories set by the service team) logs in with ProConnect
    advisers_file.write_text(
        "conseillers:\n  - courriel: agent@ddt-62.gouv.fr\n    organisme: DDT du Pas-de-Calais\n"
        "    departements: ['62']\n",
        encoding="utf-8",
    )
    httpx.put(
        f"{oidc_provider}/users/agent-ddt",
        json={"email": "agent@ddt-62.gouv.fr", "given_name": "Agathe", "acr": "eidas1"},
    ).raise_for_status()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    agent = context.new_page()
    # the provider's redirect, the token call and the territory page in one navigation: room
    # for a machine loaded by parallel suites
    agent.set_default_timeout(90_000)
    agent.goto(f"{base}/conseiller")
    agent.get_by_role("link", name="S'identifier avec ProConnect").click()
    agent.get_by_placeholder("sub").fill("agent-ddt")
    agent.get_by_role("button", name="Authorize").click()
    assert agent.url == f"{base}/conseiller"
    _no_serious_violation(agent, "comptes-conseiller")
    # the map of the shared sites: one marker, at the commune (the site has no point yet); its
    # popup's link (which takes the focus) opens the adviser's page of the site
    marker = agent.get_by_role("button", name="Ancienne tôlerie, Loos-en-Gohelle (62528)")
    marker.wait_for()
    assert marker.count() == 1
    assert agent.get_by_role("link", name="Sites de mon territoire").count() >= 1
    marker.click()
    popup = agent.locator(".leaflet-popup")
    assert "Le repère indique la commune" in popup.inner_text()
    popup_link = popup.get_by_role("link", name="Ancienne tôlerie")
    popup_link.wait_for(state="visible")
    assert popup_link.evaluate("link => link === document.activeElement")
    popup_link.click()
    agent.wait_for_url(re.compile(re.escape(base) + r"/conseiller/sites/\d+$"))
    assert agent.locator("h1").inner_text().startswith("Ancienne tôlerie")
    assert "Loos-en-Gohelle" in agent.content()
    _no_serious_violation(agent, "comptes-conseiller-site")
    agent.get_by_label("Votre message").fill("Le fonds vert recyclage foncier vous concerne : appelons-nous.")
    agent.get_by_role("button", name="Publier").click()
    assert "Votre message est publié" in agent.content()
    context.close()

    page.reload()
    assert "agent@ddt-62.gouv.fr" in page.content() and "appelons-nous" in page.content()

    # a read-only link for the council: created, copied from the page, opened without account
    page.get_by_role("button", name="Créer un lien de lecture seule").click()
    page.wait_for_url(re.compile(r"/acces#lecture$"))  # loaded, not only committed
    assert "Le lien de lecture seule est créé" in page.content()
    _no_serious_violation(page, "comptes-acces-lecture")
    link = page.get_by_label("Lien de lecture seule").input_value()
    assert "/lecture/" in link and token not in link
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    reader = context.new_page()
    reader.goto(link)
    assert "Ancienne tôlerie" in reader.content() and "en lecture seule" in reader.content()
    _no_serious_violation(reader, "lecture-site")
    reader.get_by_role("link", name=re.compile("^Voir le parcours")).click()
    assert reader.locator("h1").inner_text().startswith("Parcours de reconversion")
    _no_serious_violation(reader, "lecture-parcours")
    reader.locator(".pf-step__title a").first.click()
    assert "/lecture/" in reader.url and "Suivi de l'étape" in reader.content()
    _no_serious_violation(reader, "lecture-etape")
    assert reader.locator("form, textarea, select").count() == 0
    assert token not in reader.content() and "paul@epci.fr" not in reader.content()
    context.close()

    # a « lecteur » (the mayor's colleague) reads the site: the notice once, the location on a
    # map without edit controls, nothing that writes but « Se déconnecter »
    page.get_by_label("Adresse électronique de la personne").fill("lea@commune.fr")
    page.get_by_label("Rôle", exact=True).select_option("lecteur")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    lea = context.new_page()
    lea.goto(smtp.link_for("lea@commune.fr"))
    lea.get_by_role("link", name="Se connecter pour accepter").click()
    _log_in(lea, smtp, "lea@commune.fr")
    lea.get_by_role("button", name="Accepter l'invitation").click()
    lea.wait_for_url(f"{base}/sites/{token}")
    assert lea.locator("#lecture-seule").count() == 1
    lea.get_by_role("link", name="Localisation du site").click()
    lea.wait_for_url(f"{base}/sites/{token}/localisation")
    assert lea.locator("h1").inner_text() == "Localisation du site"
    lea_marker = lea.get_by_role("button", name="Ancienne tôlerie, Loos-en-Gohelle (62528)")
    lea_marker.wait_for()  # drawn by carte-points.js once Leaflet is loaded
    assert lea_marker.count() == 1
    assert lea.locator("#form-localisation, input:not([type=hidden]), textarea, select").count() == 0
    # « Se déconnecter » only (the DSFR copies the header tools into the mobile menu)
    actions = lea.locator("form[method=post]").evaluate_all("forms => forms.map(f => f.action)")
    assert actions and {a.removeprefix(base) for a in actions} == {"/deconnexion"}
    _no_serious_violation(lea, "lecteur-localisation")
    context.close()
