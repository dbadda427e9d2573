"""The site dashboard: path progress with French agreement, the next actions, the breadcrumb,
the buttons to keep the private link (with words; « Copier le lien » hidden without
JavaScript), the PDF summary link, and acronyms linked to the glossary."""

from __future__ import annotations

import re
from urllib.parse import unquote

from app.synthese.pdf import summary_for
from tests.synthese.journey import loos_site, minimal_site


def dashboard(client, site) -> str:
    response = client.get(f"/sites/{site.token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True).replace("\u00a0", " ")


def test_path_progress_with_agreement_and_next_step(client, app):
    for done, words in (
        (0, "0 étape sur {n} faite"),
        (1, "1 étape sur {n} faite"),
        (4, "4 étapes sur {n} faites"),
    ):
        site = loos_site(done=done)
        summary, _ = summary_for(site)
        html = dashboard(client, site)
        assert words.format(n=summary.total) + " — prochaine : " in html
        assert summary.next_title.replace("'", "&#39;") in html


def test_next_actions_link_to_their_step_pages(client, app):
    site = loos_site(done=1)
    summary, _ = summary_for(site)
    html = dashboard(client, site)
    assert "Vos prochaines actions" in html
    for action in summary.actions:
        assert f'href="/sites/{site.token}/parcours/etapes/{action.step_id}"' in html


def test_breadcrumb_and_pdf_link(client, app):
    site = loos_site()
    html = dashboard(client, site)
    assert 'class="fr-breadcrumb' in html and 'aria-current="page">Ancienne tôlerie</a>' in html
    assert f'href="/sites/{site.token}/synthese.pdf"' in html and "Télécharger la synthèse (PDF)" in html


def test_link_buttons_have_words_and_copy_is_hidden_without_javascript(client, app):
    site = minimal_site()
    html = dashboard(client, site)
    copy = re.search(r"<p[^>]*data-copier-conteneur[^>]*>.*?</p>", html, re.S).group(0)
    assert " hidden>" in copy.split(">", 1)[0] + ">" and "Copier le lien</button>" in copy
    mailto = re.search(r'href="(mailto:[^"]+)"[^>]*>([^<]+)</a>', html)
    assert mailto.group(2) == "M'envoyer le lien par courriel"
    link = unquote(mailto.group(1).replace("&amp;", "&"))
    assert "subject=Parcours Friches : lien du dossier" in link
    assert (
        f"body=Voici le lien personnel du dossier « mon site » sur Parcours Friches :\nhttp://localhost/sites/{site.token}"
        in link
    )


def test_acronyms_are_linked_to_the_glossary_once(client, app):
    html = dashboard(client, loos_site())
    links = re.findall(r'href="/glossaire#([a-z-]+)"', html)
    assert links and len(links) == len(set(links))
    ddtm = '<abbr title="Direction départementale des territoires (et de la mer dans les départements littoraux)">DDTM</abbr>'
    assert html.count(ddtm) == 1 and "DDTM — Pas-de-Calais" in html  # later uses stay plain


def test_site_creation_confirms_with_a_success_alert(client, app):
    response = client.post("/sites", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'class="fr-alert fr-alert--success' in html and "Votre site est créé" in html
