"""What the account pages tell people: times in French time, a page that names its site, an
editor told who can share, an empty filter that says so, a way to start a new site."""

from __future__ import annotations

import html
from datetime import datetime

from app.accounts.models import SiteActivity
from app.extensions import db
from app.models import Site

from .conftest import login, new_site


def _owner_with_site(client, smtp, email="marie@commune.fr") -> str:
    login(client, smtp, email)
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    return token


def test_the_action_log_reads_in_french_time_not_utc(client, smtp):
    token = _owner_with_site(client, smtp)
    entry = SiteActivity.query.one()
    entry.created_at = datetime(2026, 7, 14, 10, 5)  # stored in UTC: 12 h 05 in Paris (summer)
    db.session.commit()
    text = html.unescape(client.get(f"/sites/{token}/acces").text)
    assert "14 juillet 2026 à 12\u00a0h\u00a005" in text
    assert "(UTC)" not in text


def test_the_access_page_names_its_site_and_the_link_button_says_what_it_does(client, smtp):
    token = _owner_with_site(client, smtp)
    site = Site.query.filter_by(token=token).one()
    site.nom = "Ancienne filature du Moulin"
    db.session.commit()
    text = html.unescape(client.get(f"/sites/{token}/acces").text)
    assert '<p class="fr-text--lead">Ancienne filature du Moulin</p>' in text
    assert "Changer le lien du site" in text and "Régénérer" not in text


def test_an_editor_is_not_told_they_can_share_with_advisers(app, client, smtp):
    token = _owner_with_site(client, smtp)
    client.post(f"/sites/{token}/acces/inviter", data={"email": "paul@epci.fr", "role": "editeur"})
    path = "/" + smtp.link_for("paul@epci.fr").split("/", 3)[3]
    paul = app.test_client()
    login(paul, smtp, "paul@epci.fr", next_url=path)
    paul.post(path)
    text = html.unescape(paul.get(f"/sites/{token}/acces").text)
    assert "Un propriétaire du site peut le partager" in text
    assert "Vous pouvez partager ce site" not in text and "partage-conseillers" not in text
    owner = html.unescape(client.get(f"/sites/{token}/acces").text)
    assert "Vous pouvez partager ce site" in owner and "partage-conseillers" in owner


def test_my_sites_says_when_no_site_matches_and_offers_a_new_site(client, smtp):
    _owner_with_site(client, smtp)
    listed = html.unescape(client.get("/mes-sites").text)
    assert 'action="/sites"' in listed and "Commencer un nouveau site" in listed
    empty = html.unescape(client.get("/mes-sites?q=introuvable").text)
    assert "Aucun de vos 1 site ne correspond à ces critères" not in empty  # grammar of one
    assert "Aucun site ne correspond à ces critères" in empty
    assert "Effacer les filtres" in empty and "<table" not in empty


def test_an_empty_message_to_advisers_is_refused_next_to_the_text_area(client, smtp):
    token = _owner_with_site(client, smtp)
    client.post(f"/sites/{token}/partage-conseillers", data={"actif": "oui"})
    response = client.post(f"/sites/{token}/commentaires", data={"commentaire": "   "})
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert 'id="commentaire-erreur"' in text and "Écrivez votre message." in text
    assert 'aria-invalid="true"' in text
    too_long = client.post(f"/sites/{token}/commentaires", data={"commentaire": "x" * 5001})
    assert too_long.status_code == 422 and "x" * 5001 in too_long.text  # what was typed is kept
    assert SiteActivity.query.filter_by(kind="commentaire").count() == 0


def test_an_account_that_is_not_an_adviser_is_told_how_to_become_one(client, smtp):
    login(client, smtp, "agent@ddt62.gouv.fr")
    response = client.get("/conseiller")
    assert response.status_code == 404  # nothing to see, as before
    text = html.unescape(response.text)
    assert "Page réservée aux conseillers" in text and "l'équipe du service inscrit les conseillers" in text


def test_an_invitation_says_what_the_role_allows_and_how_to_switch_account(app, client, smtp):
    token = _owner_with_site(client, smtp)
    client.post(f"/sites/{token}/acces/inviter", data={"email": "paul@epci.fr", "role": "lecteur"})
    path = "/" + smtp.link_for("paul@epci.fr").split("/", 3)[3]
    anonymous = html.unescape(app.test_client().get(path).text)
    assert "vous pourrez consulter le site, sans le modifier" in anonymous
    other = app.test_client()
    login(other, smtp, "lea@commune.fr")
    wrong = other.get(path)
    assert wrong.status_code == 403
    text = html.unescape(wrong.text)
    assert "Cette invitation a été envoyée à une autre adresse" in text
    assert 'action="/deconnexion"' in text.split("<main", 1)[1] and "Me déconnecter" in text
