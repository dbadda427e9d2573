"""``flask content …`` commands. Other features may add commands to :data:`content_cli`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.engine.content_check import check_content
from app.engine.coverage import coverage_report

content_cli = AppGroup("content", help="Contenu : questionnaire et catalogues.")


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def check_command(path: Path | None) -> None:
    """Valide le contenu livré, ou le dossier de brouillon PATH (avec questionnaires/ et data/)."""
    root = path or content_root(current_app)
    errors = check_content(root)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} erreur(s) dans le contenu ({root}).", err=True)
        raise SystemExit(1)
    click.echo(f"Contenu valide ({root}).")


@content_cli.command("coverage")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def coverage_command(path: Path | None) -> None:
    """Compte les étapes par phase, les financements par statut, usage et région, les contacts par territoire."""
    root = path or content_root(current_app)
    click.echo(coverage_report(root / "data"), nl=False)


@content_cli.command("usage")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def usage_command(path: Path | None) -> None:
    """Pour chaque question : les étapes, financements, contacts et statistiques qui la lisent."""
    from app.engine.usage import main

    raise SystemExit(main([str(path or content_root(current_app))]))


def content_root(app) -> Path:
    return Path(app.config.get("CONTENT_ROOT") or Path(app.root_path).parent)
