"""Site lookup helpers shared by the site and questionnaire blueprints."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError

from app.models import Site

LOCATION_ENDPOINTS = ("localisation.edit", "localisation.localisation")


def location_url(token: str) -> str | None:
    """The geo engineer's location page, when it exists."""
    for endpoint in LOCATION_ENDPOINTS:
        try:
            return url_for(endpoint, token=token)
        except BuildError:
            continue
    return None


def get_site_or_404(token: str) -> Site:
    """The token is the only way in: unknown token → 404, never a hint that it was close."""
    return Site.query.filter_by(token=token).first_or_404()
