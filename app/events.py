"""Record product events for /stats (types: :class:`app.models.EventType`). Flask-free apart from
the shared SQLAlchemy session."""

from __future__ import annotations

from datetime import datetime

from app.extensions import db
from app.models import Event, EventType, Site, utcnow

__all__ = ["EventType", "event_values", "record", "record_visitor_vote", "record_vote"]

SITE_FIELDS = ("commune_code", "epci_code", "departement_code", "region_code")


def event_values(
    event_type: EventType, site=None, data: dict | None = None, at: datetime | None = None
) -> dict:
    """Column values of an event; ``site`` is a saved ``Site`` or any row with its id, territory
    codes and ``is_demo`` (for writers that insert in batches, e.g. app.parcours.view_events).
    An unknown type raises ValueError: a misspelt type would silently drop out of /stats."""
    values = {
        "type": EventType(event_type).value,
        "data": data or None,
        "created_at": at or utcnow(),
        # every key, even without a site: batched rows must all have the same columns
        "site_id": None,
        "is_demo": False,
        **dict.fromkeys(SITE_FIELDS),
    }
    if site is not None:
        values.update(
            {"site_id": site.id, "is_demo": bool(site.is_demo)},
            **{name: getattr(site, name) for name in SITE_FIELDS},
        )
    return values


def record(
    event_type: EventType, site: Site | None = None, data: dict | None = None, at: datetime | None = None
) -> Event:
    """Add an event to the current session (the caller commits). Copies the site's territory codes."""
    if site is not None and site.id is None:
        db.session.flush()
    event = Event(**event_values(event_type, site, data, at))
    db.session.add(event)
    return event


def record_vote(site: Site, item_type: str, item_id: str, useful: bool) -> Event:
    """One « utile ? » vote per item and site: a second vote replaces the first (its value and
    time), so repeated clicks can neither pile up rows nor weigh more in /stats. The caller
    commits."""
    for event in Event.query.filter_by(type=EventType.VOTE.value, site_id=site.id).all():
        data = event.data or {}
        if data.get("type") == item_type and data.get("id") == item_id:
            event.data = {"type": item_type, "id": item_id, "utile": useful}
            event.created_at = utcnow()
            return event
    return record(EventType.VOTE, site, {"type": item_type, "id": item_id, "utile": useful})


MAX_VISITOR_VOTES = 200  # items remembered per browser session


def record_visitor_vote(votes: dict, item_type: str, item_id: str, useful: bool) -> dict:
    """A vote outside any site (the public page of a resource or of a published project): one
    per item and browser session. ``votes`` is what the session remembers (``"type:id"`` → id of
    the vote event); a second vote replaces the first. Returns the new mapping for the session;
    the caller commits."""
    key = f"{item_type}:{item_id}"
    data = {"type": item_type, "id": item_id, "utile": useful}
    previous = votes.get(key)
    event = db.session.get(Event, previous) if isinstance(previous, int) else None
    if event is not None and event.type == EventType.VOTE.value and event.site_id is None:
        event.data = data
        event.created_at = utcnow()
    else:
        event = record(EventType.VOTE, None, data)
        db.session.flush()
    votes = dict(votes)
    if len(votes) < MAX_VISITOR_VOTES or key in votes:
        votes[key] = event.id
    return votes
