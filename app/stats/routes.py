"""Views: /stats, downloads, ``GET /api/stats`` and the vote endpoint. Thin: figures come from
:mod:`app.stats.indicators` and are published by :mod:`app.stats.present`."""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, jsonify, redirect, render_template, request, url_for

from app.cache import TTLCache
from app.content import current_content
from app.events import record_vote
from app.extensions import csrf, db
from app.geo import territory_facts
from app.models import Site

from . import bp
from .charts import bar_chart, month_label
from .indicators import PERIODICITIES, compute_api_series, compute_report
from .present import (
    AXES,
    EMPTY_CHART,
    SECRET,
    SERIES,
    display,
    figure_text,
    has_bars,
    has_data,
    published_rows,
    to_csv,
)

PERIODS = {3: "3 derniers mois", 6: "6 derniers mois", 12: "12 derniers mois", 24: "24 derniers mois"}
DEFAULT_MONTHS = 12
API_LIMITS = {"day": 366, "week": 260, "month": 120, "year": 20}
# Without ``since``, the incubator dashboard expects the longest series it reads.
API_DEFAULTS = {"day": 180, "week": 52, "month": 24, "year": 3}
API_DESCRIPTION = (
    "Territoires engagés : nombre de territoires (EPCI, ou commune hors EPCI) dont au moins un site "
    "a été actif au cours d'au moins 2 semaines distinctes des 90 jours précédents et a eu au moins "
    "une étape marquée « fait » dans ces 90 jours. Valeur au dernier jour de chaque période (ou "
    "aujourd'hui pour la période en cours), datée du premier jour de la période. Valeurs exactes : "
    "un nombre de territoires (collectivités) à l'échelle nationale n'est pas soumis au secret "
    "statistique, contrairement aux tableaux par région et par département de la page /stats."
)
PARIS = ZoneInfo("Europe/Paris")
ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
ANCHOR = re.compile(r"^[A-Za-z0-9_-]{1,200}$")

CACHE = TTLCache(max_entries=64)


def _today():
    return datetime.now(UTC).date()


def _area_names() -> dict[str, dict[str, str]]:
    try:
        from app.geo import get_dataset

        ds = get_dataset()
        return {"region": dict(ds.regions), "departement": {k: v[0] for k, v in ds.departements.items()}}
    except Exception:  # names are a comfort: codes are shown when the dataset is unavailable
        return {"region": {}, "departement": {}}


def _months() -> int:
    try:
        months = int(request.args.get("periode", DEFAULT_MONTHS))
    except ValueError:
        return DEFAULT_MONTHS
    return months if months in PERIODS else DEFAULT_MONTHS


def _ttl() -> float:
    return float(current_app.config.get("STATS_CACHE_SECONDS") or os.environ.get("STATS_CACHE_SECONDS") or 60)


def _in_background(job) -> None:
    """Run a cache refresh in a thread with its own application context and session."""
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            try:
                job()
            except Exception:  # the stale value stays served; the next expiry retries
                app.logger.exception("stats: background refresh failed")
            finally:
                db.session.remove()

    threading.Thread(target=run, name="stats-refresh", daemon=True).start()


def get_report(months: int):
    """The report and its published rows, cached per period (the day is read at computation
    time, so the figures roll over at midnight within one TTL)."""
    budget = float(current_app.config.get("ANNUAL_BUDGET_EUR") or 0)

    def compute():
        report = compute_report(
            db.session,
            _today(),
            months,
            budget_eur=budget,
            territory_info=territory_facts,
            computed_at=datetime.now(UTC).replace(tzinfo=None),
        )
        return report, published_rows(report, current_content().indicators)

    return CACHE.get_or_compute(("report", months, budget), _ttl(), compute, _in_background)


def _updated_text(computed_at: datetime) -> str:
    local = computed_at.replace(tzinfo=UTC).astimezone(PARIS)
    return local.strftime("%d/%m/%Y à %H:%M")


