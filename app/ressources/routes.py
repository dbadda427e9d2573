"""Views of the library: the filtered list (a GET form, no JavaScript), a page per resource, the
template download, the « utile ? » vote and the library's API route."""

from __future__ import annotations

import threading
import time

import markdown as md
from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from markupsafe import Markup

from app.content import current_content
from app.engine.resources import (
    AUDIENCES,
    FAMILIES,
    FAMILY_HINTS,
    FORMATS,
    LEVELS,
    NOTICE_KEYS,
    PDF_MIMETYPE,
    Filters,
    library,
    select,
    template_path,
)
from app.events import EventType, event_values, record_visitor_vote
from app.extensions import db
from app.models import Event
from app.parcours.view_events import buffer_for

from . import bp
from .evaluation import evaluation

VOTES_KEY = "avis_publics"  # session: "type:id" → id of the vote event (app.events.record_visitor_vote)


def _library():
    content = current_content()
    return content, library(content.catalogs.resources)


def _resource_or_404(resource_id: str):
    content, resources = _library()
    resource = next((r for r in resources if r.id == resource_id), None)
    if resource is None:
        abort(404)
    return content, resource


def _event(event_type: EventType, data: dict) -> None:
    """A view or download event, batched like the path views (never breaks the page)."""
    try:
        buffer = buffer_for(current_app._get_current_object())
        if buffer is None:
            db.session.add(Event(**event_values(event_type, None, data)))
            db.session.commit()
        else:
            buffer.add(event_values(event_type, None, data))
    except Exception:  # statistics must never break a page
        db.session.rollback()
        current_app.logger.exception("ressources: event %s not recorded", event_type)


def _read_filters(args) -> tuple[Filters, list[str]]:
    """Filters from the query string; unknown values are ignored with a French message."""
    phases = {p.id: p.title for p in current_content().catalogs.phases}
    messages = []
    values = {}
    for key, allowed, what in (
        ("famille", FAMILIES, "famille"),
        ("phase", phases, "phase"),
        ("public", AUDIENCES, "public"),
        ("format", FORMATS, "format"),
    ):
        raw = args.get(key, "").strip()
        if raw and raw not in allowed:
            messages.append(f"Le filtre {what} « {raw[:40]} » n'existe pas : il n'a pas été appliqué.")
            raw = ""
        values[key] = raw
    level = None
    raw = args.get("niveau", "").strip()
    if raw:
        if raw in ("1", "2"):
            level = int(raw)
        else:
            messages.append(f"Le niveau « {raw[:40]} » n'existe pas : choisissez 1 ou 2.")
    return (
        Filters(values["famille"], values["phase"], values["public"], values["format"], level),
        messages,
    )


@bp.get("/ressources")
def index():
    content, resources = _library()
    filters, messages = _read_filters(request.args)
    kept = select(resources, filters)
    groups = [
        (family, label, FAMILY_HINTS[family], [r for r in kept if r.family == family])
        for family, label in FAMILIES.items()
    ]
    return render_template(
        "ressources/index.html",
        groups=[g for g in groups if g[3]],
        total=len(resources),
        count=len(kept),
        filters=filters,
        messages=messages,
        families=FAMILIES,
        phases=[(p.id, p.title) for p in content.catalogs.phases],
        audiences=AUDIENCES,
        formats=FORMATS,
        levels=LEVELS,
        phase_titles={p.id: p.title for p in content.catalogs.phases},
        active=any((filters.family, filters.phase, filters.audience, filters.format, filters.level)),
    )


@bp.get("/ressources/<resource_id>")
def show(resource_id: str):
    content, resource = _resource_or_404(resource_id)
    steps = [s for s in content.catalogs.steps if resource.id in s.resources]
    _event(EventType.RESOURCE_VIEWED, {"id": resource.id})
    voted = request.args.get("avis") in ("oui", "non")
    return render_template(
        "ressources/page.html",
        r=resource,
        body=Markup(md.markdown(resource.body, extensions=["sane_lists"])) if resource.body else None,
        notice=[(label, getattr(resource.notice, attr)) for attr, label in _NOTICE_ATTRS],
        phase_titles={p.id: p.title for p in content.catalogs.phases},
        steps=steps,
        voted=voted,
        previous_vote=visitor_voted("ressource", resource.id),
    )


_NOTICE_ATTRS = [
    ("objectives", NOTICE_KEYS["objectifs"]),
    ("contents", NOTICE_KEYS["contenus"]),
    ("implementation", NOTICE_KEYS["mise_en_oeuvre"]),
    ("duration", NOTICE_KEYS["duree"]),
]


@bp.get("/ressources/<resource_id>/telecharger")
def download(resource_id: str):
    content, resource = _resource_or_404(resource_id)
    pdf = request.args.get("format") == "pdf"
    path = template_path(content.root / "data" / "ressources", resource, pdf=pdf)
    if path is None or not path.is_file():
        abort(404)
    _event(EventType.RESOURCE_DOWNLOADED, {"id": resource.id})
    return send_file(
        path,
        mimetype=PDF_MIMETYPE if pdf else resource.template_mimetype,
        as_attachment=True,
        download_name=path.name,
        max_age=3600,
    )


