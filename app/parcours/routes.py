"""Path page, step page and step tracking. Thin views: computation in app.engine, glue in
service.py, the rendered-page cache in page_cache.py."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from flask import (
    Response,
    abort,
    current_app,
    get_template_attribute,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import Text, bindparam, cast, func, literal_column, null, select, union_all

from app.accounts import advisers
from app.accounts.permissions import may_write
from app.content import path_engine
from app.engine import plan
from app.engine.parcours import ALWAYS
from app.events import EventType, event_values
from app.extensions import db
from app.models import STEP_STATUSES, Answer, Event, Site, StepProgress
from app.pages.routes import layout_helpers
from app.reseau.models import ProjetInspirant

from . import bp
from .coordonnees import official_contacts
from .page_cache import CSRF_PLACEHOLDER, CachedPage, PageCache, site_version, squeeze
from .service import STEP_VERSION_FIELD, compute_for_site, save_step, step_version
from .view_events import buffer_for

NOTE_MAX = 2000
STATUS_ERROR = "Choisissez un état : à faire, en cours, fait ou non concerné."
_FRAGMENTS: dict[tuple, str] = {}  # rendered step contents, per computed step (see _step.html)
FRAGMENTS_MAX = 20_000


def _fragment(step, commune: str | None, body=None) -> str:
    """Step card contents, rendered once per distinct computed step and process. The key holds
    everything the fragment shows, so a changed answer, scheme date or commune renders anew."""
    key = (
        step.id,
        step.status,
        tuple(step.reasons),
        tuple(c.id for c in step.contacts),
        commune,
        tuple((f.id, f.status, f.days_left, f.eligibility) for f in step.schemes),
        id(step.step),
    )
    html = _FRAGMENTS.get(key)
    if html is None:
        body = body or get_template_attribute("parcours/_step.html", "body")
        html = Markup(squeeze(str(body(step, commune))))
        if len(_FRAGMENTS) > FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        _FRAGMENTS[key] = html
    return html


def _page_cache() -> PageCache:
    cache = current_app.extensions.get("parcours_page_cache")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "parcours_page_cache", PageCache(current_app.config.get("PARCOURS_PAGE_CACHE_SITES", 200))
        )
    return cache


def _site(token: str) -> Site:
    return Site.query.filter_by(token=token).first_or_404()


def _progress(site: Site) -> dict[str, StepProgress]:
    return {p.step_id: p for p in site.steps}


def _commune(territoire: dict | None) -> str | None:
    return territoire["commune"]["nom"] if territoire else None


def viewer_kind() -> tuple[bool, bool, bool]:
    """What the path page shows differently to two visitors of the same site version: the forms
    and the reading notice (``may_write``: a « lecteur » has neither forms nor the same notice),
    and the header's account tools (logged in or not, adviser or not). Part of the cache key."""
    logged_in = bool(current_user.is_authenticated)
    return (may_write(), logged_in, logged_in and advisers.adviser(current_user.email) is not None)


def _render_page(site: Site, today: date) -> CachedPage:
    """The whole page, with a CSRF placeholder where the session's token goes."""
    html, result = render_path(site, today, csrf_token=lambda: CSRF_PLACEHOLDER)
    return CachedPage.from_html(
        html, {"financements": [s.id for s in result.open_schemes], "nb_etapes": len(result.steps)}
    )


def render_path(site: Site, today: date, **extra):
    """(HTML of the path page, computed path). The read-only share link renders it too
    (app.lecture), never cached, with ``g.read_only`` set: no form in it."""
    progress = _progress(site)
    result, territoire = compute_for_site(site, today=today)
    phases = plan.phase_summary(result, progress)
    html = render_template(
        "parcours/show.html",
        site=site,
        result=result,
        territoire=territoire,
        phases=phases,
        actions=plan.next_actions(result, progress, today=today),
        roles=plan.interlocutors(result),
        funding=plan.funding(result, today=today),
        closed=plan.closed_schemes(result),
        card_reason=plan.card_reason,
        always=ALWAYS,
        progress=progress,
        statuses=STEP_STATUSES,
        today=today,
        done_total=sum(p.done for p in phases),
        **extra,
    )
    return html, result


