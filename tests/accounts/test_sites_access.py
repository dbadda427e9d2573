"""Sites without an account, attachment, roles, invitations, the action log."""

from __future__ import annotations

import html

from app.accounts.models import Invitation, SiteActivity, SiteMember
from app.models import Site

from .conftest import login, new_site


def test_a_site_without_account_works_with_its_link_alone(client):
    token = new_site(client)
    assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
    stranger = client.application.test_client()  # anyone with the link, no account
    assert stranger.get(f"/sites/{token}").status_code == 200
    assert stranger.get(f"/sites/{token}/acces").status_code == 200
    response = stranger.post(f"/sites/{token}/questionnaire/site", data={})
    assert response.status_code != 403


def test_regenerating_the_link_revokes_the_old_one(client):
    token = new_site(client)
    response = client.post(f"/sites/{token}/lien/regenerer")
    assert response.status_code == 303
    new = response.location.split("/")[2]
    assert new != token and len(new) >= 22
    assert client.get(f"/sites/{token}").status_code == 404
    assert client.get(f"/sites/{token}/parcours").status_code == 404
    page = client.get(f"/sites/{new}")
    assert page.status_code == 200
    assert f"/sites/{new}" in html.unescape(page.text)  # the new link is shown once


def test_a_site_started_while_logged_in_is_the_accounts_at_once(client, smtp):
    login(client, smtp, "maire@commune.fr")
    token = new_site(client)
    member = SiteMember.query.one()
    assert member.role == "proprietaire" and member.account.email == "maire@commune.fr"
    assert Site.query.one().token == token
    assert f"/sites/{token}" in client.get("/mes-sites").text
    stranger = client.application.test_client()  # the link alone no longer opens it
    assert stranger.get(f"/sites/{token}").status_code == 302
    log = SiteActivity.query.one()
    assert log.kind == "rattachement" and "maire@commune.fr" not in log.text


def test_attaching_needs_a_login_then_makes_the_account_owner(client, smtp):
    token = new_site(client)
    response = client.post(f"/sites/{token}/rattacher")
    assert response.status_code == 303 and "/connexion" in response.location
    login(client, smtp, "marie@commune.fr", next_url=f"/sites/{token}")
    assert client.post(f"/sites/{token}/rattacher").status_code == 303
    member = SiteMember.query.one()
    assert member.role == "proprietaire" and member.account.email == "marie@commune.fr"
    assert "Marie" not in SiteActivity.query.one().text  # the author is shown from the account
    # the link alone no longer opens the site
    anonymous = client.application.test_client()
    response = anonymous.get(f"/sites/{token}/parcours")
    assert response.status_code == 302 and "/connexion" in response.location
    assert (
        anonymous.post(f"/sites/{token}/parcours/etapes/x/statut", data={"statut": "fait"}).status_code == 404
    )


def _owner_with_site(client, smtp, email="owner@commune.fr") -> str:
    login(client, smtp, email)
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    return token


def _invite_and_accept(app, client, smtp, token, email, role):
    response = client.post(f"/sites/{token}/acces/inviter", data={"email": email, "role": role})
    assert response.status_code == 303, response.text
    link = smtp.link_for(email)
    path = "/" + link.split("/", 3)[3]
    guest = app.test_client()
    page = guest.get(path)
    assert page.status_code == 200 and "Se connecter pour accepter" in page.text
    login(guest, smtp, email, next_url=path)
    assert guest.post(path).status_code == 303
    return guest


def test_invitation_accepted_by_the_invited_address_only(app, client, smtp):
    token = _owner_with_site(client, smtp)
    client.post(f"/sites/{token}/acces/inviter", data={"email": "paul@epci.fr", "role": "editeur"})
    path = "/" + smtp.link_for("paul@epci.fr").split("/", 3)[3]
    assert Invitation.query.one().token_hash not in path  # stored hashed

    intruder = app.test_client()
    login(intruder, smtp, "intrus@ailleurs.fr")
    assert intruder.post(path).status_code == 403
    assert intruder.get(f"/sites/{token}").status_code == 404

    paul = app.test_client()
    login(paul, smtp, "paul@epci.fr", next_url=path)
    assert paul.post(path).status_code == 303
    assert paul.get(f"/sites/{token}").status_code == 200
    assert paul.get(path).status_code == 404  # an invitation works once
    roles = {m.account.email: m.role for m in SiteMember.query.all()}
    assert roles == {"owner@commune.fr": "proprietaire", "paul@epci.fr": "editeur"}


