from __future__ import annotations

from pathlib import Path

import yaml
from flask import current_app, jsonify, render_template, request, url_for

from app.content import current_content
from app.database import check as check_database
from app.extensions import db
from app.pages import bp
from app.pages.budget import load_budget

# Feature blueprints register entries here (label, endpoint); missing endpoints are skipped,
# so the navigation never links to a page that does not exist yet.
NAVIGATION = [
    ("Accueil", "pages.accueil"),
    ("Commencer un parcours", "sites.start"),
    ("Plusieurs sites", "portfolio.new"),
    ("Boîte à outils", "ressources.index"),
    ("Projets inspirants", "reseau.liste"),
    ("Statistiques", "stats.page"),
    ("API", "api.docs"),
]


@bp.app_context_processor
def layout_helpers():
    def main_navigation():
        items = []
        for label, endpoint in NAVIGATION:
            items.append({"label": label, "url": url_for(endpoint), "current": request.endpoint == endpoint})
        return items

    def site_notices():
        """Banners shown on every page (e.g. demonstration data). Providers are registered in
        app.extensions['site_notices'] as callables returning a string or None."""
        notices = []
        for provider in current_app.extensions.get("site_notices", []):
            try:
                message = provider()
            except Exception:  # a notice must never break a page
                current_app.logger.exception("site notice provider failed")
                message = None
            if message:
                notices.append(message)
        return notices

    return {"main_navigation": main_navigation, "site_notices": site_notices}


@bp.route("/")
def accueil():
    return render_template("pages/accueil.html", start_url=url_for("sites.start"))


@bp.route("/mentions-legales")
def mentions_legales():
    return render_template("pages/mentions_legales.html")


@bp.route("/accessibilite")
def accessibilite():
    return render_template("pages/accessibilite.html")


@bp.route("/donnees-personnelles")
def donnees_personnelles():
    return render_template("pages/donnees_personnelles.html")


@bp.route("/gestion-des-cookies")
def cookies():
    return render_template("pages/cookies.html")


@bp.route("/quoi-de-neuf")
def quoi_de_neuf():
    """What changed in the reference content (data/nouveautes.yaml), newest first."""
    content = current_content()
    cat = content.catalogs
    names = {s.id: s.title for s in cat.steps}
    names.update({k: v.name for k, v in cat.schemes.items()})
    names.update({c.id: c.name for c in cat.contacts})
    return render_template("pages/quoi_de_neuf.html", entries=content.changelog, names=names)


@bp.route("/budget")
def budget():
    """Published twice a year from data/budget.yaml (app.pages.budget)."""
    path = Path(current_app.config["CONTENT_ROOT"]) / "data" / "budget.yaml"
    return render_template("pages/budget.html", budget=load_budget(path))


@bp.route("/ecoconception")
def ecoconception():
    """Ecodesign declaration (RGESN 2024) with the service's own measured figures, written by
    bench/ecodesign_bench.py into stats/ecoconception.yaml."""
    path = Path(current_app.config["CONTENT_ROOT"]) / "stats" / "ecoconception.yaml"
    measures = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return render_template("pages/ecoconception.html", mesures=measures)


@bp.route("/plan-du-site")
def plan_du_site():
    return render_template("pages/plan_du_site.html")


@bp.route("/healthz")
def healthz():
    """200 when the database answers and accepts writes within about a second, 503 otherwise
    (app.database.check). Used by the host's health checks."""
    try:
        check_database(db)
        return jsonify(status="ok", database="ok")
    except Exception as exc:  # any driver error means "not healthy"
        current_app.logger.warning("healthz: database unavailable: %s", type(exc).__name__)
        return jsonify(status="erreur", database="indisponible"), 503
