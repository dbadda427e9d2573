"""Item 3 of issue 13: database down, frozen or locked → the service's own 503 (JSON for the
API), /healthz 503, answers within seconds, recovery without restart; no SQL parameter and no
site token in the logs."""

from __future__ import annotations

import logging
import socket
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from app.database import engine_options
from app.extensions import db
from app.models import Site
from tests.conftest import make_app


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def silent_server():
    """Accepts TCP connections and never says a word: a frozen database server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(1)
    for conn in held:
        conn.close()
    server.close()


def _down_app(port: int, **config):
    return make_app(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test", DB_CONNECT_TIMEOUT=1, **config)


def test_database_down_gives_the_services_own_503_page(tmp_path):
    app = _down_app(_closed_port())
    client = app.test_client()
    response = client.post("/sites")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Service indisponible" in html and "fr-header__brand" in html  # ours, not a generic 500
    assert response.headers["Retry-After"]


def test_database_down_gives_json_503_on_the_api():
    app = _down_app(_closed_port())
    response = app.test_client().post("/api/v1/parcours", json={})  # its event is written at once here
    assert response.status_code == 503
    assert response.get_json()["code"] == 503


def test_healthz_is_503_when_the_database_is_down():
    app = _down_app(_closed_port())
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "indisponible"


def test_a_frozen_database_fails_within_seconds(silent_server):
    app = _down_app(silent_server)
    client = app.test_client()
    for path in ("/healthz", "/sites/abcdefghijklmnopqrstuvwxyz012345"):
        start = time.monotonic()
        assert client.get(path).status_code == 503
        assert time.monotonic() - start < 4  # hung forever before


def test_postgresql_gets_connect_and_statement_timeouts_keeping_the_urls_options():
    options = engine_options(
        "postgresql+psycopg://u@h/db?options=-csearch_path%3Dx",
        {"DB_CONNECT_TIMEOUT": 2, "DB_STATEMENT_TIMEOUT": 3},
    )
    assert options["connect_args"] == {
        "connect_timeout": 2,
        "options": "-csearch_path=x -c statement_timeout=3000",
    }
    assert options["pool_pre_ping"] and options["hide_parameters"] and options["pool_timeout"] == 5


def test_sqlite_gets_a_busy_timeout_and_no_ping():
    options = engine_options("sqlite:///x.sqlite", {"DB_CONNECT_TIMEOUT": 2})
    assert options["connect_args"] == {"timeout": 2}
    assert options["pool_pre_ping"] is False  # no server to lose; PostgreSQL keeps it


def test_a_long_statement_is_cut_by_the_statement_timeout(app):
    """On PostgreSQL the server cancels it; on SQLite a write waits at most the busy timeout."""
    test_app = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], DB_STATEMENT_TIMEOUT=0.5, DB_CONNECT_TIMEOUT=0.5
    )
    with test_app.app_context():
        start = time.monotonic()
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(Exception, match="statement timeout|canceling statement"):
                db.session.execute(text("SELECT pg_sleep(5)"))
        else:
            locker = sqlite3.connect(db.engine.url.database)
            locker.execute("BEGIN EXCLUSIVE")
            try:
                with pytest.raises(Exception, match="locked"):
                    db.session.execute(text("INSERT INTO site (token, is_demo) VALUES ('x', 0)"))
                    db.session.commit()
            finally:
                locker.rollback()
                locker.close()
        db.session.rollback()
        assert time.monotonic() - start < 3


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "locked.sqlite"
    app = make_app(f"sqlite:///{path}", DB_CONNECT_TIMEOUT=0.5, DB_BREAKER_SECONDS=0.3)
    with app.app_context():
        db.create_all()
    return app, path


def test_a_locked_sqlite_file_is_unhealthy_then_recovers_without_restart(sqlite_app):
    app, path = sqlite_app
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    start = time.monotonic()
    assert client.get("/healthz").status_code == 503  # was reported healthy
    assert client.post("/sites").status_code == 503
    assert time.monotonic() - start < 3
    locker.rollback()
    locker.close()
    time.sleep(0.35)  # the circuit breaker lets the next request try again
    assert client.get("/healthz").status_code == 200
    assert client.post("/sites").status_code == 303


def test_a_dropped_connection_is_replaced_without_restart(app, client):
    with app.app_context():
        db.session.add(Site())
        db.session.commit()
        # every pooled connection dies (a database restart)
        db.engine.pool.dispose()
    assert client.get("/healthz").status_code == 200
    assert client.post("/sites").status_code == 303


def test_a_statement_error_logs_neither_sql_parameters_nor_the_token(app, caplog):
    site = Site()
    db.session.add(site)
    db.session.commit()
    caplog.set_level(logging.ERROR)
    duplicate = Site(token=site.token)
    db.session.add(duplicate)
    with pytest.raises(Exception) as error:
        db.session.commit()
    db.session.rollback()
    assert "[parameters:" not in str(error.value)  # hide_parameters
    app.logger.exception("failed: %s", error.value)
    handler_output = app.logger.handlers[0].format(caplog.records[-1])
    assert site.token not in handler_output


def test_tokens_are_masked_in_every_form_they_reach_a_message():
    from app.privacy import mask_tokens

    token = "Abcdefghijklmnopqrstuvwxyz012345"
    for text_ in (
        f"/sites/{token}/parcours",
        f"{{'token': '{token}'}}",
        f"token={token}",
        f'"token": "{token}"',
        f"DETAIL:  Key (token)=({token}) already exists.",
    ):
        assert token not in mask_tokens(text_)
