"""Evaluation of the library and the steps for /stats: usefulness votes and views, counted from
the database events, small counts suppressed. No Flask import.

Events read: ``avis`` (``data.type`` « ressource » or « etape », ``data.id``, ``data.utile``;
from the path pages — one per site and item — and from the library pages — one per browser
session and resource), ``ressource_vue`` and ``ressource_telechargee`` (``data.id``).
Demonstration data (``is_demo``) is left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from app.models import Event, EventType

EVENT_TYPES = tuple(
    t.value
    for t in (
        EventType.RESOURCE_VIEWED,
        EventType.RESOURCE_DOWNLOADED,
        EventType.STEP_VIEWED,
        EventType.PROJECT_VIEWED,
    )
)
THRESHOLD = 5
SUPPRESSED = "moins de 5"


def shown(n: int) -> str:
    """A count as published: 1 to 4 become « moins de 5 » (0 stays 0)."""
    return SUPPRESSED if 0 < n < THRESHOLD else f"{n:,}".replace(",", "\u202f")


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    views: int
    downloads: int | None  # None: not a downloadable template
    useful: int
    not_useful: int

    @property
    def cells(self) -> dict[str, str]:
        return {
            "vues": shown(self.views),
            "telechargements": "—" if self.downloads is None else shown(self.downloads),
            "utile": shown(self.useful),
            "pas_utile": shown(self.not_useful),
        }


def _json_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


def counts(session) -> tuple[Counter, Counter]:
    """(votes by (type, id, useful), other events by (event type, id))."""
    kind, item, useful = (
        Event.data["type"].as_string(),
        Event.data["id"].as_string(),
        Event.data["utile"].as_string(),
    )
    votes: Counter = Counter()
    query = (
        select(kind, item, useful, func.count())
        .where(Event.type == EventType.VOTE.value, Event.is_demo.is_(False))
        .group_by(kind, item, useful)
    )
    for k, i, u, n in session.execute(query):
        flag = _json_bool(u)
        if k in ("ressource", "etape", "projet") and isinstance(i, str) and flag is not None:
            votes[(k, i, flag)] += n
    events: Counter = Counter()
    query = (
        select(Event.type, item, func.count())
        .where(Event.type.in_(EVENT_TYPES), Event.is_demo.is_(False))
        .group_by(Event.type, item)
    )
    for t, i, n in session.execute(query):
        events[(t, i)] += n
    return votes, events


def evaluation(session, resources, steps, projects=()) -> dict[str, list[Row]]:
    """Rows for every library resource, every step and every published project
    (``resources``: LibraryResource list, ``steps``: catalog steps, ``projects``: (public id,
    title) pairs), most viewed or voted first."""
    votes, events = counts(session)
    res_rows = [
        Row(
            r.id,
            r.title,
            events[(EventType.RESOURCE_VIEWED, r.id)],
            events[(EventType.RESOURCE_DOWNLOADED, r.id)] if r.template else None,
            votes[("ressource", r.id, True)],
            votes[("ressource", r.id, False)],
        )
        for r in resources
    ]
    step_rows = [
        Row(
            s.id,
            s.title,
            events[(EventType.STEP_VIEWED, s.id)],
            None,
            votes[("etape", s.id, True)],
            votes[("etape", s.id, False)],
        )
        for s in steps
    ]
    res_rows.sort(key=lambda r: (-(r.views + r.useful + r.not_useful), r.title.lower()))
    step_rows.sort(key=lambda r: (-(r.views + r.useful + r.not_useful), r.title.lower()))
    project_rows = [
        Row(
            pid,
            title,
            events[(EventType.PROJECT_VIEWED, pid)],
            None,
            votes[("projet", pid, True)],
            votes[("projet", pid, False)],
        )
        for pid, title in projects
    ]
    project_rows.sort(key=lambda r: (-(r.views + r.useful + r.not_useful), r.title.lower()))
    return {"ressources": res_rows, "etapes": step_rows, "projets": project_rows}
