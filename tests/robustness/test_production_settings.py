"""Item 7 of issue 13: production settings safe by default — private pages never stored, the
private link never in the session cookie, links from the configured public address only (not
from Host / X-Forwarded-Host), HTTPS links, redirect and HSTS whenever APP_ENV=production."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.config import ConfigError
from app.extensions import db
from tests.conftest import make_app


@pytest.fixture
def production(monkeypatch, app):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://parcours-friches.example/")
    monkeypatch.delenv("FORCE_HTTPS", raising=False)
    prod = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    return prod


def _token(response) -> str:
    return re.search(r"/sites/([A-Za-z0-9_-]{32})", response.headers["Location"]).group(1)


def test_private_pages_are_never_stored(client):
    token = _token(client.post("/sites"))
    for path in (
        f"/sites/{token}",
        f"/sites/{token}/localisation",
        f"/sites/{token}/parcours",
        f"/sites/{token}/synthese",
    ):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in (client.get("/").headers.get("Cache-Control") or "")


def test_the_private_link_never_sits_in_the_session_cookie(client):
    response = client.post("/sites")
    token = _token(response)
    cookie = response.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        flashes = " ".join(m for _c, m in session.get("_flashes", []))
    assert token not in flashes and token not in cookie  # the flash held the link before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"http://localhost/sites/{token}" in page  # shown all the same


def test_production_requires_an_https_public_url(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app()
    monkeypatch.setenv("PUBLIC_URL", "http://parcours-friches.example")
    with pytest.raises(ConfigError, match="https"):
        create_app()


def test_private_links_come_from_the_public_url_never_from_host_headers(production):
    client = production.test_client()
    response = client.post(
        "/sites",
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
        base_url="https://evil.example",
    )
    token = _token(response)
    page = client.get(
        f"/sites/{token}",
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
        base_url="https://evil.example",
    ).get_data(as_text=True)
    assert f"https://parcours-friches.example/sites/{token}" in page
    assert "evil.example" not in page


def test_x_forwarded_host_is_not_trusted_by_default(app):
    plain = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    client = plain.test_client()
    token = _token(client.post("/sites"))
    page = client.get(f"/sites/{token}", headers={"X-Forwarded-Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in page and f"http://localhost/sites/{token}" in page


def test_production_redirects_to_https_and_sends_hsts(production):
    client = production.test_client()
    plain = client.get("/", base_url="http://parcours-friches.example")
    assert plain.status_code in (301, 302) and plain.headers["Location"].startswith("https://")
    secure = client.get("/", base_url="https://parcours-friches.example")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    # the host's internal health check over plain HTTP is not redirected
    with production.app_context():
        db.create_all()
    assert client.get("/healthz", base_url="http://10.0.0.1").status_code == 200


def test_security_headers_pass_mozilla_observatorys_checks(production):
    """The headers Mozilla Observatory scores: CSP (no unsafe script source, frame-ancestors),
    HSTS of at least six months, X-Content-Type-Options, Referrer-Policy, X-Frame-Options, and
    session cookies Secure, HttpOnly and SameSite."""
    client = production.test_client()
    response = client.post("/sites", base_url="https://parcours-friches.example")
    headers = response.headers
    csp = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";") if part.strip()
    )
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'"
    assert (
        csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
    )
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    max_age = int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"]).group(1))
    assert max_age >= 15_768_000
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    cookie = headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
