"""From a raw :class:`~app.stats.indicators.Report` to what is published — no Flask import.

One function, :func:`published_rows`, decides every published value (statistical secret
included); the page, the CSV and the JSON all read it, so they cannot disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from app.engine.indicator_defs import AXES, Definition  # noqa: F401 - re-exported for the views
from app.stats.indicators import PHASES_IMPACT, Report

SECRET = "< 5"
# Small-count rule. Counts of sites, votes and shares of few sites are published « < 5 » from 1
# to 4 (they could single out one user's site). The North Star — territories engaged, a count
# of collectivités nationwide, whose activity is public by nature — is published exactly, on the
# page, in the downloads and in /api/stats (the incubator dashboard needs a number). Tables by
# region and département keep the rule.
UNMASKED = {"territoires_engages"}
NOT_SET = "non renseigné"
TREND_SECRET = "secret statistique"
SMALL = 5
SERIES = (
    "territoires_engages",
    "sites_crees",
    "parcours_calcules",
    "sites_actifs_mois",
    "territoires_actifs_mois",
)
ZONAGE_LABELS = {
    "détendue": "Zone détendue (B2, C)",
    "tendue": "Zone tendue (Abis, A, B1)",
    "inconnu": "Zonage inconnu",
}
TAILLE_LABELS = {
    "petite": "Moins de 5 000 habitants",
    "autre": "5 000 habitants ou plus",
    "inconnu": "Population inconnue",
}


# --- published values ---------------------------------------------------------------------------


def count(n: int) -> int | str:
    """Statistical secret: 1 to 4 becomes « < 5 » (0 stays 0, an empty database shows zeros)."""
    return SECRET if 0 < n < SMALL else n


def published(entry: dict) -> int | float | str | None:
    """The published value of one indicator: a number, « < 5 », « non renseigné » or None
    (not computable, e.g. a share of nothing)."""
    kind, value, base = entry["kind"], entry["valeur"], entry.get("base")
    if kind == "count":
        return count(value)
    if kind == "number":
        return value
    if kind == "euros":
        if not entry.get("budget"):
            return NOT_SET
        if not base:
            return None
        return SECRET if base < SMALL else round(value)
    if base is not None and 0 < base < SMALL:
        return SECRET
    if kind == "share":
        return round(100 * value / base, 1) if base else None
    if kind == "hectares":
        return round(value, 1)
    if kind == "duration":
        return round(value / 60, 1) if value is not None else None
    raise ValueError(kind)


def trend(entry: dict) -> int | str:
    """The one-month change, hidden when either end is a small count (it would reveal it)."""
    current = entry["valeur"]
    previous = current - entry["tendance"]
    if 0 < current < SMALL or 0 < previous < SMALL:
        return TREND_SECRET
    return entry["tendance"]


def published_rows(report: Report, definitions: Mapping[str, Definition]) -> list[dict]:
    """Every published figure as a flat row: indicateur, nom, axe, date, dimension, valeur, unite.

    ``date`` is the period's last day for headline figures and the month's first day for
    monthly series (``serie`` = true).
    """
    defs = definitions
    end = report.period.end.isoformat()
    rows: list[dict] = []

    def add(
        ident: str,
        value,
        *,
        date: str = end,
        dimension: str = "",
        serie: bool = False,
        unite: str | None = None,
    ):
        d = defs[ident]
        rows.append(
            {
                "indicateur": ident,
                "nom": d.nom,
                "axe": d.axe,
                "date": date,
                "dimension": dimension,
                "serie": serie,
                "valeur": value,
                "unite": unite or d.unite,
            }
        )

    for ident, entry in report.values.items():
        add(ident, entry["valeur"] if ident in UNMASKED else published(entry))
        if ident == "territoires_engages":
            add(ident, entry["tendance"], dimension="évolution sur un mois", unite="territoires")
    for ident in SERIES:
        for month, n in report.series.get(ident, []):
            add(ident, n if ident in UNMASKED else count(n), date=month.isoformat(), serie=True)
    for value, n in sorted(report.breakdowns.get("usage", {}).items(), key=lambda kv: (-kv[1], kv[0])):
        add("repartition_usage", count(n), dimension=f"usage={value}")
    for key, label in ZONAGE_LABELS.items():
        add(
            "part_zones_detendues",
            count(report.breakdowns.get("zonage", {}).get(key, 0)),
            dimension=f"zonage={label}",
            unite="sites",
        )
    for key, label in TAILLE_LABELS.items():
        add(
            "part_petites_communes",
            count(report.breakdowns.get("taille", {}).get(key, 0)),
            dimension=f"population={label}",
            unite="sites",
        )
    for ident in ["hectares_etudies", *(f"hectares_{p}" for p in PHASES_IMPACT)]:
        entry = report.values.get(ident)
        if entry:
            add(ident, count(entry["inconnus"]), dimension="sites sans surface connue", unite="sites")
            add(
                ident,
                count(entry.get("invraisemblables", 0)),
                dimension="sites à la surface invraisemblable, non comptés",
                unite="sites",
            )
    for level in ("region", "departement"):
        for code, figures in sorted(report.areas.get(level, {}).items()):
            for measure, n in figures.items():
                add(
                    "sites_par_territoire",
                    count(n),
                    dimension=f"{level}={code};mesure={measure}",
                    unite="territoires" if measure == "territoires_engages" else "sites",
                )
    return rows


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=["indicateur", "nom", "axe", "date", "dimension", "serie", "valeur", "unite"],
        lineterminator="\n",
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "serie": "oui" if row["serie"] else "non",
                "valeur": "" if row["valeur"] is None else row["valeur"],
            }
        )
    return out.getvalue()


# --- French formatting for the page -----------------------------------------------------------------


def fr_number(value, decimals: int = 0) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,}"
    return text.replace(",", "\u202f").replace(".", ",")


# What a figure withheld by the small-count rule was computed on (default: sites).
SECRET_BASES = {"etapes_utiles": "avis", "ressources_utiles": "avis"}
EMPTY_CHART = "Pas encore assez de données pour ce graphique."


def secret_text(unite: str, base: str = "sites") -> str:
    """« < 5 » as the page says it, with its unit: « moins de 5 sites », « part non publiée
    (moins de 5 avis) ». Without a unit (a bar label), the short « < 5 »."""
    if unite == "%":
        return f"part non publiée (moins de 5 {base})"
    if unite == "ha":
        return f"surface non publiée (moins de 5 {base})"
    if unite == "minutes":
        return f"durée non publiée (moins de 5 {base})"
    if unite == "€":
        return f"coût non publié (moins de 5 {base})"
    return f"moins de 5 {unite}" if unite else SECRET


def display(value, unite: str, base: str = "sites") -> str:
    """A published value as shown on the page (« 12,5 % », « 1 234 », « moins de 5 sites »…)."""
    if value is None:
        return "—"
    if value == SECRET:
        return secret_text(unite, base)
    if isinstance(value, str):
        return value
    if unite == "%":
        return f"{fr_number(value, 1)}\u202f%"
    if unite == "ha":
        return f"{fr_number(value, 1)}\u202fha"
    if unite == "€":
        return f"{fr_number(value)}\u202f€"
    if unite == "minutes":
        return duration_text(value)
    return fr_number(value)


def figure_text(ident: str, value, unite: str) -> str:
    """The headline figure of indicator ``ident`` as shown on the page."""
    return display(value, unite, SECRET_BASES.get(ident, "sites"))


def has_bars(values) -> bool:
    """Whether a chart would draw a bar: at least one published number above zero."""
    return any(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in values)


def has_data(values) -> bool:
    """Whether a table says more than zeros: a number above zero or a count withheld (« < 5 »)."""
    values = list(values)
    return has_bars(values) or any(v == SECRET for v in values)


def duration_text(minutes: float) -> str:
    if minutes < 60:
        return f"{fr_number(minutes, 1) if minutes < 10 else fr_number(minutes)}\u202fmin"
    hours = minutes / 60
    if hours < 48:
        return f"{fr_number(hours, 1)}\u202fh"
    return f"{fr_number(hours / 24, 1)}\u202fjours"
