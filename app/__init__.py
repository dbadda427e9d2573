"""Parcours Friches: a personalised path to reuse a friche (brownfield)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import from_environment
from app.extensions import csrf, db, migrate, talisman

# Content-Security-Policy: local files only, no inline script. DSFR needs inline styles
# (style attributes set by its JS) and data: URIs for some icons.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)

    _configure_logging(app)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_HOPS"], x_proto=1, x_host=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    img_src = list(CSP["img-src"])
    if app.config.get("MAP_TILES_URL"):
        # Basemap tiles are opt-in: the deployer chooses the tile server.
        from urllib.parse import urlsplit

        parts = urlsplit(app.config["MAP_TILES_URL"].replace("{s}", "a"))
        img_src.append(f"{parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}")
    talisman.init_app(
        app,
        content_security_policy={**CSP, "img-src": img_src},
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=app.config["ENV_NAME"] == "production",
        referrer_policy="same-origin",
        frame_options="DENY",
    )

    from app import models  # noqa: F401 - register tables with SQLAlchemy/Alembic

    _register_blueprints(app)

    from app.cli import register_cli

    register_cli(app)
    if app.config.get("CHECK_CONTENT_ON_START", True):
        _check_content(app)
    return app


def _check_content(app: Flask) -> None:
    """Broken content never reaches users: refuse to start, naming every error (skipped only
    while ``flask content check`` runs, so that it can print the errors itself)."""
    from app.questionnaire.service import load_checked_content

    load_checked_content(app)


def _register_blueprints(app: Flask) -> None:
    """One blueprint per feature. Add new ones to this list."""
    from app.errors import bp as errors_bp
    from app.pages import bp as pages_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(pages_bp)
    # --- feature blueprints (keep one line each) ---
    app.register_blueprint(__import__("app.localisation", fromlist=["bp"]).bp)
    app.register_blueprint(__import__("app.sites", fromlist=["bp"]).bp)
    app.register_blueprint(__import__("app.questionnaire", fromlist=["bp"]).bp)
    app.register_blueprint(__import__("app.api", fromlist=["bp"]).bp)
    app.register_blueprint(__import__("app.parcours", fromlist=["bp"]).bp)
    app.register_blueprint(__import__("app.stats", fromlist=["bp"]).bp)


def _configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