@bp.get("/stats")
def page():
    months = _months()
    report, rows = get_report(months)
    definitions = current_content().indicators
    headline = {r["indicateur"]: r for r in rows if not r["serie"] and not r["dimension"]}
    figures = {
        ident: {
            "definition": d,
            "text": figure_text(ident, headline[ident]["valeur"], d.unite),
            "value": headline[ident]["valeur"],
        }
        for ident, d in definitions.items()
        if ident in headline
    }
    trend = next(r["valeur"] for r in rows if r["indicateur"] == "territoires_engages" and r["dimension"])
    charts = {}
    for ident in SERIES:
        points = [
            (datetime.fromisoformat(r["date"]).date(), r["valeur"])
            for r in rows
            if r["indicateur"] == ident and r["serie"]
        ]
        unite = definitions[ident].unite
        charts[ident] = {
            "definition": definitions[ident],
            "chart": bar_chart(points, fmt=lambda v: display(v, "")),
            "rows": [(month_label(m, True), display(v, unite)) for m, v in points],
            "has_bars": has_bars(v for _, v in points),
            "has_data": has_data(v for _, v in points),
        }
    breakdown = {}
    for ident in (
        "repartition_usage",
        "part_zones_detendues",
        "part_petites_communes",
        "hectares_etudies",
        "hectares_foncier",
        "hectares_diagnostiquer",
        "hectares_realiser",
    ):
        breakdown[ident] = [
            (_dimension_label(r["dimension"]), display(r["valeur"], r["unite"]))
            for r in rows
            if r["indicateur"] == ident and r["dimension"]
        ]
        breakdown[ident + "_has_data"] = has_data(
            r["valeur"] for r in rows if r["indicateur"] == ident and r["dimension"]
        )
    names = _area_names()
    areas = {}
    for level in ("region", "departement"):
        table: dict[str, dict[str, str]] = {}
        for r in rows:
            if r["indicateur"] != "sites_par_territoire" or not r["dimension"].startswith(level + "="):
                continue
            code, measure = (part.split("=", 1)[1] for part in r["dimension"].split(";"))
            table.setdefault(code, {})[measure] = display(r["valeur"], r["unite"])
        areas[level] = [
            {
                "code": code,
                "nom": names[level].get(code) or ("Non localisé" if code == "inconnu" else code),
                **cells,
            }
            for code, cells in sorted(table.items(), key=lambda kv: (kv[0] == "inconnu", kv[0]))
        ]
    return render_template(
        "stats/page.html",
        report=report,
        figures=figures,
        charts=charts,
        breakdown=breakdown,
        areas=areas,
        axes=AXES,
        definitions=definitions,
        trend=trend,
        months=months,
        periods=PERIODS,
        updated=_updated_text(report.computed_at),
        period_start=report.period.start,
        period_end=report.period.end,
        secret=SECRET,
        empty_chart=EMPTY_CHART,
        download_sizes={
            "csv": _size_text(_csv_body(rows)),
            "json": _size_text(_json_body(report, rows, months)),
        },
    )


def _dimension_label(dimension: str) -> str:
    """The French label of a breakdown line: a use is named as the questionnaire names it,
    never by its CNIG value (« Logements », not « habitat »)."""
    key, _, value = dimension.partition("=")
    if key != "usage":
        return value
    if value == "non renseigné":
        return "Non renseigné"
    questionnaire = current_content().questionnaire
    label = questionnaire.label_of("usage", value) if questionnaire else value
    if label == value:  # a value the questionnaire does not offer (an API call): the CNIG label
        from app.engine.vocabulaire import CHOICE_LABELS

        label = CHOICE_LABELS.get("usage", {}).get(value, "Autre usage")
    return label[:1].upper() + label[1:]


def _size_text(body: str) -> str:
    """« 12 Ko » (at least 1 Ko), as a download link says it."""
    size = len(body.encode("utf-8"))
    return f"{max(1, round(size / 1000))}\u00a0Ko"


def _download_name(months: int, ext: str) -> str:
    return f"parcours-friches-statistiques-{months}-mois-{_today().isoformat()}.{ext}"


