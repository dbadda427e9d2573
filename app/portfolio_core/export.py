"""CNIG CSV and GeoJSON of a portfolio, and their check against the schema. No Flask import.

Both carry every column of the CNIG schema, in its order, as text (multi-values joined with
``|``). The GeoJSON feature's geometry is the site's perimeter, else its point, else none
(the site is known by its commune only); its properties are the same CNIG columns, so the
file validates as a table and imports back to the same data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

import shapely
from shapely.geometry import shape

from .cnig import load_schema
from .validation import wkt_point


def geometry_fields(record: dict[str, str], point: dict | None, perimeter: dict | None) -> dict[str, str]:
    """geompoint / geomsurf to export: the file's own text while the site was not moved, else
    the site's geometry in WKT (longitude first, WGS84)."""
    out = {}
    if point is not None:
        out["geompoint"] = wkt_point(shape(point))
    if perimeter is not None:
        out["geomsurf"] = shapely.to_wkt(shape(perimeter), rounding_precision=6)
    return out


def to_csv(records: Iterable[dict[str, str]]) -> str:
    names = load_schema().names
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for record in records:
        writer.writerow([record.get(n, "") for n in names])
    return out.getvalue()


def to_geojson(items: Iterable[tuple[dict[str, str], dict | None]]) -> str:
    """``items``: (CNIG record, GeoJSON geometry or None)."""
    names = load_schema().names
    features = [
        {"type": "Feature", "geometry": geometry, "properties": {n: record.get(n, "") for n in names}}
        for record, geometry in items
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def validate_csv(text: str) -> list[str]:
    """Frictionless errors of a CNIG CSV (empty when it validates against the schema)."""
    from frictionless import Resource, Schema

    resource = Resource(
        data=text.encode("utf-8"),
        format="csv",
        encoding="utf-8",
        schema=Schema.from_descriptor(load_schema().descriptor),
    )
    report = resource.validate()
    return [e.message for e in report.tasks[0].errors] if report.tasks else []