# What every view reads — the site, its answers, its tracking, and the state of the published
# projets inspirants (the page lists « Projets comparables ») — in one statement built once, as
# text (four kinds of rows: "s" site, "a" answer, "p" step progress, "r" network): one query per
# view. The network row is the count of published projects and their latest change: a project
# published, withdrawn, rejected or edited anywhere renders the next path page anew.
def _version_query():
    by_token = Site.token == bindparam("token")
    blank = [null()] * 7
    return union_all(
        select(
            literal_column("'s'"),
            cast(Site.id, Text),
            Site.token,
            Site.nom,
            Site.commune_code,
            Site.epci_code,
            Site.departement_code,
            Site.region_code,
            cast(Site.is_demo, Text),
            cast(Site.surface_m2, Text),
        ).where(by_token),
        select(literal_column("'a'"), Answer.question_id, cast(Answer.value, Text), *blank)
        .join(Site, Site.id == Answer.site_id)
        .where(by_token),
        select(
            literal_column("'p'"),
            StepProgress.step_id,
            StepProgress.status,
            cast(StepProgress.date, Text),
            StepProgress.note,
            *blank[:5],
        )
        .join(Site, Site.id == StepProgress.site_id)
        .where(by_token),
        select(
            literal_column("'r'"),
            cast(func.count(ProjetInspirant.id), Text),
            cast(func.max(ProjetInspirant.updated_at), Text),
            *blank,
        ).where(ProjetInspirant.statut == "publie"),
    )


_VERSION_QUERY = _version_query()


def _read_version_rows(token: str):
    """(site as a namespace, answers as (id, JSON text), tracking as (step, status, date, note),
    network state), or None for an unknown token."""
    rows = db.session.connection().execute(_VERSION_QUERY, {"token": token}).all()
    db.session.rollback()  # end the read transaction at once
    site = next((r for r in rows if r[0] == "s"), None)
    if site is None:
        return None
    row = SimpleNamespace(
        id=int(site[1]),
        token=site[2],
        nom=site[3],
        commune_code=site[4],
        epci_code=site[5],
        departement_code=site[6],
        region_code=site[7],
        is_demo=site[8] in ("1", "true"),
        surface_m2=site[9],
    )
    network = next((tuple(r[1:3]) for r in rows if r[0] == "r"), ())
    return (
        row,
        [(r[1], r[2]) for r in rows if r[0] == "a"],
        [tuple(r[1:5]) for r in rows if r[0] == "p"],
        network,
    )


@bp.get("/sites/<token>/parcours")
def show(token: str):
    found = _read_version_rows(token)
    if found is None:
        abort(404)
    row, answers, tracking, network = found
    today = date.today()
    version = site_version(
        row, answers, tracking, path_engine(), today, tuple(layout_helpers()["site_notices"]()), network
    )
    # Rendered, never cached: the thanks after a vote (``?avis=…``) and pending flash messages.
    use_cache = (
        current_app.config.get("PARCOURS_PAGE_CACHE", True)
        and "avis" not in request.args
        and not session.get("_flashes")
    )
    cache = _page_cache()
    key = (row.id, viewer_kind())  # a reader's page is never served to an editor, nor the reverse
    page = cache.get(key, version) if use_cache else None
    if page is None:
        site = db.session.get(Site, row.id)
        if site is None:  # deleted since the read above
            abort(404)
        page = _render_page(site, today)
        if use_cache:
            cache.put(key, version, page)
    body = page.with_csrf(generate_csrf())
    buffer = buffer_for(current_app._get_current_object())
    if buffer is None:
        db.session.add(Event(**event_values(EventType.PATH_VIEWED, row, page.event_data)))
        db.session.commit()
    else:
        buffer.add(event_values(EventType.PATH_VIEWED, row, page.event_data))
    return Response(body, mimetype="text/html")


# --- one step: detail page and tracking -------------------------------------------------------------


def step_or_404(site: Site, step_id: str):
    """The step as computed for this site (404 when the step is not on its path)."""
    result, territoire = compute_for_site(site)
    step = next((s for s in result.steps if s.id == step_id), None)
    if step is None:
        abort(404)
    return step, territoire


