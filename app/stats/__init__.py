"""Public statistics: the /stats impact page, open data downloads, ``GET /api/stats``, step and
resource votes, and the demonstration-data banner.

The indicators live in :mod:`app.stats.indicators` (no Flask import); views are thin.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app

bp = Blueprint("stats", __name__)

DEMO_NOTICE = (
    "Données de démonstration : ce service contient des dossiers fictifs, marqués « [Démo] », "
    "qui sont comptés dans les statistiques publiques."
)
DEMO_CHECK_SECONDS = 5.0


def demo_notice() -> str | None:
    """The banner shown on every page while demonstration data exist. One indexed EXISTS
    query, remembered a few seconds per process."""
    cache = current_app.extensions.setdefault("stats_demo_flag", {})
    now = time.monotonic()
    if cache.get("until", 0) <= now:
        cache["value"] = has_demo_data()
        cache["until"] = now + DEMO_CHECK_SECONDS
    return DEMO_NOTICE if cache["value"] else None


def has_demo_data() -> bool:
    from sqlalchemy import exists, select

    from app.extensions import db
    from app.models import Site

    return bool(db.session.execute(select(exists().where(Site.is_demo.is_(True)))).scalar())


def forget_demo_flag(app) -> None:
    app.extensions.get("stats_demo_flag", {}).clear()


@bp.record_once
def _register(state) -> None:
    state.app.extensions.setdefault("site_notices", []).append(demo_notice)


from . import routes  # noqa: E402,F401
