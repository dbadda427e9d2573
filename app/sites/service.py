"""Site lookup helpers shared by the site and questionnaire blueprints."""

from __future__ import annotations

from flask import url_for

from app.models import Site


def location_url(token: str) -> str:
    """The site's location page (map, commune, perimeter)."""
    return url_for("localisation.localisation", token=token)


def get_site_or_404(token: str) -> Site:
    """The token is the only way in: unknown token → 404, never a hint that it was close."""
    return Site.query.filter_by(token=token).first_or_404()
