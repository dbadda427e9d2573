from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts import service as accounts
from app.accounts.permissions import is_attached
from app.events import EventType, record
from app.extensions import db
from app.geo import get_commune
from app.models import Site
from app.questionnaire.service import get_questionnaire, progress_of, site_facts
from app.synthese.pdf import summary_for

from . import bp
from .service import PRIVATE_LINK, get_site_or_404, location_url, public_url


@bp.get("/sites")
def new():
    """A page with the « Commencer » button (the navigation links here)."""
    return render_template("sites/nouveau.html")


@bp.post("/sites")
def start():
    site = Site()
    db.session.add(site)
    record(EventType.SITE_CREATED, site)
    if current_user.is_authenticated:
        # started from an account: the site is theirs at once, and in « Mes sites »
        accounts.attach(site, current_user)
        accounts.log(site, current_user, "rattachement", "a créé le site et l'a rattaché à son compte")
        db.session.commit()
        flash("Votre site est créé et rattaché à votre compte : retrouvez-le dans « Mes sites ».", "success")
        return redirect(location_url(site.token), code=303)
    db.session.commit()
    flash(
        "Votre site est créé. Sans compte, son lien personnel est la seule façon de le retrouver : "
        f"ajoutez-le à vos favoris ou notez-le — {PRIVATE_LINK}",
        "success",
    )
    return redirect(location_url(site.token), code=303)


@bp.get("/sites/<token>")
def show(token: str):
    return render_site(get_site_or_404(token))


def render_site(site: Site, read_only=None):
    """The site's dashboard; with ``read_only`` (app.accounts.permissions.ReadOnly), the version
    of a read-only share link: the template then shows no form and no private address."""
    questionnaire = get_questionnaire()
    facts = site_facts(site, questionnaire)
    commune = get_commune(site.commune_code) if site.commune_code else None
    summary, _ = summary_for(site)
    shown = {
        "site": site,
        "commune": commune,
        "progress": progress_of(site, questionnaire, facts),
        "summary": summary,
        "attached": is_attached(site),
    }
    if read_only is not None:
        return render_template("sites/show.html", **shown, step_url=read_only.step)
    token = site.token
    return render_template(
        "sites/show.html",
        **shown,
        step_url=lambda step_id: url_for("parcours.step_page", token=token, step_id=step_id),
        site_url=public_url("sites.show", token=token),
        location_url=location_url(token),
    )
