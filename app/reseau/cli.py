"""`flask moderation list|approve|reject`: the service team's queue of projets inspirants."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.reseau import service
from app.reseau.models import STATUSES, ProjetInspirant


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
    if not rows:
        click.echo("Rien à relire.")
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
