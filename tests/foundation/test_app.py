"""The factory, configuration, public pages, error pages, health check and security baseline."""

import re

import pytest
from sqlalchemy import create_engine

from app import create_app
from app.config import ConfigError
from tests.conftest import make_app

PUBLIC_PAGES = [
    "/",
    "/mentions-legales",
    "/accessibilite",
    "/donnees-personnelles",
    "/gestion-des-cookies",
    "/plan-du-site",
]
FOOTER_LINKS = [
    "Plan du site",
    "Accessibilité : non conforme",
    "Mentions légales",
    "Données personnelles",
    "Gestion des cookies",
]


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and "/instance/" in uri


def test_database_url_from_environment_gets_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/app")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/app"


def test_secret_key_is_mandatory_in_production(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://parcours-friches.example")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    assert len(create_app().config["SECRET_KEY"]) >= 32


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_title_and_footer_links(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>" in html and "Parcours Friches</title>" in html
    for label in FOOTER_LINKS:
        assert f">{label}</a>" in html, label
    assert "République<br>Française" in html
    assert "BETA" in html


def test_pages_load_dsfr_from_our_own_server(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'href="/static/vendor/dsfr/dsfr\.subset\.min\.[0-9a-f]{12}\.css"', html)
    assert "https://cdn" not in html and "unpkg" not in html and "jsdelivr" not in html


def test_unknown_page_is_a_dsfr_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page non trouvée" in response.get_data(as_text=True)


def test_404_answers_json_to_json_clients(client):
    response = client.get("/nulle-part", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.is_json and response.get_json()["code"] == 404


def test_unexpected_error_is_a_dsfr_500_without_details(app):
    @app.route("/boum")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boum")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Erreur inattendue" in html and "secret internals" not in html
    json_response = app.test_client().get("/boum", headers={"Accept": "application/json"})
    assert json_response.status_code == 500 and json_response.get_json()["code"] == 500


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_database_is_down(tmp_path):
    # A PostgreSQL port nobody listens on: the database does not answer.
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "indisponible"


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_contain_no_inline_script(client):
    import re

    for path in PUBLIC_PAGES:
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, f"inline script on {path}: {tag}"


def test_forms_are_csrf_protected(database_url, _schema):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)

    @app.route("/formulaire", methods=["POST"])
    def form():
        return "ok"

    response = app.test_client().post("/formulaire", data={"x": "1"})
    assert response.status_code == 400
    assert "formulaire a expiré" in response.get_data(as_text=True)


def test_request_size_is_capped(database_url, _schema):
    app = make_app(database_url, MAX_CONTENT_LENGTH=1000)

    @app.route("/envoi", methods=["POST"])
    def upload():
        from flask import request

        return str(len(request.get_data()))

    response = app.test_client().post("/envoi", data=b"x" * 5000)
    assert response.status_code == 413


def test_session_cookie_is_httponly_and_lax(app):
    from flask import session

    @app.route("/pose-session")
    def set_session():
        session["probe"] = 1
        return "ok"

    cookie = app.test_client().get("/pose-session").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_migrations_build_the_schema_and_report_no_drift(tmp_path):
    """`flask db upgrade` on an empty database, then `flask db check` finds nothing to migrate."""
    from flask_migrate import check, upgrade

    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    app = make_app(url)
    with app.app_context():
        upgrade()
        check()  # raises on drift
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"site", "answer", "step_progress", "event", "alembic_version"} <= tables
