"""Site lookup helpers shared by the site and questionnaire blueprints."""

from __future__ import annotations

from flask import current_app, request, url_for

from app.models import Site

# Where the private link goes in a flash message: the message kept in the session cookie holds
# this marker, never the link; the page that shows it puts the link back (app.guards).
PRIVATE_LINK = "[lien personnel]"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL built from the configured ``PUBLIC_URL`` (mandatory in production), never
    from the client's ``Host`` or ``X-Forwarded-Host``; in development, from the request."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def private_link_in(message: str) -> str:
    """``message`` with :data:`PRIVATE_LINK` replaced by the link of the site being shown."""
    token = (request.view_args or {}).get("token") if request else None
    if PRIVATE_LINK not in message or not token:
        return message
    return message.replace(PRIVATE_LINK, public_url("sites.show", token=token))


def location_url(token: str) -> str:
    """The site's location page (map, commune, perimeter)."""
    return url_for("localisation.localisation", token=token)


def get_site_or_404(token: str) -> Site:
    """The token is the only way in: unknown token → 404, never a hint that it was close."""
    return Site.query.filter_by(token=token).first_or_404()
