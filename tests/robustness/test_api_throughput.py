"""Item 8 of issue 13: ``POST /api/v1/parcours`` no longer commits one event per call — its events
go through the path views' batch writer — and identical requests are served from a bounded
per-worker cache, each still counted."""

from __future__ import annotations

from app.api.spec import EXAMPLE
from app.extensions import db
from app.models import Event, Site
from app.parcours.view_events import buffer_for
from tests.conftest import make_app


def test_api_events_are_written_in_batches_with_path_views(app):
    batched = make_app(app.config["SQLALCHEMY_DATABASE_URI"], PARCOURS_VIEW_EVENTS_SECONDS=60)
    client = batched.test_client()
    with batched.app_context():
        site = Site(commune_code="62528", epci_code="246200364", departement_code="62", region_code="32")
        db.session.add(site)
        db.session.commit()
        token = site.token
    for _ in range(3):
        assert client.post("/api/v1/parcours", json=EXAMPLE).status_code == 200
    assert client.get(f"/sites/{token}/parcours").status_code == 200
    with batched.app_context():
        assert Event.query.filter_by(type="parcours_api").count() == 0  # nothing written per call
        buffer = buffer_for(batched)
        assert buffer.pending() == 4
        assert buffer.flush() == 4  # API rows (no site) and view rows in one INSERT
        assert Event.query.filter_by(type="parcours_api").count() == 3
        assert Event.query.filter_by(type="parcours_consulte").count() == 1


def test_identical_requests_are_served_from_cache_and_each_is_counted(client):
    first = client.post("/api/v1/parcours", json=EXAMPLE)
    second = client.post("/api/v1/parcours", json=EXAMPLE)
    assert first.data == second.data and first.get_json()["etapes"]
    assert Event.query.filter_by(type="parcours_api").count() == 2
    other = client.post("/api/v1/parcours", json={**EXAMPLE, "projet": {"usage": "renaturation"}})
    assert other.data != first.data


def test_the_response_cache_is_bounded(app):
    small = make_app(app.config["SQLALCHEMY_DATABASE_URI"], API_CACHE_ENTRIES=3)
    client = small.test_client()
    for surface in range(10):
        body = {"site": {"comm_insee": "62528", "unite_fonciere_surface": 1000 + surface}}
        assert client.post("/api/v1/parcours", json=body).status_code == 200
    assert len(small.extensions["api_response_cache"]) == 3


def test_json_bodies_are_utf8_not_escaped(client):
    response = client.post("/api/v1/parcours", json=EXAMPLE)
    assert "é".encode() in response.data and b"\\u00e9" not in response.data
