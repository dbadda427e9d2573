"""Portfolio pages: upload, check report, import progress, the portfolio table, map, figures,
« par où commencer », exports; and the API ``POST /api/v1/parcours/lot``.

A portfolio is reached only by its private link ``/portefeuilles/<token>`` (token masked in
logs by app.privacy). Every page works without JavaScript (progress refreshes itself with a
``<meta http-equiv="refresh">``; the map is an addition over the table).
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select

from app.extensions import csrf, db
from app.portfolio_core.export import to_csv, to_geojson
from app.portfolio_core.readers import FORMATS

from . import jobs, service
from .models import IMPORT_STATUSES, Portfolio, PortfolioImport, PortfolioSite

bp = Blueprint("portfolio", __name__)

PER_PAGE = 50
INLINE_REFRESH_MAX = 50
POLLUTION = [
    "pollution inexistante",
    "pollution peu probable",
    "pollution supposée",
    "pollution avérée",
    "pollution traitée",
    "inconnu",
]
SORTS = {
    "nom": PortfolioSite.nom,
    "commune": PortfolioSite.commune_nom,
    "statut": PortfolioSite.statut,
    "usage": PortfolioSite.usage,
    "pollution": PortfolioSite.pollution,
    "surface": PortfolioSite.surface_m2,
    "phase": PortfolioSite.phase_index,
    "echeance": PortfolioSite.next_deadline,
    "score": PortfolioSite.score,
}
SORT_LABELS = {
    "nom": "Site",
    "commune": "Commune",
    "statut": "Statut",
    "usage": "Usage envisagé",
    "pollution": "Pollution des sols",
    "surface": "Surface",
    "phase": "Phase atteinte",
    "echeance": "Prochaine échéance",
}


def get_portfolio_or_404(token: str) -> Portfolio:
    return Portfolio.query.filter_by(token=token).first_or_404()


def _upload():
    """(filename, bytes) of the ``fichier`` field, or an error message."""
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        return None, "Choisissez le fichier de votre inventaire."
    limit = service.max_bytes()
    data = upload.read(limit + 1)
    if len(data) > limit:
        return None, (
            f"Le fichier dépasse la taille maximale de {limit / (1024 * 1024):.0f} Mo : "
            "découpez l'inventaire en plusieurs fichiers."
        )
    if not data:
        return None, "Le fichier est vide."
    return (upload.filename[:255], data), None


def _new_import(portfolio: Portfolio, filename: str, data: bytes, **kw) -> PortfolioImport:
    imp = PortfolioImport(portfolio=portfolio, filename=filename, payload=data, status="en_attente", **kw)
    db.session.add(imp)
    db.session.flush()
    jobs.enqueue_import(imp)
    return imp


# --- upload ----------------------------------------------------------------------------------


@bp.get("/portefeuilles")
def new():
    return render_template("portfolio/nouveau.html", formats=FORMATS, error=None, max_mo=_max_mo())


def _max_mo() -> int:
    return round(service.max_bytes() / (1024 * 1024))


@bp.post("/portefeuilles")
def create():
    file, error = _upload()
    nom = (request.form.get("nom") or "").strip()[:200] or None
    if error:
        return render_template("portfolio/nouveau.html", formats=FORMATS, error=error, max_mo=_max_mo()), 422
    portfolio = Portfolio(nom=nom)
    db.session.add(portfolio)
    db.session.flush()
    imp = _new_import(portfolio, *file)
    flash(
        "Votre portefeuille est créé. Sans compte, son lien personnel est la seule façon de le retrouver : "
        f"ajoutez-le à vos favoris — {url_for('portfolio.show', token=portfolio.token, _external=True)}",
        "info",
    )
    return redirect(url_for("portfolio.import_status", token=portfolio.token, import_id=imp.id), code=303)


@bp.post("/portefeuilles/<token>/imports")
def reimport(token: str):
    portfolio = get_portfolio_or_404(token)
    file, error = _upload()
    if error:
        flash(error, "error")
        return redirect(url_for("portfolio.show", token=token) + "#importer", code=303)
    imp = _new_import(portfolio, *file)
    return redirect(url_for("portfolio.import_status", token=token, import_id=imp.id), code=303)


def _get_import(portfolio: Portfolio, import_id: int) -> PortfolioImport:
    imp = db.session.get(PortfolioImport, import_id)
    if imp is None or imp.portfolio_id != portfolio.id:
        abort(404)
    return imp


@bp.get("/portefeuilles/<token>/imports/<int:import_id>")
def import_status(token: str, import_id: int):
    portfolio = get_portfolio_or_404(token)
    imp = _get_import(portfolio, import_id)
    rows = imp.report or []
    errors_only = request.args.get("vue") != "tout"
    shown = [r for r in rows if r["erreurs"]] if errors_only else rows
    page, pages = _page_args(len(shown), 100)
    return render_template(
        "portfolio/import.html",
        portfolio=portfolio,
        imp=imp,
        statuses=IMPORT_STATUSES,
        rows=shown[(page - 1) * 100 : page * 100],
        page=page,
        pages=pages,
        errors_only=errors_only,
        refresh=imp.running,
        remarks=sum(1 for r in rows if r["remarques"]),
    )


@bp.post("/portefeuilles/<token>/imports/<int:import_id>/lancer")
def start_import(token: str, import_id: int):
    portfolio = get_portfolio_or_404(token)
    imp = _get_import(portfolio, import_id)
    mode = request.form.get("mode")
    if imp.status != "analyse_terminee" or mode not in ("tout", "valides"):
        flash("Cet import ne peut plus être lancé : déposez le fichier à nouveau.", "error")
        return redirect(url_for("portfolio.import_status", token=token, import_id=import_id), code=303)
    if mode == "tout" and imp.invalid:
        flash(
            "Des lignes ne respectent pas le standard : corrigez-les, ou importez les seules lignes valides.",
            "error",
        )
        return redirect(url_for("portfolio.import_status", token=token, import_id=import_id), code=303)
    imp.mode = mode
    imp.status = "import_demande"
    jobs.enqueue_import(imp)
    return redirect(url_for("portfolio.import_status", token=token, import_id=import_id), code=303)


@bp.get("/portefeuilles/<token>/imports/<int:import_id>/rapport.csv")
def import_report_csv(token: str, import_id: int):
    portfolio = get_portfolio_or_404(token)
    imp = _get_import(portfolio, import_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    label = ((imp.summary or {}).get("libelle_ligne") or "ligne").capitalize()
    writer.writerow([label, "site_id", "Résultat", "Message"])
    for message in (imp.summary or {}).get("erreurs_fichier") or []:
        writer.writerow(["", "", "Fichier refusé", message])
    for r in imp.report or []:
        for message in r["erreurs"]:
            writer.writerow([r["ligne"], r["site_id"], "Erreur : ligne non importable", message])
        for message in r["remarques"]:
            writer.writerow([r["ligne"], r["site_id"], "Remarque", message])
    return _download("\ufeff" + out.getvalue(), "rapport-import.csv", "text/csv; charset=utf-8")


def _download(body, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the portfolio ---------------------------------------------------------------------------


def _page_args(total: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    pages = max(1, math.ceil(total / per_page))
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        page = 1
    return min(max(page, 1), pages), pages


def _filters(portfolio: Portfolio):
    """(SQL conditions, filter values) from the query string."""
    args = request.args
    f = {
        "commune": (args.get("commune") or "").strip()[:100],
        "statut": args.get("statut") or "",
        "usage": args.get("usage") or "",
        "pollution": args.get("pollution") or "",
        "phase": args.get("phase") or "",
        "surface_min": args.get("surface_min") or "",
        "surface_max": args.get("surface_max") or "",
        "echeance": args.get("echeance") or "",
    }
    cond = [PortfolioSite.portfolio_id == portfolio.id]
    if f["commune"]:
        like = f"%{f['commune'].lower()}%"
        cond.append(
            func.lower(PortfolioSite.commune_nom).like(like) | (PortfolioSite.commune_code == f["commune"])
        )
    for key, column in (("statut", PortfolioSite.statut), ("usage", PortfolioSite.usage)):
        if f[key] == "non_renseigne":
            cond.append(column.is_(None))
        elif f[key]:
            cond.append(column == f[key])
    if f["pollution"] == "inconnu":
        cond.append(PortfolioSite.pollution.is_(None) | (PortfolioSite.pollution == "inconnu"))
    elif f["pollution"]:
        cond.append(PortfolioSite.pollution == f["pollution"])
    if f["phase"].isdigit():
        cond.append(PortfolioSite.phase_index == int(f["phase"]))
    for key, op in (("surface_min", "ge"), ("surface_max", "le")):
        try:
            value = float(f[key].replace(",", ".")) * 10_000 if f[key] else None
        except ValueError:
            value, f[key] = None, ""
        if value is not None:
            cond.append(
                PortfolioSite.surface_m2 >= value if op == "ge" else PortfolioSite.surface_m2 <= value
            )
    if f["echeance"] == "oui":
        cond.append(PortfolioSite.next_deadline.is_not(None))
    return cond, f


def _freshen(portfolio: Portfolio) -> int:
    """Recompute stale figures: a few inline, many in the background. Returns how many are
    being recomputed in the background."""
    stale = service.stale_items(portfolio)
    if not stale:
        return 0
    if len(stale) <= INLINE_REFRESH_MAX:
        service.refresh_items(stale)
        return 0
    jobs.enqueue_refresh(portfolio.id)
    return len(stale)


def _choices(portfolio: Portfolio, column) -> list[str]:
    q = select(column).where(PortfolioSite.portfolio_id == portfolio.id, column.is_not(None)).distinct()
    return sorted(v for v in db.session.execute(q).scalars() if v)


def _figures(cond) -> dict:
    base = select(func.count(PortfolioSite.id), func.coalesce(func.sum(PortfolioSite.surface_m2), 0.0)).where(
        *cond
    )
    count, surface = db.session.execute(base).one()
    phases = db.session.execute(
        select(PortfolioSite.phase_index, PortfolioSite.phase_title, func.count())
        .where(*cond)
        .group_by(PortfolioSite.phase_index, PortfolioSite.phase_title)
        .order_by(PortfolioSite.phase_index)
    ).all()
    actions = db.session.execute(
        select(PortfolioSite.next_step_title, func.count().label("n"))
        .where(*cond, PortfolioSite.next_step_title.is_not(None))
        .group_by(PortfolioSite.next_step_title)
        .order_by(func.count().desc(), PortfolioSite.next_step_title)
        .limit(8)
    ).all()
    return {"count": count, "hectares": surface / 10_000, "phases": phases, "actions": actions}


@bp.get("/portefeuilles/<token>")
def show(token: str):
    portfolio = get_portfolio_or_404(token)
    refreshing = _freshen(portfolio)
    cond, f = _filters(portfolio)
    sort = request.args.get("tri") if request.args.get("tri") in SORTS else "nom"
    direction = "desc" if request.args.get("ordre") == "desc" else "asc"
    column = SORTS[sort]
    order = column.desc() if direction == "desc" else column.asc()
    figures = _figures(cond)
    page, pages = _page_args(figures["count"])
    items = _page_items(
        select(PortfolioSite.id)
        .where(*cond)
        .order_by(column.is_(None), order, PortfolioSite.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    last_import = portfolio.imports[-1] if portfolio.imports else None
    all_phases = db.session.execute(
        select(PortfolioSite.phase_index, PortfolioSite.phase_title)
        .where(PortfolioSite.portfolio_id == portfolio.id)
        .distinct()
        .order_by(PortfolioSite.phase_index)
    ).all()
    return render_template(
        "portfolio/show.html",
        portfolio=portfolio,
        items=items,
        figures=figures,
        filters=f,
        sort=sort,
        direction=direction,
        sort_labels=SORT_LABELS,
        page=page,
        pages=pages,
        query=_query_without("page"),
        statuts=_choices(portfolio, PortfolioSite.statut),
        usages=_choices(portfolio, PortfolioSite.usage),
        pollutions=POLLUTION,
        phases=all_phases,
        last_import=last_import,
        refreshing=refreshing,
        formats=FORMATS,
        max_mo=_max_mo(),
        tiles_url=current_app.config.get("MAP_TILES_URL") or "",
        tiles_attribution=current_app.config.get("MAP_TILES_ATTRIBUTION") or "",
        today=date.today(),
    )


def _page_items(ids_query) -> list[tuple[PortfolioSite, str]]:
    """The lines of one page: ids sorted on narrow columns first, then the 50 rows (sorting
    whole rows, JSON included, costs ten times more on a far page)."""
    ids = list(db.session.execute(ids_query).scalars())
    rows = db.session.execute(select(PortfolioSite, _site_token()).where(PortfolioSite.id.in_(ids))).all()
    by_id = {item.id: (item, token) for item, token in rows}
    return [by_id[i] for i in ids if i in by_id]


def _site_token():
    from app.models import Site

    return select(Site.token).where(Site.id == PortfolioSite.site_id).scalar_subquery()


def _query_without(*keys) -> dict:
    return {k: v for k, v in request.args.items() if k not in keys and v}


@bp.get("/portefeuilles/<token>/commencer")
def start_here(token: str):
    portfolio = get_portfolio_or_404(token)
    _freshen(portfolio)
    cond = [PortfolioSite.portfolio_id == portfolio.id, PortfolioSite.next_step_id.is_not(None)]
    total = db.session.execute(select(func.count(PortfolioSite.id)).where(*cond)).scalar_one()
    page, pages = _page_args(total, 20)
    items = _page_items(
        select(PortfolioSite.id)
        .where(*cond)
        .order_by(
            PortfolioSite.score.desc(),
            PortfolioSite.surface_m2.is_(None),
            PortfolioSite.surface_m2.desc(),
            PortfolioSite.id,
        )
        .limit(20)
        .offset((page - 1) * 20)
    )
    return render_template(
        "portfolio/commencer.html",
        portfolio=portfolio,
        items=items,
        page=page,
        pages=pages,
        first_rank=(page - 1) * 20,
        total=total,
    )


@bp.get("/portefeuilles/<token>/carte.geojson")
def map_data(token: str):
    portfolio = get_portfolio_or_404(token)
    cond, _f = _filters(portfolio)
    from app.models import Site

    rows = db.session.execute(
        select(
            PortfolioSite.nom,
            PortfolioSite.commune_nom,
            PortfolioSite.commune_code,
            PortfolioSite.phase_title,
            Site.token,
            Site.point_geojson,
        )
        .join(Site, Site.id == PortfolioSite.site_id)
        .where(*cond)
        .limit(10_000)
    ).all()
    features = []
    prefix = url_for("sites.show", token="T")[:-1]
    for nom, commune, code, phase, site_token, point in rows:
        approx = point is None
        geometry = point or service._commune_point(code)
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "nom": nom or "Site sans nom",
                    "commune": commune,
                    "phase": phase,
                    "url": prefix + site_token,
                    "approx": approx,
                },
            }
        )
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.headers["Cache-Control"] = "no-store"
    return response


# --- exports ---------------------------------------------------------------------------------


@bp.get("/portefeuilles/<token>/tableau.csv")
def table_csv(token: str):
    portfolio = get_portfolio_or_404(token)
    cond, _f = _filters(portfolio)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "site_id",
            "Site",
            "Commune",
            "Code INSEE",
            "Statut",
            "Usage envisagé",
            "Pollution des sols",
            "Surface (m²)",
            "Phase atteinte",
            "Prochaine étape",
            "Prochaine échéance",
            "Par où commencer (score sur 100)",
            "Explication",
            "Lien du site",
        ]
    )
    rows = db.session.execute(
        select(PortfolioSite, _site_token()).where(*cond).order_by(PortfolioSite.nom, PortfolioSite.id)
    ).all()
    for item, site_token in rows:
        writer.writerow(
            [
                item.cnig_site_id,
                item.nom or "",
                item.commune_nom or "",
                item.commune_code or "",
                item.statut or "",
                item.usage or "",
                item.pollution or "",
                round(item.surface_m2) if item.surface_m2 is not None else "",
                item.phase_title or "",
                item.next_step_title or "",
                item.next_deadline.strftime("%d/%m/%Y") if item.next_deadline else "",
                item.score if item.score is not None else "",
                (item.summary or {}).get("explanation", ""),
                url_for("sites.show", token=site_token, _external=True),
            ]
        )
    return _download("\ufeff" + out.getvalue(), "portefeuille.csv", "text/csv; charset=utf-8")


@bp.get("/portefeuilles/<token>/cnig.csv")
def export_cnig_csv(token: str):
    portfolio = get_portfolio_or_404(token)
    text = to_csv(record for record, _geometry in service.export_records(portfolio))
    return _download(text, "friches-cnig.csv", "text/csv; charset=utf-8")


@bp.get("/portefeuilles/<token>/cnig.geojson")
def export_cnig_geojson(token: str):
    portfolio = get_portfolio_or_404(token)
    text = to_geojson(service.export_records(portfolio))
    return _download(text, "friches-cnig.geojson", "application/geo+json")


@bp.get("/portefeuilles/<token>/syntheses.zip")
def summaries_zip(token: str):
    from .summaries import summaries_zip as build

    portfolio = get_portfolio_or_404(token)
    return _download(build(portfolio), "syntheses-conseil.zip", "application/zip")


# --- API -------------------------------------------------------------------------------------


@bp.post("/api/v1/parcours/lot")
@csrf.exempt
def api_lot():
    """Import an inventory: 202 with the private links; the work runs in the background."""
    file, error = _upload()
    if error:
        return jsonify({"erreurs": {"fichier": error}}), 422
    mode = request.form.get("lignes") or "toutes"
    if mode not in ("toutes", "valides"):
        return jsonify({"erreurs": {"lignes": "« lignes » vaut « toutes » ou « valides »."}}), 422
    portfolio = Portfolio(nom=(request.form.get("nom") or "").strip()[:200] or None)
    db.session.add(portfolio)
    db.session.flush()
    imp = _new_import(portfolio, *file, auto_import=True, mode="valides" if mode == "valides" else "tout")
    body = _api_status(portfolio, imp)
    response = jsonify(body)
    response.status_code = 202
    response.headers["Location"] = body["suivi"]
    return response


@bp.get("/api/v1/parcours/lot/<token>")
def api_lot_status(token: str):
    portfolio = get_portfolio_or_404(token)
    if not portfolio.imports:
        abort(404)
    return jsonify(_api_status(portfolio, portfolio.imports[-1], sites=True))


def _api_status(portfolio: Portfolio, imp: PortfolioImport, sites: bool = False) -> dict:
    body = {
        "statut": imp.status,
        "libelle": IMPORT_STATUSES.get(imp.status, imp.status),
        "progression": imp.percent,
        "lignes": imp.total,
        "lignes_valides": imp.valid,
        "lignes_invalides": imp.invalid,
        "sites_crees": imp.created,
        "sites_mis_a_jour": imp.updated,
        "message": imp.message,
        "erreurs_fichier": (imp.summary or {}).get("erreurs_fichier") or [],
        "rapport": [r for r in (imp.report or []) if r["erreurs"]][:1000],
        "suivi": url_for("portfolio.api_lot_status", token=portfolio.token, _external=True),
        "portefeuille": url_for("portfolio.show", token=portfolio.token, _external=True),
        "export_cnig": url_for("portfolio.export_cnig_csv", token=portfolio.token, _external=True),
    }
    if sites and imp.status == "termine":
        rows = db.session.execute(
            select(PortfolioSite, _site_token())
            .where(PortfolioSite.portfolio_id == portfolio.id)
            .order_by(PortfolioSite.id)
        ).all()
        body["sites"] = [
            {
                "site_id": item.cnig_site_id,
                "lien": url_for("sites.show", token=site_token, _external=True),
                "commune": item.commune_code,
                "phase": item.phase_title,
                "prochaine_etape": item.next_step_id,
                "prochaine_echeance": item.next_deadline.isoformat() if item.next_deadline else None,
                "score": item.score,
            }
            for item, site_token in rows
        ]
    return body


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


from . import cartofriches  # noqa: E402,F401 - « Ma friche est déjà recensée » routes
