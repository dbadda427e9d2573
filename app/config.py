"""Configuration from the environment. Development works with no variable set."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'parcours-friches.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver spelled out.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


# IGN Géoplateforme WMTS (https://geoservices.ign.fr/services-web : GetTile in the « PM »
# Web Mercator tile matrix set, which Leaflet's {z}/{x}/{y} scheme follows).
_IGN_WMTS = (
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE={style}&TILEMATRIXSET=PM&FORMAT=image/png&TILEMATRIX={{z}}&TILECOL={{x}}&TILEROW={{y}}"
)
IGN_PLAN_URL = _IGN_WMTS.format(layer="GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2", style="normal")
IGN_PARCELS_URL = _IGN_WMTS.format(layer="CADASTRALPARCELS.PARCELLAIRE_EXPRESS", style="PCI%20vecteur")
IGN_ATTRIBUTION = "IGN – Géoplateforme (Plan IGN, Parcellaire Express)"


class ConfigError(RuntimeError):
    pass


def from_environment(instance_path: Path) -> dict:
    """Build the configuration mapping. In production (``FLASK_ENV``/``APP_ENV`` = production),
    ``SECRET_KEY`` is mandatory; elsewhere a random one is generated per process."""
    production = os.environ.get("APP_ENV", os.environ.get("FLASK_ENV", "development")) == "production"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY doit être défini en production.")
        secret = secrets.token_hex(32)
    # Private links are built from this address, never from the request's Host header.
    public_url = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
    if production and not public_url.startswith("https://"):
        raise ConfigError(
            "PUBLIC_URL doit être défini en production, en https (ex. https://parcours-friches.beta.gouv.fr) : "
            "les liens personnels des sites en sont construits."
        )
    _perimeter_max = int(os.environ.get("PERIMETER_MAX_BYTES", 5 * 1024 * 1024))
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # Database faults fail fast (app.database): seconds.
        "DB_CONNECT_TIMEOUT": float(os.environ.get("DB_CONNECT_TIMEOUT", 5)),
        "DB_STATEMENT_TIMEOUT": float(os.environ.get("DB_STATEMENT_TIMEOUT", 10)),
        "DB_POOL_TIMEOUT": float(os.environ.get("DB_POOL_TIMEOUT", 5)),
        "DB_BREAKER_SECONDS": float(os.environ.get("DB_BREAKER_SECONDS", 2)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PUBLIC_URL": public_url,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "FORCE_HTTPS": _bool("FORCE_HTTPS", production),
        "WTF_CSRF_TIME_LIMIT": None,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", 1)),
        # X-Forwarded-Host is only trusted when the deployer says its proxy sets it.
        "PROXY_FIX_HOST": int(os.environ.get("PROXY_FIX_HOST", 0)),
        # Rate limits (app.limits): storage shared by the workers in production (redis://…).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        **{
            key: os.environ[key]
            for key in (
                "RATELIMIT_SITES",
                "RATELIMIT_VOTES",
                "RATELIMIT_UPLOADS",
                "RATELIMIT_ADDRESS",
                "RATELIMIT_PARCELS",
                "RATELIMIT_API",
                "RATELIMIT_CONTACT",
                "RATELIMIT_PDF",
                "RATELIMIT_COMMENTS",
            )
            if os.environ.get(key)
        },
        # Light pages (app.assets): static files fingerprinted, precompressed and cached for a
        # year (WhiteNoise), the DSFR and icon subsets, HTML compressed (Flask-Compress). Off: the
        # files as before (whole DSFR, no compression, revalidated on each visit), for the bench.
        "LIGHT_ASSETS": _bool("LIGHT_ASSETS", True),
        # Content folder served (questionnaires/, data/, stats/), checked at start.
        "CONTENT_ROOT": os.environ.get("CONTENT_ROOT", str(ROOT)),
        # Public statistics.
        "MONAVIS_URL": os.environ.get("MONAVIS_URL", ""),
        "ANNUAL_BUDGET_EUR": float(os.environ.get("ANNUAL_BUDGET_EUR", 0) or 0),
        # Publisher details for the legal pages (placeholders shown when empty).
        "PUBLISHER_NAME": os.environ.get("PUBLISHER_NAME", ""),
        "PUBLICATION_DIRECTOR": os.environ.get("PUBLICATION_DIRECTOR", ""),
        "HOST_NAME": os.environ.get("HOST_NAME", ""),
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", ""),
        # Site location and enrichment (app.geo, app.clients, app.localisation).
        # Basemap and cadastral overlay: the IGN Géoplateforme (no key) by default in production,
        # none elsewhere (the map then shows commune boundaries only and calls no third party).
        # An empty variable switches a layer off; the CSP allows the hosts of these URLs only.
        "MAP_TILES_URL": os.environ.get("MAP_TILES_URL", IGN_PLAN_URL if production else ""),
        "MAP_PARCELS_URL": os.environ.get("MAP_PARCELS_URL", IGN_PARCELS_URL if production else ""),
        "MAP_TILES_ATTRIBUTION": os.environ.get(
            "MAP_TILES_ATTRIBUTION", IGN_ATTRIBUTION if production else ""
        ),
        "PERIMETER_MAX_BYTES": _perimeter_max,
        # A pasted perimeter (a form field) is held to the same cap as an uploaded file.
        "MAX_FORM_MEMORY_SIZE": _perimeter_max + 64 * 1024,
        "ENRICHMENT_ENABLED": _bool("ENRICHMENT_ENABLED", True),
        "ENRICHMENT_TIMEOUT": float(os.environ.get("ENRICHMENT_TIMEOUT", 3)),
        "ENRICHMENT_RETRIES": int(os.environ.get("ENRICHMENT_RETRIES", 1)),
        "ENRICHMENT_CACHE_TTL": int(os.environ.get("ENRICHMENT_CACHE_TTL", 86_400)),
        "ENRICHMENT_DEADLINE": float(os.environ.get("ENRICHMENT_DEADLINE", 4)),
        "ENRICHMENT_MAX_BYTES": int(os.environ.get("ENRICHMENT_MAX_BYTES", 5 * 1024 * 1024)),
        "API_ADRESSE_URL": os.environ.get("API_ADRESSE_URL", "https://api-adresse.data.gouv.fr"),
        "API_CARTO_URL": os.environ.get("API_CARTO_URL", "https://apicarto.ign.fr/api"),
        "GEORISQUES_URL": os.environ.get("GEORISQUES_URL", "https://www.georisques.gouv.fr/api/v1"),
        # Official coordinates of préfectures, sous-préfectures, DDT(M), mairies and EPCI on the
        # step page (app/clients/annuaire.py); off by default: the directory link stays.
        "ANNUAIRE_ENABLED": _bool("ANNUAIRE_ENABLED", False),
        "ANNUAIRE_URL": os.environ.get(
            "ANNUAIRE_URL", "https://api-lannuaire.service-public.gouv.fr/api/explore/v2.1/catalog/datasets"
        ),
    }
