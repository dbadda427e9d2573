"""Save a site's location and store the enrichment pre-fills (needs an app context)."""

from __future__ import annotations

from flask import current_app
from shapely.geometry import mapping

from app.clients import enrich_site
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
    geom = perimeter if perimeter is not None else point
    if geom is not None and current_app.config.get("ENRICHMENT_ENABLED", True):
        report = enrich_site(geom, commune.code, current_app.config)
        warnings.extend(report.avertissements)
        _store_prefills(site, report.prefills)
    db.session.commit()
    return warnings


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


def commune_of(geom):
    return commune_for_geometry(geom)
