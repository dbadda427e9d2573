"""Views of the public API. Thin: validation by the schemas, computation by app.engine."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from flask import Response, current_app, jsonify, render_template, request
from marshmallow import ValidationError

from app.content import current_content, path_engine
from app.engine.facts import build_facts
from app.events import EventType, event_values
from app.extensions import db
from app.models import Event
from app.parcours.page_cache import PageCache
from app.parcours.service import territory
from app.parcours.view_events import buffer_for
from app.sites.service import public_url

from . import bodies, bp
from .schemas import ParcoursRequestSchema
from .spec import EXAMPLE, build_spec

_REQUEST = ParcoursRequestSchema()
# A request holds one site: 1 MiB leaves room for a perimeter at its vertex cap
# (app.geo.geometry.MAX_VERTICES) written with 15 decimals.
API_MAX_BYTES = 1024 * 1024
_SPEC: dict | None = None


def _errors(errors: dict, status: int = 422):
    return jsonify({"erreurs": errors}), status


def _flatten(messages, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            out.update(_flatten(value, name))
    elif isinstance(messages, list):
        if messages and all(isinstance(m, str) for m in messages):
            out[prefix or "corps"] = " ".join(messages)
        else:
            for item in messages:
                out.update(_flatten(item, prefix))
    else:
        out[prefix or "corps"] = str(messages)
    return out


def _resolve_commune(site: dict, errors: dict) -> str | None:
    """Commune code from comm_insee, else geompoint, else geomsurf; adds 422 messages to ``errors``."""
    from app import geo

    code = site.get("comm_insee")
    if code:
        if geo.get_commune(code) is None:
            errors["site.comm_insee"] = f"Commune inconnue : aucun code INSEE « {code} » dans le référentiel."
            return None
        return code
    if site.get("geompoint"):
        try:
            point = geo.parse_wkt_point(site["geompoint"])
        except (geo.GeoError, ValueError, TypeError) as exc:
            errors["site.geompoint"] = str(exc) if isinstance(exc, geo.GeoError) else "Point WKT invalide."
            return None
        commune = geo.commune_at(point.x, point.y)
        if commune is None:
            errors["site.geompoint"] = "Aucune commune française à cet endroit."
            return None
        return commune.code
    if site.get("geomsurf"):
        try:
            commune = geo.commune_for_geometry(geo.parse_geojson(site["geomsurf"], allow_point=True))
        except (geo.GeoError, ValueError, TypeError, KeyError) as exc:
            errors["site.geomsurf"] = str(exc) if isinstance(exc, geo.GeoError) else "GeoJSON invalide."
            return None
        if commune is None:
            errors["site.geomsurf"] = "Aucune commune française sous cette géométrie."
            return None
        return commune.code
    return None


@bp.post("/api/v1/parcours")
def parcours():
    # MAX_CONTENT_LENGTH (10 Mio) bounds what is read; a site's request is far smaller.
    raw = request.get_data(cache=False)
    if len(raw) > API_MAX_BYTES:
        return _errors({"corps": f"Le corps de la requête dépasse {API_MAX_BYTES // 1024} Kio."}, 413)
    # The same request on the same day with the same content is the same path: partner tools
    # ask again for the sites they show. Bounded per worker (API_CACHE_ENTRIES).
    cache = _response_cache()
    key, version = hashlib.blake2b(raw, digest_size=16).digest(), (date.today(), id(path_engine()))
    computed = cache.get(key, version)
    if computed is None:
        computed = _compute(raw)
        if not isinstance(computed[0], bytes):
            return computed  # an error response
        cache.put(key, version, computed)
    body, event_data = computed
    _record_call(event_data)
    return Response(body, mimetype="application/json")


def _response_cache() -> PageCache:
    cache = current_app.extensions.get("api_response_cache")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "api_response_cache", PageCache(current_app.config.get("API_CACHE_ENTRIES", 256))
        )
    return cache


def _compute(raw: bytes) -> tuple:
    """(JSON body, statistics of the call), or the error response (response, status)."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _errors({"corps": "Le corps de la requête doit être un JSON valide."}, 400)
    if not isinstance(body, dict):
        return _errors({"corps": 'Un objet JSON est attendu : {"site": {…}, "projet": {…}}.'})
    try:
        data = _REQUEST.load(body)
    except ValidationError as exc:
        return _errors(_flatten(exc.messages))
    site = data.get("site") or {}
    projet = data.get("projet") or {}
    errors: dict[str, str] = {}
    code = _resolve_commune(site, errors)
    if errors:
        return _errors(errors)
    facts_t, block, warnings = territory(code)
    answers = {k: v for k, v in site.items() if k not in ("comm_insee", "geompoint", "geomsurf")}
    answers.update(projet)
    engine = path_engine()
    name = block["commune"]["nom"] if block else None
    result = engine.compute(build_facts(answers, facts_t), commune_name=name, warnings=warnings)
    payload = bodies.path_body(result, block)
    event_data = {
        "nb_etapes": len(result.steps),
        "nb_a_verifier": sum(1 for s in result.steps if s.status == "a_verifier"),
        "nb_financements": len(result.open_schemes),
        "commune_connue": code is not None,
        "departement": facts_t.get("departement") if facts_t else None,
    }
    return current_app.json.dumps(payload).encode(), event_data


def _record_call(event_data: dict) -> None:
    """The call's statistics event, written in batches with the path views' events
    (app.parcours.view_events): a commit per call was half of its cost."""
    event = event_values(EventType.PATH_API, None, event_data)
    buffer = buffer_for(current_app._get_current_object())
    if buffer is None:
        db.session.add(Event(**event))
        db.session.commit()
    else:
        buffer.add(event)


@bp.get("/api/v1/catalogue/etapes")
def catalogue_etapes():
    return jsonify(bodies.steps_catalogue(current_content().catalogs))


@bp.get("/api/v1/catalogue/financements")
def catalogue_financements():
    return jsonify(bodies.schemes_catalogue(current_content().catalogs, date.today()))


@bp.get("/api/v1/catalogue/contacts")
def catalogue_contacts():
    return jsonify(bodies.contacts_catalogue(current_content().catalogs))


@bp.get("/api/v1/catalogue/ressources")
def catalogue_ressources():
    from app.ressources.routes import catalogue_response  # the library's owner

    return catalogue_response()


@bp.get("/api/v1/openapi.json")
def openapi():
    global _SPEC
    if _SPEC is None:
        _SPEC = build_spec()
    return jsonify(_SPEC)


@bp.get("/api")
def docs():
    return render_template(
        "api/docs.html",
        example=json.dumps(EXAMPLE, ensure_ascii=False, indent=2),
        base_url=public_url("pages.accueil").rstrip("/"),
    )


@bp.after_app_request
def cors(response):
    """Open CORS on /api: any origin, simple preflight. No credentials are ever used."""
    if request.path.startswith("/api"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = (
                request.headers.get("Access-Control-Request-Headers") or "Content-Type"
            )
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
