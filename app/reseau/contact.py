"""Readers' messages to the owners of a projet inspirant, relayed by the service.

A reader writes on the project's public page; the message waits in the team's moderation queue
(`flask moderation messages …`); once approved it is e-mailed to the site's owner accounts with
``Reply-To`` set to its author. The owners' addresses are never shown to the reader — nothing is
ever sent to the reader — and the author's name, address, organisation and text are erased as
soon as the message is relayed or rejected, and at the latest after :data:`RETENTION_DAYS`.
Nothing of it is logged (ids only) or counted in the statistics. The caller commits.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.headerregistry import Address

from app.extensions import db
from app.models import utcnow
from app.reseau.models import MessageContact, ProjetInspirant

MESSAGE_MIN, MESSAGE_MAX = 10, 3000
NAME_MAX = ORGANISATION_MAX = 120
RETENTION_DAYS = 30
HONEYPOT = "site_internet"  # a field people never see nor fill

_SPACES = re.compile(r"\s+")


class CannotRelay(Exception):
    """The message cannot be relayed (French reason for the team)."""


def owner_emails(projet: ProjetInspirant) -> list[str]:
    """The addresses of the site's « propriétaire » accounts (never shown to anyone)."""
    from app.accounts.models import Account, SiteMember

    rows = (
        db.session.query(Account.email)
        .join(SiteMember, SiteMember.account_id == Account.id)
        .filter(SiteMember.site_id == projet.site_id, SiteMember.role == "proprietaire")
        .order_by(Account.id)
    )
    return [email for (email,) in rows]


def availability(projet: ProjetInspirant) -> str:
    """``ouvert`` (the form is shown), ``ferme`` (the owner turned messages off),
    ``sans_proprietaire`` (the site belongs to no account: nobody to relay to) or
    ``non_publie``."""
    if projet.statut != "publie":
        return "non_publie"
    if not projet.contact_ouvert:
        return "ferme"
    from app.accounts.models import SiteMember

    if SiteMember.query.filter_by(site_id=projet.site_id, role="proprietaire").first() is None:
        return "sans_proprietaire"
    return "ouvert"


def _line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def validate(form) -> tuple[dict, dict]:
    """(values as typed, trimmed; errors by field, in French)."""
    from app.accounts.service import normalize_email

    values = {
        "nom": _line(form.get("nom") or ""),
        "email": (form.get("email") or "").strip(),
        "organisation": _line(form.get("organisation") or ""),
        "message": (form.get("message") or "").strip().replace("\r\n", "\n"),
    }
    errors = {}
    if not values["nom"]:
        errors["nom"] = "Indiquez votre nom : le porteur du projet saura à qui il répond."
    elif len(values["nom"]) > NAME_MAX:
        errors["nom"] = f"Votre nom ne doit pas dépasser {NAME_MAX} caractères."
    if not values["email"]:
        errors["email"] = (
            "Indiquez l'adresse électronique à laquelle le porteur du projet pourra vous répondre."
        )
    elif normalize_email(values["email"]) is None:
        errors["email"] = (
            "Cette adresse électronique n'est pas valide. Exemple : prenom.nom@mairie-exemple.fr"
        )
    if len(values["organisation"]) > ORGANISATION_MAX:
        errors["organisation"] = (
            f"Le nom de l'organisation ne doit pas dépasser {ORGANISATION_MAX} caractères."
        )
    length = len(values["message"])
    if length < MESSAGE_MIN:
        errors["message"] = (
            f"Écrivez votre message ({MESSAGE_MIN} caractères au moins) : par exemple, la question que "
            "vous voulez poser au porteur du projet."
        )
    elif length > MESSAGE_MAX:
        errors["message"] = (
            f"Votre message ne doit pas dépasser {MESSAGE_MAX} caractères (actuellement {length})."
        )
    return values, errors


def is_bot(form) -> bool:
    """The honeypot field is filled: an automated sender (it is hidden from people)."""
    return bool((form.get(HONEYPOT) or "").strip())


