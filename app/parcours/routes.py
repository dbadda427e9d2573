"""Path page and step tracking. Thin views: computation in app.engine, glue in service.py."""

from __future__ import annotations

from datetime import date

from flask import abort, get_template_attribute, redirect, render_template, request, url_for

from app.events import record
from app.extensions import db
from app.models import STEP_STATUSES, Site, StepProgress

from . import bp
from .service import compute_for_site

NOTE_MAX = 2000
_FRAGMENTS: dict[tuple, str] = {}  # rendered step contents, per computed step (see _step.html)
FRAGMENTS_MAX = 20_000


def _fragments(result, commune: str | None) -> dict[str, str]:
    """Step card contents, rendered once per distinct computed step and process. The key holds
    everything the fragment shows, so a changed answer, scheme date or commune renders anew."""
    body = None
    out = {}
    for s in result.steps:
        key = (s.id, s.status, tuple(s.reasons), tuple(c.id for c in s.contacts), commune,
               tuple((f.id, f.status, f.days_left, f.eligibility) for f in s.schemes), id(s.step))
        html = _FRAGMENTS.get(key)
        if html is None:
            body = body or get_template_attribute("parcours/_step.html", "body")
            html = body(s, commune)
            if len(_FRAGMENTS) > FRAGMENTS_MAX:
                _FRAGMENTS.clear()
            _FRAGMENTS[key] = html
        out[s.id] = html
    return out


def _site(token: str) -> Site:
    return Site.query.filter_by(token=token).first_or_404()


def _progress(site: Site) -> dict[str, StepProgress]:
    return {p.step_id: p for p in site.steps}


def _render(site: Site, errors: dict | None = None):
    result, territoire = compute_for_site(site)
    progress = _progress(site)
    phases = []
    for group in result.by_phase():
        done = sum(1 for s in group.steps if progress.get(s.id) and progress[s.id].status in ("fait", "non_concerne"))
        phases.append({"group": group, "done": done, "total": len(group.steps)})
    next_step = next((s for s in result.steps
                      if not progress.get(s.id) or progress[s.id].status in ("a_faire", "en_cours")), None)
    done_total = sum(p["done"] for p in phases)
    html = render_template(
        "parcours/show.html", site=site, result=result, territoire=territoire, phases=phases,
        progress=progress, next_step=next_step, statuses=STEP_STATUSES, errors=errors or {},
        done_total=done_total, today=date.today(),
        fragments=_fragments(result, territoire["commune"]["nom"] if territoire else None),
    )
    return html, result


@bp.get("/sites/<token>/parcours")
def show(token: str):
    site = _site(token)
    html, result = _render(site)
    record("parcours_consulte", site, {
        "financements": [s.id for s in result.open_schemes],
        "nb_etapes": len(result.steps),
    })
    db.session.commit()
    return html


@bp.post("/sites/<token>/parcours/etapes/<step_id>")
def update_step(token: str, step_id: str):
    site = _site(token)
    result, _ = compute_for_site(site)
    step = next((s for s in result.steps if s.id == step_id), None)
    if step is None:
        abort(404)
    form = request.form
    new_status = form.get("statut", "")
    raw_date = (form.get("date") or "").strip()
    note = (form.get("note") or "").strip()
    errors: dict[str, str] = {}
    if new_status not in STEP_STATUSES:
        errors["statut"] = "Choisissez un état : à faire, en cours, fait ou non concerné."
    when = None
    if raw_date:
        try:
            when = date.fromisoformat(raw_date)
        except ValueError:
            errors["date"] = "Saisissez une date valide au format JJ/MM/AAAA."
        else:
            if when.year < 1900 or when > date.today().replace(year=date.today().year + 10):
                errors["date"] = "Saisissez une date plausible."
    if len(note) > NOTE_MAX:
        errors["note"] = f"La note ne doit pas dépasser {NOTE_MAX} caractères (actuellement {len(note)})."
    if errors:
        kept = {"step": step_id, "statut": new_status, "date": raw_date, "note": note, **{f"err_{k}": v for k, v in errors.items()}}
        html, _ = _render(site, errors=kept)
        return html, 400
    entry = _progress(site).get(step_id)
    if entry is None:
        entry = StepProgress(site=site, step_id=step_id)
        db.session.add(entry)
    changed = (entry.status, entry.date, entry.note or "") != (new_status, when, note)
    entry.status = new_status
    entry.date = when or (date.today() if new_status == "fait" else None)
    entry.note = note or None
    if changed:
        record("etape_statut", site, {"etape": step_id, "phase": step.phase.id, "statut": new_status})
    db.session.commit()
    return redirect(url_for("parcours.show", token=token, _anchor=f"etape-{step_id}"), code=303)