def test_reader_cannot_write_on_any_site_route(app, client, smtp):
    token = _owner_with_site(client, smtp)
    reader = _invite_and_accept(app, client, smtp, token, "lea@commune.fr", "lecteur")
    assert reader.get(f"/sites/{token}").status_code == 200
    assert reader.get(f"/sites/{token}/parcours").status_code == 200
    writes = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/sites/<token>") and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(writes) >= 8
    for rule in writes:
        url = rule.rule.replace("<token>", token)
        for name in rule.arguments - {"token"}:
            url = url.replace(f"<{name}>", "x").replace(f"<int:{name}>", "1")
        if "remove_member" in rule.endpoint:
            continue  # a reader may leave the site (tested below)
        response = reader.post(
            url, data={"statut": "fait", "role": "proprietaire", "email": "x@y.fr", "confirmation": "oui"}
        )
        assert response.status_code in (403, 404), (rule.rule, response.status_code)
    assert Site.query.filter_by(token=token).one().steps == []
    assert SiteMember.query.count() == 2 and Invitation.query.count() == 0


def test_editor_writes_and_the_log_names_them(app, client, smtp, content):
    token = _owner_with_site(client, smtp)
    editor = _invite_and_accept(app, client, smtp, token, "marie@commune.fr", "editeur")
    editor.post("/compte", data={"nom": "Marie"})
    step = content.catalogs.steps[0]
    response = editor.post(f"/sites/{token}/parcours/etapes/{step.id}/statut", data={"statut": "fait"})
    assert response.status_code == 303
    page = client.get(f"/sites/{token}/acces")
    text = html.unescape(page.text)
    assert f"Marie a marqué l'étape « {step.title} » faite" in text
    assert "marie@commune.fr" in text  # the owner sees who has access
    # an editor cannot manage people
    assert (
        editor.post(f"/sites/{token}/acces/inviter", data={"email": "z@z.fr", "role": "lecteur"}).status_code
        == 403
    )


def test_the_last_owner_cannot_leave_or_be_demoted(client, smtp):
    token = _owner_with_site(client, smtp)
    member = SiteMember.query.one()
    client.post(f"/sites/{token}/acces/{member.id}/role", data={"role": "lecteur"})
    client.post(f"/sites/{token}/acces/{member.id}/retirer")
    assert SiteMember.query.one().role == "proprietaire"


def test_a_reader_can_leave(app, client, smtp):
    token = _owner_with_site(client, smtp)
    reader = _invite_and_accept(app, client, smtp, token, "lea@commune.fr", "lecteur")
    own = SiteMember.query.filter(SiteMember.role == "lecteur").one()
    assert reader.post(f"/sites/{token}/acces/{own.id}/retirer").status_code == 303
    assert reader.get(f"/sites/{token}").status_code == 404


def test_a_bad_invitation_address_gets_a_french_message_and_is_kept(client, smtp):
    token = _owner_with_site(client, smtp)
    response = client.post(f"/sites/{token}/acces/inviter", data={"email": "paul@", "role": "lecteur"})
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "Saisissez l'adresse électronique de la personne à inviter" in text
    assert 'value="paul@"' in text
    assert Invitation.query.count() == 0


def test_a_reader_is_offered_no_tracking_form_and_an_editor_is(app, client, smtp, content):
    token = _owner_with_site(client, smtp)
    reader = _invite_and_accept(app, client, smtp, token, "lea@commune.fr", "lecteur")
    editor = _invite_and_accept(app, client, smtp, token, "paul@epci.fr", "editeur")
    step = content.catalogs.steps[0]
    tracking = f'action="/sites/{token}/parcours/etapes/{step.id}/statut"'
    detail_form = f'action="/sites/{token}/parcours/etapes/{step.id}"'
    for _ in range(2):  # the second time from the page cache, for the editor
        assert tracking in editor.get(f"/sites/{token}/parcours").text
        assert tracking not in reader.get(f"/sites/{token}/parcours").text
    own = editor.get(f"/sites/{token}/parcours/etapes/{step.id}").text
    assert detail_form in own and f"/sites/{token}/avis" in own
    page = reader.get(f"/sites/{token}/parcours/etapes/{step.id}")
    assert page.status_code == 200 and "Suivi de l'étape" in page.text
    assert detail_form not in page.text and f"/sites/{token}/avis" not in page.text
    assert tracking in client.get(f"/sites/{token}/parcours").text  # the owner, after the reader
