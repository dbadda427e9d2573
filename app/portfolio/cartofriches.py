"""« Ma friche est déjà recensée » : pick the site's friche on Cartofriches (or give its id);
its CNIG fields pre-fill the answers, marked « Cartofriches », and its id is kept with the site
(``site_reference``). Works without JavaScript; a failing Cartofriches is a warning."""

from __future__ import annotations

import os

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.accounts.permissions import readers_see
from app.clients.base import SUCCES, TTLCache
from app.clients.cartofriches import DEFAULT_URL, CartofrichesClient
from app.content import current_content
from app.extensions import db
from app.geo import get_commune
from app.models import Answer, Site
from app.portfolio_core.mapping import answers_from_record

from .models import SiteReference
from .routes import bp

SOURCE = "Cartofriches"
_cache = TTLCache(ttl=3600, max_entries=512)


def client() -> CartofrichesClient:
    cfg = current_app.config
    return CartofrichesClient(
        cfg.get("CARTOFRICHES_URL") or os.environ.get("CARTOFRICHES_URL") or DEFAULT_URL,
        timeout=float(cfg.get("ENRICHMENT_TIMEOUT", 3)),
        retries=int(cfg.get("ENRICHMENT_RETRIES", 1)),
        cache=_cache,
    )


def reference_of(site: Site) -> SiteReference | None:
    return db.session.execute(
        select(SiteReference).where(SiteReference.site_id == site.id, SiteReference.source == "cartofriches")
    ).scalar_one_or_none()


@bp.app_context_processor
def _cartofriches_helpers():
    return {"cartofriches_reference": reference_of}


# Choosing a Cartofriches record pre-fills answers: a « lecteur » sees the site's reference on
# its location page instead.
readers_see("localisation.localisation", "portfolio.cartofriches_page")


@bp.get("/sites/<token>/cartofriches")
def cartofriches_page(token: str):
    site = Site.query.filter_by(token=token).first_or_404()
    listing, warning = None, None
    enabled = current_app.config.get("ENRICHMENT_ENABLED", True)
    if site.commune_code and enabled:
        result = client().friches(site.commune_code)
        if result.statut == SUCCES:
            listing = result.donnees["friches"]
        warning = result.avertissement
    elif not enabled:
        warning = "La consultation des données publiques est désactivée sur ce service."
    return render_template(
        "portfolio/cartofriches.html",
        site=site,
        commune=get_commune(site.commune_code) if site.commune_code else None,
        listing=listing,
        warning=warning,
        reference=reference_of(site),
        error=None,
    )


@bp.post("/sites/<token>/cartofriches")
def cartofriches_choose(token: str):
    site = Site.query.filter_by(token=token).first_or_404()
    site_id = (request.form.get("site_id") or "").strip()
    if not site_id:
        flash("Choisissez une friche dans la liste, ou saisissez son identifiant Cartofriches.", "error")
        return redirect(url_for("portfolio.cartofriches_page", token=token), code=303)
    result = client().friche(site_id)
    if result.statut != SUCCES:
        flash(result.avertissement or "Cartofriches n'a pas répondu : réessayez plus tard.", "warning")
        return redirect(url_for("portfolio.cartofriches_page", token=token), code=303)
    record = result.donnees["cnig"]
    count = apply_record(site, record)
    ref = reference_of(site) or SiteReference(site_id=site.id, source="cartofriches")
    ref.external_id, ref.label = site_id, (record.get("site_nom") or "")[:300] or None
    db.session.add(ref)
    db.session.commit()
    flash(
        f"Friche Cartofriches « {record.get('site_nom') or site_id} » retenue : {count} réponse(s) "
        "pré-remplie(s), marquées « Cartofriches ». Vérifiez-les au fil du questionnaire.",
        "success",
    )
    return redirect(url_for("localisation.localisation", token=token), code=303)


def apply_record(site: Site, record: dict) -> int:
    """Pre-fill answers from a CNIG record; never overwrite an answer the user typed."""
    questionnaire = current_content().questionnaire
    values = answers_from_record(record, questionnaire)
    existing = {a.question_id: a for a in site.answers}
    count = 0
    for qid, value in values.items():
        answer = existing.get(qid)
        if answer is not None and answer.source is None:
            continue
        if answer is None:
            answer = Answer(site=site, question_id=qid)
            db.session.add(answer)
        answer.value = value
        answer.question_label = questionnaire.questions[qid].label
        answer.value_label = questionnaire.label_of(qid, value)
        answer.source = SOURCE
        count += 1
    if not site.nom and record.get("site_nom"):
        site.nom = record["site_nom"][:200]
    if not site.commune_code and (commune := get_commune(record.get("comm_insee") or "")):
        site.commune_code, site.epci_code = commune.code, commune.epci
        site.departement_code, site.region_code = commune.departement, commune.region
    return count