def submit(projet: ProjetInspirant, values: dict) -> MessageContact:
    from app.accounts.service import normalize_email

    message = MessageContact(
        projet_id=projet.id,
        nom=values["nom"],
        email=normalize_email(values["email"]),
        organisation=values["organisation"] or None,
        texte=values["message"],
    )
    db.session.add(message)
    return message


def _erase(message: MessageContact, statut: str, now: datetime | None = None) -> None:
    message.statut = statut
    message.nom = message.email = message.organisation = message.texte = None
    message.traite_le = now or utcnow()


def pending(projet_id: int | None = None):
    query = MessageContact.query.filter_by(statut="en_attente")
    if projet_id is not None:
        query = query.filter_by(projet_id=projet_id)
    return query.order_by(MessageContact.created_at, MessageContact.id)


def reject(message: MessageContact) -> None:
    _erase(message, "refuse")


def drop_pending(projet: ProjetInspirant) -> int:
    """The owner withdrew the project or turned messages off: its waiting messages are erased."""
    count = 0
    for message in pending(projet.id):
        _erase(message, "refuse")
        count += 1
    return count


def purge(now: datetime | None = None) -> int:
    """Erase the messages left waiting more than :data:`RETENTION_DAYS`; returns how many."""
    now = now or utcnow()
    count = 0
    for message in pending().filter(MessageContact.created_at < now - timedelta(days=RETENTION_DAYS)):
        _erase(message, "expire", now)
        count += 1
    return count


def reply_to(message: MessageContact) -> str:
    """``Nom <adresse>`` for the Reply-To header (the bare address if the name will not fit)."""
    assert message.email
    local, _, domain = message.email.partition("@")
    try:
        return str(Address(display_name=message.nom or "", username=local, domain=domain))
    except (ValueError, IndexError):
        return message.email


def compose(message: MessageContact, page_url: str, settings_url: str) -> tuple[str, str]:
    """(subject, body) of the e-mail to the owners."""
    projet = message.projet
    title = _line(projet.titre)
    author = message.nom or "Un lecteur"
    if message.organisation:
        author += f" ({message.organisation})"
    body = "\n".join(
        [
            "Bonjour,",
            "",
            f"{author} a lu la page de votre projet « {title} » sur Parcours Friches et vous écrit :",
            "",
            "-----",
            message.texte or "",
            "-----",
            "",
            f"Pour lui répondre, répondez simplement à ce courriel : votre réponse partira vers {message.email}.",
            "Cette personne ne connaît pas votre adresse électronique ; elle ne la connaîtra que si vous lui répondez.",
            "",
            "L'équipe de Parcours Friches a relu ce message avant de vous le transmettre. Elle n'en garde ni le texte,",
            "ni le nom, ni l'adresse de son auteur.",
            "",
            f"La page publique de votre projet : {page_url}",
            f"Pour ne plus recevoir de messages pour ce projet : {settings_url}",
            "",
        ]
    )
    return f"Un message à propos de votre projet « {title} »", body


def relay(message: MessageContact, page_url: str, settings_url: str) -> int:
    """E-mail the message to every owner of the site, then erase it. Raises :class:`CannotRelay`
    when it cannot go (the message then stays in the queue, untouched) and lets
    :class:`app.mail.MailError` through."""
    from app.mail import send_mail

    if message.statut != "en_attente":
        raise CannotRelay("Ce message a déjà été traité.")
    state = availability(message.projet)
    if state == "non_publie":
        raise CannotRelay("Ce projet n'est plus publié : refusez ce message.")
    if state == "ferme":
        raise CannotRelay("Le porteur ne reçoit plus de messages pour ce projet : refusez ce message.")
    recipients = owner_emails(message.projet)
    if not recipients:
        raise CannotRelay("Ce site n'est rattaché à aucun compte propriétaire : refusez ce message.")
    subject, body = compose(message, page_url, settings_url)
    sender = reply_to(message)
    for to in recipients:
        send_mail(to, subject, body, reply_to=sender, private=True)
    _erase(message, "relaye")
    return len(recipients)
