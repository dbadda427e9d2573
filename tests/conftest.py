"""Shared fixtures: an app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), a client,
a CLI runner, and a live server + real Chromium for browser tests."""

from __future__ import annotations

import os
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def _postgres_url(url: str) -> str:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A private database for this test session. On PostgreSQL, a throwaway schema so that
    concurrent runs on the same database never see each other's rows."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    url = _postgres_url(url)
    schema = f"pf_test_{secrets.token_hex(4)}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def empty_database() -> None:
    """Empty every table (children first), in the current app context, so that each test starts
    from a clean database."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def app_in_context(app):
    """For an ``app`` fixture: ``yield from app_in_context(make_app(...))`` — the app inside its
    context during the test, an empty database after it."""
    with app.app_context():
        yield app
        empty_database()


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # Path-page views write their statistics event in the request, so that a test sees it at
        # once; the batched writer (app.parcours.view_events) has its own tests.
        "PARCOURS_VIEW_EVENTS_SECONDS": 0,
        # Rate limits have their own tests (tests/robustness/test_limits.py).
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def content():
    """The shipped content bundle, as the app serves it."""
    from app.engine.content import load_content

    return load_content(ROOT)


@pytest.fixture(scope="session")
def _schema(database_url):
    app = make_app(database_url)
    with app.app_context():
        db.create_all()
    return True


@pytest.fixture
def app(database_url, _schema):
    app = make_app(database_url)
    yield from app_in_context(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- real browser -----------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextmanager
def serving(app):
    """``app`` over real HTTP on 127.0.0.1 (a free port) while the block runs: gives its URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def live_server(database_url, _schema):
    """The app served over real HTTP on 127.0.0.1 (CSRF on, as in production)."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with serving(app) as url:
        yield url
    with app.app_context():
        empty_database()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. A missing browser is a failure, never a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium ».")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records every request it makes (to prove none leaves 127.0.0.1)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests_seen = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    page.base_url = live_server
    yield page
    context.close()


AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def run_axe(page) -> list[dict]:
    """Run axe-core in the page; return the serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail("axe-core introuvable : lancez `make setup` (paquet npm axe-core).")
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
