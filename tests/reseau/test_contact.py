"""The contact form of a projet inspirant, relayed by the service, without JavaScript: a reader
writes on the project page, the message waits in the team's moderation queue, and only once
approved is it e-mailed to the site's owners with Reply-To = the reader; the owners' address is
never shown to the reader, and the reader's name and address are erased once the message is
relayed, rejected or too old. A real SMTP server (aiosmtpd, tests/accounts/conftest.py)
receives the mail."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from app.accounts.models import Account, SiteMember
from app.extensions import db
from app.models import utcnow
from app.reseau import service
from app.reseau.cli import moderation
from app.reseau.models import MessageContact, ProjetInspirant
from tests.accounts.conftest import login, mail_config, smtp  # noqa: F401 (fixture)
from tests.conftest import app_in_context, empty_database, make_app
from tests.reseau.test_projets_inspirants import make_site

OWNER = "maire@commune-exemple.fr"
READER = "agent.urbanisme@ville-voisine.fr"
MESSAGE = {
    "nom": "Camille Martin",
    "email": READER,
    "organisation": "Ville voisine",
    "message": "Bonjour, comment avez-vous convaincu l'établissement public foncier ?",
}


@pytest.fixture
def app(database_url, _schema, smtp):  # noqa: F811
    app = make_app(database_url, **mail_config(smtp))
    yield from app_in_context(app)


def project(owner: str | None = OWNER, statut: str = "publie", **site) -> ProjetInspirant:
    s = make_site(**site)
    if owner:
        account = Account(email=owner)
        db.session.add(account)
        db.session.flush()
        db.session.add(SiteMember(site_id=s.id, account_id=account.id, role="proprietaire"))
    projet = ProjetInspirant(
        site_id=s.id,
        titre="Une filature devenue logements",
        recit="Un récit.",
        usage="habitat",
        surface_m2=s.surface_m2,
        departement_code=s.departement_code,
        region_code=s.region_code,
    )
    if statut == "publie":
        service.approve(projet)
    else:
        projet.statut = statut
    db.session.add(projet)
    db.session.commit()
    return projet


def url(projet: ProjetInspirant) -> str:
    return f"/projets-inspirants/{projet.public_id}"


def test_form_errors_keep_everything_typed(client):
    projet = project()
    page = client.get(url(projet)).get_data(as_text=True)
    assert 'id="contact-titre"' in page and f'action="{url(projet)}/contact#contact"' in page
    assert 'autocomplete="email"' in page and 'name="site_internet"' in page

    typed = {**MESSAGE, "email": "camille.martin", "message": "Bonjour"}
    response = client.post(url(projet) + "/contact", data=typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Le formulaire contient 2 erreurs" in html
    assert "Cette adresse électronique n&#39;est pas valide" in html
    assert "Écrivez votre message (10 caractères au moins)" in html
    assert 'aria-invalid="true"' in html and 'href="#contact-email"' in html
    assert 'value="Camille Martin"' in html and 'value="camille.martin"' in html
    assert 'value="Ville voisine"' in html and ">Bonjour</textarea>" in html
    too_long = client.post(url(projet) + "/contact", data={**MESSAGE, "message": "x" * 3001})
    assert too_long.status_code == 400
    assert "ne doit pas dépasser 3000 caractères (actuellement 3001)" in too_long.get_data(as_text=True)
    assert MessageContact.query.count() == 0


def test_honeypot_stores_nothing_and_answers_as_usual(client, smtp):  # noqa: F811
    projet = project()
    response = client.post(
        url(projet) + "/contact", data={**MESSAGE, "site_internet": "https://spam.example"}
    )
    assert response.status_code == 303 and response.location.endswith("#contact")
    assert "Votre message est envoyé" in client.get(response.location).get_data(as_text=True)
    assert MessageContact.query.count() == 0 and smtp.messages == []


def test_message_waits_for_moderation_then_reaches_the_owner_only(client, runner, smtp, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    projet = project()
    responses = [client.get(url(projet))]
    responses.append(client.post(url(projet) + "/contact", data=MESSAGE))
    assert responses[-1].status_code == 303
    responses.append(client.get(responses[-1].location))
    # the thanks sit in the contact section, where the browser lands (#contact), not at the top
    landed = responses[-1].get_data(as_text=True)
    section = landed[landed.index('id="contact"') :]
    assert "Votre message est envoyé" in section and "fait suivre au porteur du projet" in section
    assert "Votre message est envoyé" not in client.get(url(projet)).get_data(as_text=True)  # said once

    # Stored, waiting: nothing is mailed before the team approves it.
    message = MessageContact.query.one()
    assert (message.statut, message.email, message.nom) == ("en_attente", READER, "Camille Martin")
    assert smtp.messages == []
    listed = runner.invoke(moderation, ["messages", "list"])
    assert (
        f"[{message.id}]" in listed.output and READER in listed.output and MESSAGE["message"] in listed.output
    )
    assert "1 message(s) de lecteurs à relire" in runner.invoke(moderation, ["list"]).output

    approved = runner.invoke(moderation, ["messages", "approve", str(message.id)])
    assert approved.exit_code == 0, approved.output
    (mail,) = smtp.messages
    assert mail["to"] == [OWNER]
    assert mail["reply_to"] == f"Camille Martin <{READER}>"
    assert "Un message à propos de votre projet « Une filature devenue logements »" == mail["subject"]
    assert MESSAGE["message"] in mail["body"] and "Ville voisine" in mail["body"]
    assert f"http://localhost{url(projet)}" in mail["body"]

    # Relayed, then erased: only the outcome remains.
    db.session.expire_all()
    message = db.session.get(MessageContact, message.id)
    assert message.statut == "relaye" and message.traite_le is not None
    assert (message.nom, message.email, message.organisation, message.texte) == (None, None, None, None)
    assert runner.invoke(moderation, ["messages", "approve", str(message.id)]).exit_code != 0

    # The reader never saw the owner's address, before or after; no log line holds the reader's.
    responses.append(client.get(url(projet)))
    for response in responses:
        assert OWNER not in response.get_data(as_text=True)
        assert OWNER not in str(response.headers)
    # (aiosmtpd, the test's mail server, logs what it receives under « mail.log »: not ours)
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail"))
    assert "reseau: message" in ours
    assert READER not in ours and "Camille Martin" not in ours and OWNER not in ours


def test_every_owner_receives_the_message(client, runner, smtp):  # noqa: F811
    projet = project()
    second = Account(email="adjoint@commune-exemple.fr")
    db.session.add(second)
    db.session.flush()
    db.session.add(SiteMember(site_id=projet.site_id, account_id=second.id, role="proprietaire"))
    db.session.add(Account(email="lecteur@commune-exemple.fr"))
    db.session.commit()
    client.post(url(projet) + "/contact", data=MESSAGE)
    message = MessageContact.query.one()
    assert runner.invoke(moderation, ["messages", "approve", str(message.id)]).exit_code == 0
    assert sorted(m["to"][0] for m in smtp.messages) == ["adjoint@commune-exemple.fr", OWNER]


def test_rejection_erases_the_message_and_sends_nothing(client, runner, smtp):  # noqa: F811
    projet = project()
    client.post(url(projet) + "/contact", data=MESSAGE)
    message = MessageContact.query.one()
    result = runner.invoke(moderation, ["messages", "reject", str(message.id)])
    assert result.exit_code == 0 and "refusé et effacé" in result.output
    db.session.expire_all()
    message = db.session.get(MessageContact, message.id)
    assert message.statut == "refuse"
    assert (message.nom, message.email, message.organisation, message.texte) == (None, None, None, None)
    assert smtp.messages == []
    assert "Aucun message à relire." in runner.invoke(moderation, ["messages", "list"]).output


def test_messages_left_waiting_are_erased_after_the_retention_period(client, runner):
    projet = project()
    client.post(url(projet) + "/contact", data=MESSAGE)
    client.post(url(projet) + "/contact", data={**MESSAGE, "nom": "Dominique"})
    old, recent = MessageContact.query.order_by(MessageContact.id).all()
    old.created_at = utcnow() - timedelta(days=31)
    recent.created_at = utcnow() - timedelta(days=29)
    db.session.commit()
    assert "1 message(s) effacé(s)." in runner.invoke(moderation, ["messages", "purge"]).output
    db.session.expire_all()
    assert (old.statut, old.email, old.texte) == ("expire", None, None)
    assert (recent.statut, recent.nom) == ("en_attente", "Dominique")


def test_no_form_for_a_site_without_owner_account(client, runner, smtp):  # noqa: F811
    projet = project(owner=None)
    html = client.get(url(projet)).get_data(as_text=True)
    assert "Ce projet ne peut pas recevoir de messages" in html
    assert "/contact" not in html and 'name="message"' not in html
    assert client.post(url(projet) + "/contact", data=MESSAGE).status_code == 403
    assert MessageContact.query.count() == 0


def test_a_project_not_published_has_no_contact(client):
    pending = project(statut="en_attente")
    assert client.get(url(pending)).status_code == 404
    assert client.post(url(pending) + "/contact", data=MESSAGE).status_code == 404
    assert MessageContact.query.count() == 0


def test_withdrawing_erases_waiting_messages_and_closes_the_form(client, runner):
    projet = project()
    client.post(url(projet) + "/contact", data=MESSAGE)
    service.withdraw(projet.site)
    db.session.commit()
    assert client.get(url(projet)).status_code == 404
    assert client.post(url(projet) + "/contact", data=MESSAGE).status_code == 404
    message = MessageContact.query.one()
    assert (message.statut, message.email) == ("refuse", None)


def test_owner_turns_messages_off_and_on(client, smtp):  # noqa: F811
    projet = project()
    token = projet.site.token
    other = client.application.test_client()
    other.post(url(projet) + "/contact", data=MESSAGE)
    login(client, smtp, OWNER)
    settings = client.get(f"/sites/{token}/projet-inspirant").get_data(as_text=True)
    assert "Les lecteurs de la page du projet peuvent vous écrire" in settings
    response = client.post(f"/sites/{token}/projet-inspirant", data={"action": "fermer_contact"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ProjetInspirant, projet.id).statut == "publie"  # still published, not re-moderated
    html = other.get(url(projet)).get_data(as_text=True)
    assert "son porteur a choisi de ne pas être contacté" in html and 'name="message"' not in html
    assert other.post(url(projet) + "/contact", data=MESSAGE).status_code == 403
    assert MessageContact.query.one().statut == "refuse"  # the waiting one is erased too
    client.post(f"/sites/{token}/projet-inspirant", data={"action": "ouvrir_contact"})
    assert 'name="message"' in other.get(url(projet)).get_data(as_text=True)


def test_approval_refused_when_the_owner_closed_messages_meanwhile(client, runner, smtp):  # noqa: F811
    projet = project()
    client.post(url(projet) + "/contact", data=MESSAGE)
    message = MessageContact.query.one()
    projet.contact_ouvert = False
    db.session.commit()
    result = runner.invoke(moderation, ["messages", "approve", str(message.id)])
    assert result.exit_code != 0 and "ne reçoit plus de messages" in result.output
    assert smtp.messages == [] and db.session.get(MessageContact, message.id).statut == "en_attente"


def test_contact_form_is_rate_limited(database_url, _schema, smtp):  # noqa: F811
    limited = make_app(
        database_url, RATELIMIT_ENABLED=True, RATELIMIT_CONTACT="2/minute", **mail_config(smtp)
    )
    client = limited.test_client()
    with limited.app_context():
        target = url(project())
    try:
        codes = [
            client.post(target + "/contact", data={**MESSAGE, "message": ""}).status_code for _ in range(3)
        ]
        assert codes == [400, 400, 429]
    finally:
        with limited.app_context():
            empty_database()


def test_deleting_the_site_deletes_its_project_and_the_messages_to_it(client):
    from app.accounts.rgpd import delete_site

    projet = project()
    client.post(url(projet) + "/contact", data=MESSAGE)
    delete_site(projet.site)
    db.session.commit()
    assert MessageContact.query.count() == 0 and ProjetInspirant.query.count() == 0
