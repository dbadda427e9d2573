"""Command-line entry points (``flask --app app …``).

- ``flask content check|coverage|usage [ROOT]`` work on a content folder and never need the app:
  they are registered as a Flask plugin (``[project.entry-points."flask.commands"]`` in
  pyproject.toml), so that an editor sees the errors of content the app refuses to start on.
- ``flask demo …`` and ``flask data …`` need the app; :func:`register_cli` adds them.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click
from flask import Flask

from app.config import ROOT
from app.engine.catalogs import load_catalogs
from app.engine.content import check_content, load_content
from app.engine.coverage import coverage_report
from app.engine.review import review_report
from app.engine.usage import stats_questions, usage_report
from app.engine.yamlsrc import ContentInvalid
from app.geo.cli import data_cli
from app.portfolio.cli import worker_command
from app.portfolio_core.cli import build_anciens_codes
from app.stats.demo import demo_cli

ROOT_ARG = click.argument(
    "root", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)


def default_root() -> Path:
    """The content the service serves: ``CONTENT_ROOT``, else the repository."""
    return Path(os.environ.get("CONTENT_ROOT") or ROOT)


@click.group("content", help="Contenu : questionnaire, catalogues et indicateurs.")
def content_cli() -> None:
    pass


@content_cli.command("check")
@ROOT_ARG
def check_command(root: Path | None) -> None:
    """Valide le contenu servi, ou le dossier de brouillon ROOT (avec questionnaires/ et data/)."""
    root = root or default_root()
    errors = check_content(root)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} erreur(s) dans le contenu ({root}).", err=True)
        raise SystemExit(1)
    click.echo(f"Contenu valide ({root}).")


@content_cli.command("coverage")
@ROOT_ARG
def coverage_command(root: Path | None) -> None:
    """Compte les étapes par phase, les financements par statut, usage et région, les contacts par territoire."""
    data = (root or default_root()) / "data"
    try:
        catalogs = load_catalogs(data)
    except ContentInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(coverage_report(catalogs, date.today()), nl=False)


@content_cli.command("review")
@ROOT_ARG
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Jour de la revue (AAAA-MM-JJ), aujourd'hui par défaut.",
)
@click.option("--limite", default=40, show_default=True, help="Lignes par rubrique.")
def review_command(root: Path | None, day, limite: int) -> None:
    """Ce qu'il faut revérifier : jamais vérifiés, par ancienneté, doutes ouverts, dates limites passées."""
    today = day.date() if day else date.today()
    try:
        # Checked against the real day: an item verified after a past review date stays valid.
        catalogs = load_catalogs((root or default_root()) / "data", today=max(today, date.today()))
    except ContentInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(review_report(catalogs, today, limite), nl=False)


@content_cli.command("usage")
@ROOT_ARG
def usage_command(root: Path | None) -> None:
    """Pour chaque question : les étapes, financements, contacts et statistiques qui la lisent."""
    try:
        content = load_content(root or default_root())
    except ContentInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1) from None
    stats, _ = stats_questions(content.questionnaire, content.indicators)
    click.echo(usage_report(content.questionnaire, content.catalogs, stats), nl=False)


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(data_cli)
    data_cli.add_command(build_anciens_codes)
    app.cli.add_command(worker_command)
