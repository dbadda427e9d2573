"""Save a site's location and store the enrichment pre-fills (needs an app context)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from shapely.geometry import mapping, shape

from app.clients import ECHEC, PARTIEL, SUCCES, enrich_site
from app.extensions import db
from app.geo import commune_for_geometry, surface_m2
from app.models import Answer, Site


def save_location(site: Site, commune, point=None, perimeter=None) -> list[str]:
    """Store the territory codes, point, perimeter and surface on ``site``; run the enrichment
    (short timeouts) when a point or perimeter is known. Returns French warnings to show."""
    warnings: list[str] = []
    site.commune_code = commune.code
    site.epci_code = commune.epci
    site.departement_code = commune.departement
    site.region_code = commune.region
    site.perimeter_geojson = mapping(perimeter) if perimeter is not None else None
    if point is None and perimeter is not None:
        point = perimeter.representative_point()
    site.point_geojson = mapping(point) if point is not None else None
    site.surface_m2 = surface_m2(perimeter) if perimeter is not None else None
    site.enrichissement = None
    geom = perimeter if perimeter is not None else point
    if geom is not None:
        warnings.extend(_enrich(site, geom))
    db.session.commit()
    return warnings


def refresh_enrichment(site: Site) -> list[str] | None:
    """Query the public APIs again for a located site (e.g. after one did not answer).
    Returns the French warnings, or None when the site has no point or perimeter."""
    geojson = site.perimeter_geojson or site.point_geojson
    if not geojson:
        return None
    warnings = _enrich(site, shape(geojson))
    db.session.commit()
    return warnings


def _enrich(site: Site, geom) -> list[str]:
    if not current_app.config.get("ENRICHMENT_ENABLED", True):
        return []
    report = enrich_site(geom, site.commune_code, current_app.config)
    site.enrichissement = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        # the envelope of each source without its data (pre-fills are stored as answers)
        "sources": {
            name: {k: v for k, v in r.to_dict().items() if k != "donnees"}
            for name, r in report.results.items()
        },
    }
    _store_prefills(site, report.prefills)
    return report.avertissements


def _store_prefills(site: Site, prefills) -> None:
    existing = {a.question_id: a for a in site.answers}
    for p in prefills:
        answer = existing.get(p.question_id)
        if answer is not None and answer.source is None:
            continue  # never overwrite what the user typed
        if answer is None:
            answer = Answer(site=site, question_id=p.question_id)
            db.session.add(answer)
        answer.value = p.value
        answer.value_label = p.value_label or str(p.value)
        answer.question_label = answer.question_label or ""
        answer.source = p.source


_BADGES = {
    SUCCES: ("Réponse complète", "fr-badge--success"),
    PARTIEL: ("Réponse partielle", "fr-badge--warning"),
    ECHEC: ("Indisponible", "fr-badge--error"),
}


def enrichment_summary(site: Site) -> dict | None:
    """The stored enrichment report, ready for display (French dates and badges)."""
    report = site.enrichissement
    if not report:
        return None
    sources = []
    for entry in report.get("sources", {}).values():
        badge, badge_class = _BADGES.get(entry.get("statut"), ("Inconnu", ""))
        sources.append({**entry, "badge": badge, "badge_class": badge_class})
    when = datetime.fromisoformat(report["date"])
    return {
        "date": when.strftime("%d/%m/%Y à %H h %M (UTC)"),
        "sources": sources,
        "a_relancer": any(e.get("statut") != SUCCES for e in report.get("sources", {}).values()),
    }


def commune_of(geom):
    return commune_for_geometry(geom)
