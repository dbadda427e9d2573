"""Path-page view events written in batches (app.parcours.view_events)."""

from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.models import Event
from app.parcours.view_events import buffer_for
from tests.conftest import make_app
from tests.parcours.test_parcours_page import make_site


def views() -> list[Event]:
    return Event.query.filter_by(type="parcours_consulte").order_by(Event.id).all()


@pytest.fixture
def buffered(app, database_url):
    """An app writing view events in batches of 3, or after a minute (never within a test)."""
    buffered = make_app(database_url, PARCOURS_VIEW_EVENTS_SECONDS=60, PARCOURS_VIEW_EVENTS_BATCH=3)
    yield buffered
    buffer_for(buffered).flush()


def test_views_are_written_in_batches_with_their_details(app, buffered):
    site = make_site()
    client = buffered.test_client()
    for _ in range(2):
        assert client.get(f"/sites/{site.token}/parcours").status_code == 200
    buffer = buffer_for(buffered)
    assert buffer.pending() == 2 and views() == []
    assert buffer.flush() == 2
    written = views()
    assert len(written) == 2 and written[0].created_at <= written[1].created_at
    assert all(
        e.site_id == site.id
        and e.commune_code == "62528"
        and e.epci_code == "246200364"
        and e.data["nb_etapes"] > 0
        and e.data["financements"]
        and e.is_demo is False
        for e in written
    )
    # The third waiting view fills the batch: written by that request, without a flush.
    for _ in range(3):
        client.get(f"/sites/{site.token}/parcours")
    assert buffer.pending() == 0 and len(views()) == 5


def test_waiting_views_are_written_after_the_delay(app, database_url):
    site = make_site()
    quick = make_app(database_url, PARCOURS_VIEW_EVENTS_SECONDS=0.05)
    buffer = buffer_for(quick)
    done = threading.Event()
    flush = buffer.flush
    buffer.flush = lambda: (flush(), done.set())[0]
    quick.test_client().get(f"/sites/{site.token}/parcours")
    assert done.wait(timeout=10), "the timer never wrote the waiting view"
    db.session.expire_all()
    assert len(views()) == 1 and buffer.pending() == 0


def test_zero_seconds_writes_in_the_request(app, client):
    assert buffer_for(app) is None  # the suite's default (tests/conftest.py)
    site = make_site()
    client.get(f"/sites/{site.token}/parcours")
    assert len(views()) == 1


def test_a_failed_write_is_logged_and_never_breaks_a_view(app, database_url, caplog):
    site = make_site()
    buffered = make_app(database_url, PARCOURS_VIEW_EVENTS_SECONDS=60)
    buffer = buffer_for(buffered)
    buffer.add({"type": None, "site_id": site.id})  # type is required: the INSERT fails
    assert buffer.flush() == 0
    assert "view events could not be written" in caplog.text
    assert buffered.test_client().get(f"/sites/{site.token}/parcours").status_code == 200
    assert buffer.flush() == 1 and len(views()) == 1
