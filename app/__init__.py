"""Parcours Friches: a personalised path to reuse a friche (brownfield)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import models  # noqa: F401 - register tables with SQLAlchemy/Alembic
from app.assets import init_assets
from app.blueprints import register_blueprints
from app.cli import register_cli
from app.config import from_environment
from app.content import init_content
from app.database import engine_options, install_breaker
from app.extensions import csrf, db, migrate, talisman
from app.geo import workspace
from app.guards import init_guards
from app.limits import init_limits
from app.portfolio import models as portfolio_models  # noqa: F401 - portfolio tables
from app.privacy import TokenMaskingFormatter

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
    # JSON bodies: UTF-8 as is (French text is 10 % smaller than with \u escapes) and keys in
    # the order written (sorting every key of a 60 kB path costs CPU on every API call).
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.wsgi_app = ProxyFix(
        app.wsgi_app, x_for=app.config["PROXY_FIX_HOPS"], x_proto=1, x_host=app.config["PROXY_FIX_HOST"]
    )

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config
    )
    db.init_app(app)
    with app.app_context():
        app.extensions["db_breaker"] = install_breaker(db.engine, app.config["DB_BREAKER_SECONDS"])
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    # Static files (WhiteNoise) and compression (Flask-Compress) before the other response hooks,
    # so that compression runs after them (Flask runs after_request hooks in reverse order).
    init_assets(app)
    img_src = list(CSP["img-src"]) + map_tile_hosts(app.config)
    talisman.init_app(
        app,
        content_security_policy={**CSP, "img-src": img_src},
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=app.config["ENV_NAME"] == "production",
        referrer_policy="same-origin",
        frame_options="DENY",
    )

    init_guards(app)
    register_blueprints(app)
    init_limits(app)
    # The host's health check may call /healthz over plain HTTP from inside its network.
    app.view_functions["pages.healthz"].talisman_view_options = {"force_https": False}
    register_cli(app)
    init_content(app)
    workspace.clean_stale()  # temporary perimeter files left by workers that died
    return app


def map_tile_hosts(config) -> list[str]:
    """The CSP ``img-src`` sources of the map layers (``MAP_TILES_URL``, ``MAP_PARCELS_URL``):
    the origin of each configured tile server, nothing when none is (the offline default).
    Tiles are images: no ``connect-src`` is needed."""
    from urllib.parse import urlsplit

    hosts: list[str] = []
    for key in ("MAP_TILES_URL", "MAP_PARCELS_URL"):
        if url := config.get(key):
            parts = urlsplit(url.replace("{s}", "a"))
            netloc = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
            if (host := f"{parts.scheme}://{netloc}") not in hosts:
                hosts.append(host)
    return hosts


def _configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(TokenMaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
