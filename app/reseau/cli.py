"""`flask moderation list|approve|reject`: the service team's queue of projets inspirants;
`flask moderation messages list|approve|reject|purge`: readers' messages to their owners."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.reseau import contact, service
from app.reseau.models import STATUSES, MessageContact, ProjetInspirant


@click.group("moderation")
def moderation() -> None:
    """File de modération des projets inspirants."""


@moderation.command("list")
@click.option("--tous", is_flag=True, help="Tous les projets, pas seulement ceux à relire.")
@with_appcontext
def list_command(tous: bool) -> None:
    """Projets en attente de relecture et projets signalés par des lecteurs."""
    query = ProjetInspirant.query.order_by(ProjetInspirant.updated_at)
    rows = query.all() if tous else [p for p in query if p.statut == "en_attente" or p.signalements]
    waiting = contact.pending().count()
    if waiting:
        click.echo(f"{waiting} message(s) de lecteurs à relire : flask moderation messages list")
    if not rows:
        click.echo("Aucun projet à relire.")
        return
    for p in rows:
        flag = f" — signalé {p.signalements} fois" if p.signalements else ""
        click.echo(f"[{p.id}] {STATUSES[p.statut]}{flag} — {p.titre}")
        for label, text in (
            ("Récit", p.recit),
            ("Financements", p.financements),
            ("Enseignements", p.enseignements),
        ):
            if text:
                click.echo(f"    {label} : {text}")


def _get(projet_id: int) -> ProjetInspirant:
    projet = db.session.get(ProjetInspirant, projet_id)
    if projet is None:
        raise click.ClickException(f"Aucun projet n° {projet_id}.")
    return projet


@moderation.command("approve")
@click.argument("projet_id", type=int)
@with_appcontext
def approve_command(projet_id: int) -> None:
    """Publier un projet relu (et remettre à zéro ses signalements)."""
    projet = _get(projet_id)
    if projet.statut == "retire":
        raise click.ClickException("Ce projet a été retiré par son auteur : il ne peut pas être publié.")
    service.approve(projet)
    projet.signalements = 0
    db.session.commit()
    click.echo(f"Projet n° {projet.id} publié.")


@moderation.command("reject")
@click.argument("projet_id", type=int)
@click.option("--motif", required=True, help="Motif, montré à l'auteur sur sa page de publication.")
@with_appcontext
def reject_command(projet_id: int, motif: str) -> None:
    """Refuser ou dépublier un projet, avec un motif."""
    projet = _get(projet_id)
    service.reject(projet, motif.strip())
    db.session.commit()
    click.echo(f"Projet n° {projet.id} refusé.")


@moderation.group("messages")
def messages() -> None:
    """Messages des lecteurs aux porteurs de projets (relayés par le service)."""


def _message(message_id: int) -> MessageContact:
    message = db.session.get(MessageContact, message_id)
    if message is None or message.statut != "en_attente":
        raise click.ClickException(f"Aucun message n° {message_id} en attente.")
    return message


@messages.command("list")
@with_appcontext
def messages_list() -> None:
    """Messages en attente, les plus anciens d'abord (les messages de plus de 30 jours sont effacés)."""
    if contact.purge():
        db.session.commit()
    rows = contact.pending().all()
    if not rows:
        click.echo("Aucun message à relire.")
        return
    for m in rows:
        who = m.nom + (f" ({m.organisation})" if m.organisation else "")
        click.echo(
            f"[{m.id}] {m.created_at:%d/%m/%Y %H:%M} — projet n° {m.projet_id} « {m.projet.titre} » — de {who} <{m.email}>"
        )
        for line in (m.texte or "").split("\n"):
            click.echo(f"    {line}")


@messages.command("approve")
@click.argument("message_id", type=int)
@with_appcontext
def messages_approve(message_id: int) -> None:
    """Transmettre un message aux propriétaires du site (Reply-To : son auteur), puis l'effacer."""
    from app.mail import MailError
    from app.sites.service import public_url

    message = _message(message_id)
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or None):
        projet = message.projet
        urls = (
            public_url("reseau.page", public_id=projet.public_id),
            public_url("reseau.publier", token=projet.site.token),
        )
    try:
        count = contact.relay(message, *urls)
    except contact.CannotRelay as error:
        raise click.ClickException(str(error)) from None
    except MailError as error:
        raise click.ClickException(f"{error} Le message reste en attente.") from None
    db.session.commit()
    current_app.logger.info("reseau: message %s relayed", message_id)
    click.echo(
        f"Message n° {message_id} transmis ({count} destinataire(s)) ; son auteur et son texte sont effacés."
    )


@messages.command("reject")
@click.argument("message_id", type=int)
@with_appcontext
def messages_reject(message_id: int) -> None:
    """Refuser un message : il est effacé, rien n'est envoyé."""
    contact.reject(_message(message_id))
    db.session.commit()
    click.echo(f"Message n° {message_id} refusé et effacé.")


@messages.command("purge")
@with_appcontext
def messages_purge() -> None:
    """Effacer les messages en attente depuis plus de 30 jours (à lancer chaque jour par cron)."""
    count = contact.purge()
    db.session.commit()
    click.echo(f"{count} message(s) effacé(s).")
