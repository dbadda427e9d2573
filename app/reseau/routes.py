"""Views of the network: the owner's publication form (private, by the site's token), the
public list and pages of projets inspirants, reader reports, the contact form relayed by the
service (app.reseau.contact), and « Projets comparables »."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for

from app.accounts.permissions import can, readers_see
from app.content import current_content
from app.events import record_visitor_vote
from app.extensions import db
from app.models import EventType, Site
from app.reseau import contact, service
from app.reseau.models import STATUSES, ProjetInspirant
from app.ressources.routes import VOTES_KEY, visitor_voted

from . import bp

REPORTS_KEY = "signalements_projets"


def _site(token: str) -> Site:
    site = Site.query.filter_by(token=token).first()
    if site is None:
        abort(404)
    return site


def _territory_names(projet: ProjetInspirant) -> dict:
    try:
        from app.geo import get_dataset

        ds = get_dataset()
        commune = ds.communes.get(projet.commune_code) if projet.commune_code else None
        return {
            "commune": commune.nom if commune else None,
            "departement": ds.departements.get(projet.departement_code, (None,))[0],
            "region": ds.regions.get(projet.region_code),
        }
    except Exception:  # names are a comfort
        return {"commune": None, "departement": None, "region": None}


def _facts(projet: ProjetInspirant) -> dict:
    content = current_content()
    phases = {p.id: p.title for p in content.catalogs.phases}
    names = _territory_names(projet)
    return {
        "usage": service.usage_label(content, projet.usage),
        "phase": phases.get(projet.phase),
        "surface": service._ha(projet.surface_m2) if projet.surface_m2 else None,
        "lieu": names["commune"]
        and f"{names['commune']} ({names['departement'] or projet.departement_code})"
        or names["departement"]
        or names["region"],
        "region": names["region"],
    }


# The publication form speaks for the site in public: a « lecteur » is sent to the site's page.
readers_see("sites.show", "reseau.publier")


@bp.route("/sites/<token>/projet-inspirant", methods=["GET", "POST"])
def publier(token: str):
    site = _site(token)
    content = current_content()
    projet = ProjetInspirant.query.filter_by(site_id=site.id).first()
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        # Publishing speaks for the site in public: its owners only, once it has members.
        from app.accounts.permissions import require_site_access

        require_site_access(site, "manage")
        if request.form.get("action") == "retirer":
            if service.withdraw(site):
                db.session.commit()
                flash(
                    "Votre projet n'est plus publié. Vous pouvez le publier de nouveau quand vous le souhaitez."
                )
            return redirect(url_for("reseau.publier", token=token), code=303)
        if request.form.get("action") in ("fermer_contact", "ouvrir_contact") and projet is not None:
            projet.contact_ouvert = request.form["action"] == "ouvrir_contact"
            if not projet.contact_ouvert:
                contact.drop_pending(projet)
            db.session.commit()
            flash(
                "Les lecteurs peuvent de nouveau vous écrire par le formulaire de la page du projet."
                if projet.contact_ouvert
                else "Les lecteurs ne peuvent plus vous écrire : le formulaire de contact est retiré de la page du projet."
            )
            return redirect(url_for("reseau.publier", token=token) + "#contact", code=303)
        values, errors = service.validate(request.form)
        if not errors:
            projet = service.publish(site, content, values)
            db.session.commit()
            flash("Merci ! Votre projet sera relu par l'équipe du service avant d'être publié.")
            return redirect(url_for("reseau.publier", token=token), code=303)
    elif projet is not None:
        values = {
            "titre": projet.titre,
            "recit": projet.recit,
            "financements": projet.financements,
            "enseignements": projet.enseignements,
            "montrer_commune": projet.commune_code is not None,
            "montrer_surface": projet.surface_m2 is not None,
            "montrer_usage": projet.usage is not None,
            "montrer_phase": projet.phase is not None,
        }
    else:
        values = {
            "montrer_usage": True,
            "montrer_phase": True,
            "montrer_surface": True,
            "montrer_commune": True,
        }
    preview = {
        "usage": _usage_preview(content, service.site_usages(site)),
        "phase": {p.id: p.title for p in content.catalogs.phases}.get(
            service.phase_reached(site, content.catalogs)
        ),
        "surface": service._ha(service.site_surface(site)) if service.site_surface(site) else None,
    }
    return (
        render_template(
            "reseau/publier.html",
            site=site,
            may_publish=can(site, "manage"),
            projet=projet,
            statuses=STATUSES,
            values=values,
            errors=errors,
            preview=preview,
            limits=service.TEXT_LIMITS,
            has_owner=bool(contact.owner_emails(projet)) if projet else None,
        ),
        400 if errors else 200,
    )


def _filter_choices(content) -> dict[str, dict[str, str]]:
    """The choices of each filter of the list: usage (the questionnaire's), phase reached (the
    path's phases), région (those of published projects)."""
    info = content.vocabulary.get(("question", "usage"))
    usages = dict(info.choices) if info else {}
    usages.pop("inconnu", None)
    phases = {p.id: p.title for p in content.catalogs.phases}
    codes = {
        code
        for (code,) in db.session.query(ProjetInspirant.region_code)
        .filter(ProjetInspirant.statut == "publie", ProjetInspirant.region_code.isnot(None))
        .distinct()
    }
    try:
        from app.geo import get_dataset

        names = get_dataset().regions
    except Exception:  # names are a comfort
        names = {}
    regions = dict(sorted(((c, names.get(c) or c) for c in codes), key=lambda kv: kv[1]))
    return {"usage": usages, "phase": phases, "region": regions}


FILTER_NAMES = {"usage": "L'usage", "phase": "La phase", "region": "La région"}


@bp.get("/projets-inspirants")
def liste():
    from app.maps import projet_points

    content = current_content()
    choices = _filter_choices(content)
    chosen: dict[str, str] = {}
    messages = []
    for key, options in choices.items():
        value = request.args.get(key, "")
        if value and value not in options:
            messages.append(
                f"{FILTER_NAMES[key]} « {value[:40]} » n'existe pas : ce filtre n'a pas été appliqué."
            )
        elif value:
            chosen[key] = value
    query = service.published()
    for key, value in chosen.items():
        query = query.filter(getattr(ProjetInspirant, f"{key}_code" if key == "region" else key) == value)
    projets = [(p, _facts(p)) for p in query.limit(200)]
    points, missing = projet_points(projets)
    missing_sentence = (
        f"{missing} projet{'s' if missing > 1 else ''} de la liste, dont la commune n'est pas "
        f"publiée, {'ne figurent' if missing > 1 else 'ne figure'} pas sur la carte."
        if missing and points
        else ""
    )
    return render_template(
        "reseau/liste.html",
        projets=projets,
        usages=choices["usage"],
        phases=choices["phase"],
        regions=choices["region"],
        usage=chosen.get("usage", ""),
        phase=chosen.get("phase", ""),
        region=chosen.get("region", ""),
        filtered=bool(chosen),
        message=" ".join(messages) or None,
        points=points,
        missing_sentence=missing_sentence,
    )


def _published_or_404(public_id: str) -> ProjetInspirant:
    projet = ProjetInspirant.query.filter_by(public_id=public_id, statut="publie").first()
    if projet is None:
        abort(404)
    return projet


def _render_page(projet: ProjetInspirant, values=None, errors=None, status: int = 200, sent=False):
    return (
        render_template(
            "reseau/page.html",
            p=projet,
            sent=sent,
            facts=_facts(projet),
            reported=projet.public_id in session.get(REPORTS_KEY, []),
            contact_state=contact.availability(projet),
            values=values or {},
            errors=errors or {},
            limits={
                "nom": contact.NAME_MAX,
                "organisation": contact.ORGANISATION_MAX,
                "message_min": contact.MESSAGE_MIN,
                "message": contact.MESSAGE_MAX,
            },
            honeypot=contact.HONEYPOT,
            voted=request.args.get("avis") in ("oui", "non"),
            previous_vote=visitor_voted("projet", projet.public_id),
        ),
        status,
    )


@bp.get("/projets-inspirants/<public_id>")
def page(public_id: str):
    projet = _published_or_404(public_id)
    from app.ressources.routes import _event

    _event(EventType.PROJECT_VIEWED, {"id": projet.public_id})
    return _render_page(projet, sent=request.args.get("message") == "envoye")


@bp.post("/projets-inspirants/<public_id>/avis")
def vote(public_id: str):
    """« Ce projet vous a-t-il été utile ? »: one vote per project and browser session (a
    second replaces the first), counted in the evaluation on /stats; rate limited."""
    projet = _published_or_404(public_id)
    useful = request.form.get("utile", "")
    if useful in ("oui", "non"):
        session[VOTES_KEY] = record_visitor_vote(
            session.get(VOTES_KEY, {}), "projet", projet.public_id, useful == "oui"
        )
        db.session.commit()
        return redirect(url_for("reseau.page", public_id=public_id, avis=useful, _anchor="avis"), code=303)
    return redirect(url_for("reseau.page", public_id=public_id, _anchor="avis"), code=303)


@bp.post("/projets-inspirants/<public_id>/contact")
def contact_owner(public_id: str):
    """A reader writes to the project's owners: stored for moderation, never sent at once."""
    projet = _published_or_404(public_id)
    if contact.availability(projet) != "ouvert":
        return _render_page(projet, status=403)
    # The thanks are shown in the contact section itself, where the browser lands (#contact):
    # a banner at the top of the page would stay out of sight.
    sent = redirect(url_for("reseau.page", public_id=public_id, message="envoye") + "#contact", code=303)
    if contact.is_bot(request.form):
        current_app.logger.info("reseau: contact form honeypot filled (project %s)", projet.id)
        return sent
    values, errors = contact.validate(request.form)
    if errors:
        return _render_page(projet, values, errors, status=400)
    contact.purge()
    message = contact.submit(projet, values)
    db.session.commit()
    current_app.logger.info("reseau: message %s waits for moderation (project %s)", message.id, projet.id)
    return sent


@bp.post("/projets-inspirants/<public_id>/signaler")
def signaler(public_id: str):
    """A reader reports a published project to the team (once per browser session, rate limited)."""
    projet = _published_or_404(public_id)
    reports = list(session.get(REPORTS_KEY, []))
    if public_id not in reports:
        projet.signalements += 1
        db.session.commit()
        reports.append(public_id)
        session[REPORTS_KEY] = reports[-100:]
        current_app.logger.info("reseau: project %s reported", projet.id)
    flash("Merci, votre signalement a été transmis à l'équipe du service, qui relira ce projet.")
    return redirect(url_for("reseau.page", public_id=public_id), code=303)


def _usage_preview(content, usages: list[str]) -> str | None:
    """What « L'usage prévu » will publish: the first use chosen, saying so when there are more."""
    if not usages:
        return None
    label = service.usage_label(content, usages[0])
    return f"{label} (le premier des {len(usages)} usages indiqués)" if len(usages) > 1 else label


@bp.app_template_global("site_usages")
def site_usages(site) -> list[str]:
    return service.site_usages(site)


@bp.app_template_global("projets_comparables")
def projets_comparables(site):
    """« Projets comparables » for a site page (stats never break a page: [] on failure)."""
    try:
        content = current_content()
        return [(c, _facts(c.projet)) for c in service.comparables(site, content)]
    except Exception:
        db.session.rollback()
        current_app.logger.exception("reseau: comparables failed")
        return []
