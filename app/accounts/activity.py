"""The action log of a site, fed by the site's own write routes without touching them: after a
successful form post (a redirect: every write route follows post/redirect/get, a refused input
re-renders the page with a 4xx), the route's endpoint says what was done and the database says
the result."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from app.accounts.service import log
from app.extensions import db
from app.models import Site, StepProgress

STATUS_WORDS = {
    "a_faire": "à faire",
    "en_cours": "en cours",
    "fait": "faite",
    "non_concerne": "non concernée",
}


def _step(site: Site, args: dict) -> tuple[str, str, dict] | None:
    from app.content import current_content

    step_id = args.get("step_id")
    step = current_content().catalogs.steps_by_id.get(step_id)
    progress = StepProgress.query.filter_by(site_id=site.id, step_id=step_id).first()
    if step is None or progress is None:
        return None
    word = STATUS_WORDS.get(progress.status, progress.status)
    return "etape", f"a marqué l'étape « {step.title} » {word}", {"etape": step_id, "statut": progress.status}


def _questionnaire(site: Site, args: dict) -> tuple[str, str, dict] | None:
    from app.content import current_content

    group = current_content().questionnaire.group(args.get("group_id"))
    if group is None:
        return None
    return "questionnaire", f"a enregistré la page « {group.title} » du questionnaire", {"page": group.id}


def _location(site: Site, args: dict) -> tuple[str, str, dict]:
    return "localisation", "a modifié la localisation du site", {}


DESCRIBERS = {
    "parcours.update_status": _step,
    "parcours.update_step": _step,
    "questionnaire.group": _questionnaire,
    "localisation.localisation": _location,
}


def log_site_write(response):
    """``after_request``: one log line per successful write of a site route."""
    describe = DESCRIBERS.get(request.endpoint or "")
    if describe is None or request.method != "POST" or response.status_code not in (302, 303):
        return response
    try:
        site = Site.query.filter_by(token=(request.view_args or {}).get("token")).first()
        entry = describe(site, request.view_args or {}) if site is not None else None
        if entry is not None:
            kind, text, data = entry
            log(site, current_user if current_user.is_authenticated else None, kind, text, data)
            db.session.commit()
    except Exception:  # the log must never turn a saved change into an error page
        db.session.rollback()
        current_app.logger.exception("action log failed")
    return response
