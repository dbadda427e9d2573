"""Record product events for /stats. Flask-free apart from the shared SQLAlchemy session."""

from __future__ import annotations

from datetime import datetime

from app.extensions import db
from app.models import Event, Site


def record(event_type: str, site: Site | None = None, data: dict | None = None, at: datetime | None = None) -> Event:
    """Add an event to the current session (the caller commits). Copies the site's territory codes."""
    event = Event(type=event_type, data=data or None)
    if site is not None:
        if site.id is None:
            db.session.flush()
        event.site_id = site.id
        event.commune_code = site.commune_code
        event.epci_code = site.epci_code
        event.departement_code = site.departement_code
        event.region_code = site.region_code
        event.is_demo = bool(site.is_demo)
    if at is not None:
        event.created_at = at
    db.session.add(event)
    return event
