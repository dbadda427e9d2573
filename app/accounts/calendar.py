"""The calendar feed of a site (``.ics``, RFC 5545 via icalendar): the published dates of the
funding schemes of its path (closing of an open call, opening of a confirmed edition) and the
dates the people of the site set on steps not done yet. Never an invented date.

A calendar application cannot log in: the feed has its own secret address, derived from the
site's link (an HMAC), so that « Régénérer le lien » revokes it too and nothing is stored."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from app.engine.plan import DONE, DeadlineKind, funding
from app.models import Site

DATED = {DeadlineKind.CLOSING: "Date limite", DeadlineKind.OPENING: "Ouverture"}


def feed_key(site: Site, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"calendrier\x1f{site.id}\x1f{site.token}".encode(), hashlib.sha256)
    return f"{site.id}-{digest.hexdigest()[:40]}"


def site_for_key(key: str, secret: str) -> Site | None:
    site_id, _, _ = key.partition("-")
    if not site_id.isdigit():
        return None
    from app.extensions import db

    site = db.session.get(Site, int(site_id))
    if site is None or not hmac.compare_digest(feed_key(site, secret), key):
        return None
    return site


def ics(site: Site, path, host: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Parcours Friches//calendrier du site//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Parcours Friches — {site.nom or 'mon site'}")
    for line in funding(path):
        label = DATED.get(line.deadline.kind)
        if label is None or line.deadline.day is None:
            continue
        event = Event()
        event.add("uid", f"financement-{line.id}-{line.deadline.kind}-{site.id}@{host}")
        event.add("summary", f"{label} : {line.scheme.scheme.name}")
        event.add("dtstart", line.deadline.day)
        event.add("dtend", line.deadline.day + timedelta(days=1))
        event.add("dtstamp", now)
        event.add("description", "Étapes concernées : " + ", ".join(s.step.title for s in line.steps))
        calendar.add_component(event)
    titles = {s.id: s.step.title for s in path.steps}
    for progress in site.steps:
        if progress.date is None or progress.status in DONE or progress.step_id not in titles:
            continue
        event = Event()
        event.add("uid", f"etape-{progress.step_id}-{site.id}@{host}")
        event.add("summary", f"Étape prévue : {titles[progress.step_id]}")
        event.add("dtstart", progress.date)
        event.add("dtend", progress.date + timedelta(days=1))
        event.add("dtstamp", now)
        calendar.add_component(event)
    return calendar.to_ical()