def render_step(site: Site, step, territoire, errors: dict | None = None, kept: dict | None = None, code=200):
    entry = _progress(site).get(step.id)
    return render_template(
        "parcours/etape.html",
        site=site,
        step=step,
        territoire=territoire,
        entry=entry,
        status=entry.status if entry else "a_faire",
        statuses=STEP_STATUSES,
        errors=errors or {},
        kept=kept,
        fragment=_fragment(step, _commune(territoire)),
        coordonnees=official_contacts(step, territoire["commune"]["code"] if territoire else None),
        note_max=NOTE_MAX,
        version=step_version(entry),
    ), code


@bp.get("/sites/<token>/parcours/etapes/<step_id>")
def step_page(token: str, step_id: str):
    site = _site(token)
    step, territoire = step_or_404(site, step_id)
    return render_step(site, step, territoire)


def parse_date(raw: str) -> date:
    """A date typed as 2026-10-01 (date input) or 01/10/2026 (text fallback); ValueError if neither."""
    raw = raw.strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return datetime.strptime(raw, "%d/%m/%Y").date()


def _validate(form) -> tuple[dict, dict, dict]:
    """(clean values, errors by field, raw values to show back)."""
    status = form.get("statut", "")
    raw_date = (form.get("date") or "").strip()
    note = (form.get("note") or "").strip().replace("\r\n", "\n")
    errors: dict[str, str] = {}
    if status not in STEP_STATUSES:
        errors["statut"] = STATUS_ERROR
    when = None
    if raw_date:
        try:
            when = parse_date(raw_date)
        except ValueError:
            errors["date"] = "Saisissez une date valide, par exemple 01/10/2026."
        else:
            today = date.today()
            if when.year < 1900 or when > today.replace(year=today.year + 10):
                errors["date"] = "Saisissez une date entre 1900 et les dix prochaines années."
    if len(note) > NOTE_MAX:
        errors["note"] = f"La note ne doit pas dépasser {NOTE_MAX} caractères (actuellement {len(note)})."
    return (
        {"statut": status, "date": when, "note": note},
        errors,
        {"statut": status, "date": raw_date, "note": note},
    )


def _save(site: Site, step, status: str, when: date | None, note: str | None, version=None) -> str | None:
    conflict = save_step(site, step, status, when, note, version)
    db.session.commit()
    return conflict


def _back_to_path(token: str, step_id: str):
    return redirect(url_for("parcours.show", token=token, _anchor=f"etape-{step_id}"), code=303)


@bp.post("/sites/<token>/parcours/etapes/<step_id>")
def update_step(token: str, step_id: str):
    """The full tracking form of the step page: state, date and note."""
    site = _site(token)
    step, territoire = step_or_404(site, step_id)
    values, errors, kept = _validate(request.form)
    if errors:
        return render_step(site, step, territoire, errors, kept, code=400)
    when = values["date"] or (date.today() if values["statut"] == "fait" else None)
    conflict = _save(
        site, step, values["statut"], when, values["note"] or None, request.form.get(STEP_VERSION_FIELD)
    )
    if conflict:
        return render_step(site, step, territoire, {"note": conflict}, kept, code=409)
    return _back_to_path(token, step_id)


@bp.post("/sites/<token>/parcours/etapes/<step_id>/statut")
def update_status(token: str, step_id: str):
    """The compact control of a path-page card: the state only; the note is kept, and the date
    too unless the state changes (then today for « fait », none otherwise)."""
    site = _site(token)
    step, territoire = step_or_404(site, step_id)
    status = request.form.get("statut", "")
    entry = _progress(site).get(step.id)
    if status not in STEP_STATUSES:
        kept = {
            "statut": status,
            "date": entry.date.isoformat() if entry and entry.date else "",
            "note": entry.note if entry and entry.note else "",
        }
        errors = {"statut": STATUS_ERROR}
        return render_step(site, step, territoire, errors, kept, code=400)
    if entry is not None and entry.status == status:
        when = entry.date
    else:
        when = date.today() if status == "fait" else None
    _save(site, step, status, when, entry.note if entry else None)
    return _back_to_path(token, step_id)
