"""Réseau — projets inspirants: a site owner may publish chosen facts and a short story of the
project (opt-in, revocable, moderated before it is shown); /projets-inspirants lists them, each
path shows « Projets comparables »; `flask moderation list|approve|reject` is the team's queue."""

from flask import Blueprint

bp = Blueprint("reseau", __name__)

from app.reseau import models, routes  # noqa: E402,F401


@bp.record_once
def _register_cli(state) -> None:
    from app.reseau.cli import moderation

    state.app.cli.add_command(moderation)