@bp.get("/stats/donnees.csv")
def download_csv():
    months = _months()
    _, rows = get_report(months)
    response = Response(_csv_body(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_download_name(months, "csv")}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/stats/donnees.json")
def download_json():
    months = _months()
    report, rows = get_report(months)
    response = Response(_json_body(report, rows, months), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{_download_name(months, "json")}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _csv_body(rows) -> str:
    return "\ufeff" + to_csv(rows)


def _json_body(report, rows, months: int) -> str:
    body = {
        "description": "Statistiques publiques de Parcours Friches. Effectifs de 1 à 4 remplacés par « < 5 ».",
        "periode": {
            "debut": report.period.start.isoformat(),
            "fin": report.period.end.isoformat(),
            "mois": months,
        },
        "mis_a_jour_le": report.computed_at.replace(tzinfo=UTC).isoformat(),
        "donnees_de_demonstration_incluses": report.has_demo,
        "indicateurs": [
            {
                "id": d.id,
                "nom": d.nom,
                "axe": d.axe,
                "unite": d.unite,
                "definition": d.definition,
                "methode": d.methode,
            }
            for d in current_content().indicators.values()
        ],
        "valeurs": rows,
    }
    return json.dumps(body, ensure_ascii=False, indent=1)


def _api_error(status: int, field: str, message: str):
    response = jsonify(erreur="Paramètre invalide", message=message, erreurs={field: message})
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/api/stats")
@csrf.exempt
def api():
    """The incubator dashboard contract (Mutafriches, Bénéfriches): the North Star series."""
    periodicity = request.args.get("periodicity", "month")
    if periodicity not in PERIODICITIES:
        return _api_error(422, "periodicity", "periodicity doit valoir day, week, month ou year.")
    raw = request.args.get("since")
    if raw is None or raw == "":
        since = API_DEFAULTS[periodicity]
    else:
        try:
            since = int(raw)
        except ValueError:
            return _api_error(400, "since", "since doit être un nombre entier de périodes.")
        if not 1 <= since <= API_LIMITS[periodicity]:
            return _api_error(
                422,
                "since",
                f"since doit être compris entre 1 et {API_LIMITS[periodicity]} "
                f"pour periodicity={periodicity}.",
            )
    series = CACHE.get_or_compute(
        ("api", periodicity, since),
        _ttl(),
        lambda: compute_api_series(db.session, _today(), periodicity, since),
        _in_background,
    )
    response = jsonify(
        description=API_DESCRIPTION,
        stats=[{"value": n, "date": start.isoformat()} for start, n in series],
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- votes on steps and resources ---------------------------------------------------------------------


def _known_item(item_type: str, item_id: str) -> bool:
    if not ITEM_ID.match(item_id):
        return False
    catalogs = current_content().catalogs
    return item_id in (catalogs.steps_by_id if item_type == "etape" else catalogs.resources)


def _path_url(token: str) -> str:
    for endpoint in ("parcours.show", "parcours.parcours"):
        try:
            return url_for(endpoint, token=token)
        except Exception:
            continue
    return url_for("sites.show", token=token)


@bp.post("/sites/<token>/avis")
def vote(token: str):
    """« Cette étape vous a-t-elle été utile ? » — stores the vote only (type, id, yes/no)."""
    site = Site.query.filter_by(token=token).first_or_404()
    item_type = request.form.get("item_type", "")
    item_id = request.form.get("item_id", "")
    useful = request.form.get("utile", "")
    if (
        item_type not in ("etape", "ressource")
        or useful not in ("oui", "non")
        or not _known_item(item_type, item_id)
    ):
        abort(400)
    record_vote(site, item_type, item_id, useful == "oui")
    db.session.commit()
    back = request.form.get("retour", "").split("?")[0].split("#")[0]
    prefix = f"/sites/{token}"
    if not (back == prefix or back.startswith(prefix + "/")) or "//" in back or "\\" in back:
        back = _path_url(token)
    anchor = request.form.get("ancre", "")
    target = f"{back}?avis={item_type}-{item_id}"
    if ANCHOR.match(anchor):
        target += f"#{anchor}"
    return redirect(target, code=303)