@bp.post("/ressources/<resource_id>/avis")
def vote(resource_id: str):
    """« Cette ressource vous a-t-elle été utile ? » outside a path: one vote per resource and
    browser session (a second vote replaces the first), rate limited (app/limits.py)."""
    _, resource = _resource_or_404(resource_id)
    useful = request.form.get("utile", "")
    if useful not in ("oui", "non"):
        return redirect(url_for("ressources.show", resource_id=resource.id, _anchor="avis"), code=303)
    session[VOTES_KEY] = record_visitor_vote(
        session.get(VOTES_KEY, {}), "ressource", resource.id, useful == "oui"
    )
    db.session.commit()
    return redirect(
        url_for("ressources.show", resource_id=resource.id, avis=useful, _anchor="avis"), code=303
    )


def visitor_voted(item_type: str, item_id: str) -> bool:
    """Whether this browser already answered « utile ? » for this public page."""
    return f"{item_type}:{item_id}" in session.get(VOTES_KEY, {})


@bp.after_app_request
def count_step_views(response: Response) -> Response:
    """A step page shown (``parcours.step_page``, or through a read-only share link) counts one
    « etape_vue » for /stats: the step id only, never the site."""
    if (
        request.endpoint in ("parcours.step_page", "lecture.step")
        and request.method == "GET"
        and response.status_code == 200
    ):
        step_id = (request.view_args or {}).get("step_id")
        if isinstance(step_id, str):
            _event(EventType.STEP_VIEWED, {"id": step_id})
    return response


# --- /stats: the evaluation table (included by stats/page.html) ------------------------------------

_LOCK = threading.Lock()


@bp.app_template_global("evaluation_outils")
def evaluation_outils():
    """Rows of the evaluation table, recomputed at most every ``STATS_CACHE_SECONDS`` (the
    cache lives in the app, keyed by the content bundle)."""
    app = current_app._get_current_object()
    ttl = float(app.config.get("STATS_CACHE_SECONDS") or 60)
    content, resources = _library()
    cache = app.extensions.setdefault("ressources_evaluation", {})
    with _LOCK:
        hit = cache.get(id(content))
        if hit and time.monotonic() - hit[0] < ttl:
            return hit[1]
    try:
        from app.reseau.service import published

        projects = [(p.public_id, p.titre) for p in published().limit(500)]
        rows = evaluation(db.session, resources, content.catalogs.steps, projects)
    except Exception:  # a figure missing is better than a broken /stats
        db.session.rollback()
        current_app.logger.exception("ressources: evaluation failed")
        return None
    with _LOCK:
        cache.clear()
        cache[id(content)] = (time.monotonic(), rows)
    return rows


# --- API ----------------------------------------------------------------------------------------------


def resource_api_body(r, root_url: str) -> dict:
    base = root_url.rstrip("/")
    return {
        "id": r.id,
        "titre": r.title,
        "description": r.description,
        "url": r.url if r.url.startswith("https://") else base + r.url,
        "type": r.kind,
        "page": base + url_for("ressources.show", resource_id=r.id),
        "famille": r.family,
        "phases": list(r.phases),
        "public": list(r.audiences),
        "format": r.format,
        "niveau": r.level,
        "notice": {
            "objectifs": r.notice.objectives,
            "contenus": r.notice.contents,
            "mise_en_oeuvre": r.notice.implementation,
            "duree": r.notice.duration,
        },
        "licence": r.licence,
        "source": r.source,
        "fichier": base + url_for("ressources.download", resource_id=r.id) if r.template else None,
        "fichier_pdf": base + url_for("ressources.download", resource_id=r.id, format="pdf")
        if r.template_pdf
        else None,
        "sources": [{"url": s.url, "titre": s.title} for s in r.sources],
        "verifie_le": r.checked_on.isoformat() if r.checked_on else None,
        "verifie": r.verified,
        "note": r.note,
        "a_confirmer": r.to_confirm,
    }


def catalogue_response():
    """``GET /api/v1/catalogue/ressources`` (routed in app.api): the library as open data,
    filtered like /ressources (famille, phase, public, format, niveau); 400 on an unknown value."""
    from app.api.bodies import resource_body

    content, resources = _library()
    filters, messages = _read_filters(request.args)
    if messages:
        response = jsonify(erreur="Paramètre invalide", message=" ".join(messages), code=400)
        response.status_code = 400
        return response
    others = [r for r in content.catalogs.resources.values() if r not in resources]
    body = [resource_api_body(r, request.url_root) for r in select(resources, filters)]
    if not (filters.family or filters.phase or filters.audience or filters.format or filters.level):
        body += [resource_body(r) for r in others]  # older YAML links (not classified)
    return jsonify(ressources=body)
