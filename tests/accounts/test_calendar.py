"""The calendar feed of a site: published funding dates and the dates set on steps; its secret
address changes with the site's link."""

from __future__ import annotations

import html
import re
from datetime import date

from icalendar import Calendar

from app.models import Site
from app.parcours.service import compute_for_site

from .conftest import login, new_site


def _feed_path(client, token) -> str:
    text = html.unescape(client.get(f"/sites/{token}/acces").text)
    return "/" + re.search(r'id="calendrier" value="https?://[^/]+/([^"]+)"', text).group(1)


def test_the_feed_holds_step_dates_and_published_deadlines(client, smtp, content):
    login(client, smtp, "marie@commune.fr")
    token = new_site(client)
    client.post(f"/sites/{token}/rattacher")
    site = Site.query.filter_by(token=token).one()
    path, _ = compute_for_site(site)
    step = path.steps[0]
    client.post(
        f"/sites/{token}/parcours/etapes/{step.id}",
        data={"statut": "en_cours", "date": "2031-03-15", "note": ""},
    )
    feed = client.application.test_client().get(_feed_path(client, token))  # no login: a calendar app
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(feed.data).walk("VEVENT")]
    planned = [e for e in events if str(e["summary"]) == f"Étape prévue : {step.step.title}"]
    assert planned and planned[0].decoded("dtstart") == date(2031, 3, 15)
    from app.engine.plan import DeadlineKind, funding

    dated = [f for f in funding(path) if f.deadline.kind in (DeadlineKind.CLOSING, DeadlineKind.OPENING)]
    assert len(events) == 1 + len(dated)  # nothing invented: only published dates


def test_regenerating_the_link_revokes_the_feed(client):
    token = new_site(client)
    feed = _feed_path(client, token)
    assert client.get(feed).status_code == 200
    client.post(f"/sites/{token}/lien/regenerer")
    assert client.get(feed).status_code == 404
    assert client.get(feed.replace(".ics", "0.ics")).status_code == 404
    assert client.get("/calendriers/1-" + "0" * 40 + ".ics").status_code == 404
