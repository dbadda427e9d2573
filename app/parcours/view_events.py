"""« parcours_consulte » events (one per path-page view, for /stats) and « parcours_api »
events (one per ``POST /api/v1/parcours``) written in batches.

A view is read-only apart from this event; writing it in the request costs a transaction and a
commit (a disk flush) per view, which dominated the page under load. Views therefore append
the event's values (time of the view included) to a per-process buffer, written in one INSERT
of many rows when ``PARCOURS_VIEW_EVENTS_BATCH`` rows are waiting, at most
``PARCOURS_VIEW_EVENTS_SECONDS`` seconds after the first one, and when the process exits.
Trade-off: if a worker is killed hard (SIGKILL, power loss), the views of its last second are
lost; nothing else is. ``PARCOURS_VIEW_EVENTS_SECONDS = 0`` writes each event in the request.
"""

from __future__ import annotations

import atexit
import logging
import threading

from sqlalchemy import insert

from app.extensions import db
from app.models import Event

log = logging.getLogger(__name__)


class ViewEventBuffer:
    def __init__(self, app, max_rows: int = 200, max_seconds: float = 1.0):
        self.app = app
        self.max_rows = max_rows
        self.max_seconds = max_seconds
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self.written = 0
        atexit.register(self.flush)

    def add(self, values: dict) -> None:
        with self._lock:
            self._rows.append(values)
            full = len(self._rows) >= self.max_rows
            if not full and self._timer is None:
                self._timer = threading.Timer(self.max_seconds, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def pending(self) -> int:
        return len(self._rows)

    def flush(self) -> int:
        """Write every waiting event in one transaction; returns how many were written."""
        with self._lock:
            rows, self._rows = self._rows, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not rows:
            return 0
        try:
            with self.app.app_context(), db.engine.begin() as conn:
                conn.execute(insert(Event), rows)
        except Exception:  # statistics must never break the service: log, drop this batch
            log.exception("parcours: %d view events could not be written", len(rows))
            return 0
        self.written += len(rows)
        return len(rows)


def buffer_for(app) -> ViewEventBuffer | None:
    """The app's buffer, or None when events are written in the request (seconds = 0)."""
    seconds = float(app.config.get("PARCOURS_VIEW_EVENTS_SECONDS", 1.0))
    if seconds <= 0:
        return None
    buffer = app.extensions.get("parcours_view_events")
    if buffer is None:
        buffer = app.extensions.setdefault(
            "parcours_view_events",
            ViewEventBuffer(app, int(app.config.get("PARCOURS_VIEW_EVENTS_BATCH", 200)), seconds),
        )
    return buffer
