"""Geometry parsing, checks and surfaces (WGS84 in, m² out). No Flask import.

Every error is a :class:`~app.geo.errors.GeoError` whose message is French and can be shown
to the user as is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from .errors import GeoError

# Territories of the embedded dataset, as coarse WGS84 boxes (min lon, min lat, max lon, max lat)
# with a small margin around the communes' boundaries, and the official projection used for
# surfaces there (codes checked with pyproj: see tests/geo/test_geometry.py).
ZONES: dict[str, tuple[tuple[float, float, float, float], int]] = {
    "metropole": ((-5.6, 41.2, 10.0, 51.3), 2154),  # RGF93 v1 / Lambert-93 (incl. Corse)
    "guadeloupe": ((-61.9, 15.8, -60.9, 16.6), 5490),  # RGAF09 / UTM zone 20N
    "martinique": ((-61.3, 14.35, -60.75, 14.95), 5490),  # RGAF09 / UTM zone 20N
    "guyane": ((-54.7, 2.0, -51.5, 5.9), 2972),  # RGFG95 / UTM zone 22N
    "reunion": ((55.1, -21.5, 55.9, -20.8), 2975),  # RGR92 / UTM zone 40S
    "mayotte": ((44.9, -13.1, 45.4, -12.5), 4471),  # RGM04 / UTM zone 38S
}

# The WKT point syntax accepted (also published as the OpenAPI ``pattern`` of ``geompoint``).
WKT_POINT_PATTERN = (
    r"^\s*[Pp][Oo][Ii][Nn][Tt]\s*\(\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s+"
    r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*\)\s*$"
)
_WKT_POINT = re.compile(WKT_POINT_PATTERN)

# Bounds of a perimeter. A friche is a site, not a département: these caps keep the cost of
# every geometry operation (repair, union, commune intersection, projection) to a few hundred
# milliseconds at worst (bench/geo_bench.py), whatever the input.
MAX_VERTICES = 2_000  # positions, all rings and parts together (a 50-parcel site has about 1,000)
MAX_PARTS = 500  # polygons of a multi-part perimeter
MAX_DEPTH = 8  # nesting of GeoJSON objects (FeatureCollection > Feature > GeometryCollection…)
MAX_EXTENT_M = 10_000  # width or height of the perimeter's bounding box
MAX_AREA_M2 = 10_000_000  # 1,000 ha
REPAIR_SECONDS = 3.0  # wall-clock budget to repair an invalid perimeter (app.geo.sandbox)
REPAIR_TOO_SLOW = (
    "Le contour se recoupe lui-même de très nombreuses fois et n'a pas pu être corrigé "
    "automatiquement : corrigez-le dans votre logiciel de cartographie, ou dessinez-le sur la carte."
)


def zone_of(lon: float, lat: float) -> str | None:
    """Name of the French territory (see ``ZONES``) whose box holds the point, or ``None``."""
    for name, ((x0, y0, x1, y1), _epsg) in ZONES.items():
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            return name
    return None


def check_lon_lat(lon: float, lat: float) -> None:
    """Raise :class:`GeoError` unless (lon, lat) is a finite WGS84 point in France.

    Detects swapped latitude/longitude and says so in the message.
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeoError("Les coordonnées ne sont pas des nombres valides.")
    if zone_of(lon, lat):
        return
    if zone_of(lat, lon):
        raise GeoError(
            f"Les coordonnées ({lon}, {lat}) sont hors de France, mais le seraient en inversant "
            "latitude et longitude : la longitude doit être donnée en premier, puis la latitude."
        )
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeoError(
            f"Les coordonnées ({lon}, {lat}) ne sont pas des longitude/latitude en degrés (WGS84) : "
            "le fichier est peut-être dans une autre projection."
        )
    raise GeoError(
        f"Les coordonnées ({lon}, {lat}) sont hors de France (métropole, Corse et départements d'outre-mer)."
    )


def parse_wkt_point(text: str) -> Point:
    """Parse ``"POINT(lon lat)"`` (WKT, WGS84, longitude first) into a checked shapely Point.

    Raises :class:`GeoError` on bad syntax, coordinates outside France or swapped lat/lon.
    """
    if not isinstance(text, str):
        raise GeoError("Le point doit être une chaîne WKT de la forme « POINT(longitude latitude) ».")
    m = _WKT_POINT.match(text)
    if not m:
        raise GeoError(
            "Le point doit être au format WKT « POINT(longitude latitude) », "
            "par exemple « POINT(2.7766 50.4567) »."
        )
    lon, lat = float(m.group(1)), float(m.group(2))
    check_lon_lat(lon, lat)
    return Point(lon, lat)


TOO_MANY_VERTICES = (
    f"Le périmètre compte plus de {MAX_VERTICES:,} sommets".replace(",", " ")
    + " : simplifiez le contour (un sommet tous les mètres suffit largement) et réessayez."
)
TOO_MANY_PARTS = f"Le périmètre compte plus de {MAX_PARTS} polygones : déposez uniquement le site."
TOO_DEEP = "Le GeoJSON est trop profondément imbriqué (collections dans des collections)."


class _Budget:
    """Positions counted across every geometry of one input (all parts together)."""

    def __init__(self) -> None:
        self.vertices = 0

    def add(self, n: int) -> None:
        self.vertices += n
        if self.vertices > MAX_VERTICES:
            raise GeoError(TOO_MANY_VERTICES)


def _check_coords(obj, budget: _Budget | None = None) -> None:
    """Reject non-numeric or non-finite coordinates anywhere in a GeoJSON coordinates array,
    and more positions than ``MAX_VERTICES`` (counted before any geometry is built)."""
    budget = budget or _Budget()
    stack = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > 4:  # MultiPolygon > polygon > ring > position > number is the deepest
            raise GeoError("Le GeoJSON contient des coordonnées invalides.")
        if isinstance(item, list | tuple):
            if item and all(isinstance(v, int | float) and not isinstance(v, bool) for v in item):
                if len(item) < 2 or not all(math.isfinite(v) for v in item):
                    raise GeoError("Le GeoJSON contient des coordonnées invalides.")
                budget.add(1)
            else:
                stack.extend((child, depth + 1) for child in item)
        else:
            raise GeoError("Le GeoJSON contient des coordonnées invalides.")


def _geometries_from_geojson(data: dict, budget: _Budget | None = None, depth: int = 0) -> list[BaseGeometry]:
    budget = budget or _Budget()
    if depth > MAX_DEPTH:
        raise GeoError(TOO_DEEP)
    kind = data.get("type")
    if kind == "FeatureCollection":
        feats = _members(data, "features", "La FeatureCollection GeoJSON n'a pas de liste « features ».")
        geoms = [f["geometry"] for f in feats if isinstance(f, dict) and isinstance(f.get("geometry"), dict)]
        return [g for geom in geoms for g in _geometries_from_geojson(geom, budget, depth + 1)]
    if kind == "Feature":
        geom = data.get("geometry")
        return _geometries_from_geojson(geom, budget, depth + 1) if isinstance(geom, dict) else []
    if kind == "GeometryCollection":
        members = _members(
            data,
            "geometries",
            "La GeometryCollection GeoJSON n'a pas de liste « geometries ».",
            data.get("geometries") or [],
        )
        return [
            g for m in members if isinstance(m, dict) for g in _geometries_from_geojson(m, budget, depth + 1)
        ]
    return [_simple_geometry(data, kind, budget)]


def _members(data: dict, key: str, message: str, members: Any = None) -> list:
    """The member list of a collection, bounded by ``MAX_PARTS``."""
    members = data.get(key) if members is None else members
    if not isinstance(members, list):
        raise GeoError(message)
    if len(members) > MAX_PARTS:
        raise GeoError(TOO_MANY_PARTS)
    return members


def _simple_geometry(data: dict, kind: Any, budget: _Budget) -> BaseGeometry:
    if kind not in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        raise GeoError(f"Type de géométrie GeoJSON inconnu : « {str(kind)[:40]} ».")
    coordinates = data.get("coordinates")
    _check_coords(coordinates, budget)
    if kind == "MultiPolygon" and isinstance(coordinates, list) and len(coordinates) > MAX_PARTS:
        raise GeoError(TOO_MANY_PARTS)
    try:
        return shape(data)
    except Exception as exc:  # shapely raises several types on malformed rings
        raise GeoError(
            "La géométrie GeoJSON est mal formée (un contour doit compter au moins 4 positions, "
            f"la première égale à la dernière) : {exc}"
        ) from exc


def check_size(geoms: Sequence[BaseGeometry]) -> None:
    """Refuse, before any repair or union, a perimeter that is too detailed or too large to be
    one friche: more than ``MAX_VERTICES`` positions, ``MAX_PARTS`` polygons, or a bounding box
    wider or higher than ``MAX_EXTENT_M`` (cheap: counts and bounds only)."""
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return
    if sum(int(shapely.get_num_coordinates(g)) for g in geoms) > MAX_VERTICES:
        raise GeoError(TOO_MANY_VERTICES)
    if sum(int(shapely.get_num_geometries(g)) for g in geoms) > MAX_PARTS:
        raise GeoError(TOO_MANY_PARTS)
    bounds = shapely.total_bounds(geoms)
    x0, y0, x1, y1 = (float(v) for v in bounds)
    mid = math.radians(max(-89.0, min(89.0, (y0 + y1) / 2)))
    width = (x1 - x0) * 111_320 * math.cos(mid)
    height = (y1 - y0) * 110_574
    if max(width, height) > MAX_EXTENT_M:
        raise GeoError(
            f"Le périmètre s'étend sur plus de {MAX_EXTENT_M // 1000} km "
            f"({max(width, height) / 1000:.0f} km) : une friche est un site, pas un territoire. "
            "Dessinez ou déposez le contour du seul site."
        )


def check_area(geom: BaseGeometry, area_m2: float | None = None) -> float:
    """Refuse a perimeter larger than ``MAX_AREA_M2``; returns its area in m²."""
    area = surface_m2(geom) if area_m2 is None else area_m2
    if area > MAX_AREA_M2:
        raise GeoError(
            f"Le périmètre couvre {area / 10_000:,.0f} ha".replace(",", " ")
            + f", plus que les {MAX_AREA_M2 // 10_000:,} ha".replace(",", " ")
            + " acceptés pour un site : déposez le contour de la seule friche."
        )
    return area


def to_polygonal(geoms: Sequence[BaseGeometry], notes: list[str] | None = None) -> BaseGeometry:
    """Union the polygonal parts of ``geoms`` into a valid (Multi)Polygon, repairing invalid
    rings (self-intersections…) with ``make_valid``; raise :class:`GeoError` if nothing is left
    or if the perimeter is too detailed or too large (:func:`check_size`, :func:`check_area`).
    """
    check_size(geoms)
    polys: list[BaseGeometry] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = repair(geom)
            if notes is not None:
                notes.append(f"Le contour était invalide ({reason}) et a été corrigé automatiquement.")
        parts = getattr(geom, "geoms", [geom])
        polys.extend(p for p in parts if isinstance(p, Polygon | MultiPolygon) and p.area > 0)
    if not polys:
        raise GeoError("Le périmètre ne contient aucun polygone de surface non nulle.")
    result = polys[0] if len(polys) == 1 else shapely.union_all(polys)
    if not result.is_valid:
        result = repair(result)
    if result.is_empty or result.area == 0:
        raise GeoError("Le périmètre ne contient aucun polygone de surface non nulle.")
    check_size([result])  # a repair may add vertices
    check_area(result)
    return result


def _make_valid_wkb(wkb: bytes) -> bytes:
    return shapely.to_wkb(shapely.make_valid(shapely.from_wkb(wkb)))


def repair(geom: BaseGeometry) -> BaseGeometry:
    """``make_valid`` under a time and memory budget: its cost grows with the number of
    self-intersections (quadratic in the vertices for a star), so it runs in a child process
    (:func:`app.geo.sandbox.run_bounded`); GeoError when the budget runs out."""
    from .sandbox import Timeout, run_bounded

    try:
        return shapely.from_wkb(run_bounded(_make_valid_wkb, shapely.to_wkb(geom), seconds=REPAIR_SECONDS))
    except Timeout as exc:
        raise GeoError(REPAIR_TOO_SLOW) from exc


def check_in_france(geom: BaseGeometry) -> None:
    """Raise :class:`GeoError` unless the whole geometry lies in one French territory box."""
    x0, y0, x1, y1 = geom.bounds
    if zone_of(x0, y0) and zone_of(x0, y0) == zone_of(x1, y1):
        return
    check_lon_lat(x0, y0)
    check_lon_lat(x1, y1)
    raise GeoError("Le périmètre déborde de France ou s'étend sur plusieurs territoires éloignés.")


def parse_geojson(data, *, allow_point: bool = False, notes: list[str] | None = None) -> BaseGeometry:
    """Parse a GeoJSON geometry, Feature or FeatureCollection (dict or JSON text, WGS84).

    Returns a valid shapely (Multi)Polygon — or a Point when ``allow_point`` and the input is a
    point. Invalid rings are repaired (a French note is appended to ``notes``); degenerate or
    empty shapes, coordinates outside France and swapped lat/lon raise :class:`GeoError`.
    """
    if isinstance(data, str | bytes):
        data = loads_json(data, "Le GeoJSON n'est pas un JSON valide.")
    if not isinstance(data, dict):
        raise GeoError("Le GeoJSON doit être un objet (géométrie, Feature ou FeatureCollection).")
    _check_crs_member(data)
    geoms = _geometries_from_geojson(data)
    if not geoms:
        raise GeoError("Le GeoJSON ne contient aucune géométrie.")
    if allow_point and len(geoms) == 1 and isinstance(geoms[0], Point):
        check_lon_lat(geoms[0].x, geoms[0].y)
        return geoms[0]
    for g in geoms:  # check coordinates before repairs, for clearer messages
        if not g.is_empty:
            check_in_france(g)
    check_size(geoms)
    if all(g.geom_type in ("Point", "MultiPoint", "LineString", "MultiLineString") for g in geoms):
        raise GeoError(
            "Le périmètre doit être un polygone (le GeoJSON ne contient que des points ou des lignes)."
        )
    result = to_polygonal(geoms, notes)
    check_in_france(result)
    return result


def crs_name(data: dict) -> str:
    """The ``crs.properties.name`` of a (2008) GeoJSON object, "" when absent; GeoError when
    the member is not of that shape."""
    crs = data.get("crs")
    if not crs:
        return ""
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str):
        raise GeoError(
            "Le membre « crs » du GeoJSON est mal formé : il doit être de la forme "
            '{"type": "name", "properties": {"name": "EPSG:4326"}}, ou être absent (WGS84).'
        )
    return name[:200]


def loads_json(data: str | bytes, message: str):
    """``json.loads`` whose every failure — syntax, encoding, nesting too deep for the parser —
    is a :class:`GeoError` with ``message``."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise GeoError(message) from exc


def _check_crs_member(data: dict) -> None:
    name = crs_name(data)
    try:
        epsg = CRS.from_user_input(name).to_epsg() if name else None
    except Exception:
        epsg = None
    if epsg not in (4326, None) and "CRS84" not in name:
        raise GeoError(
            f"Le GeoJSON est dans la projection {name} : seules les coordonnées WGS84 "
            "(longitude, latitude) sont acceptées ici."
        )


@lru_cache(maxsize=16)
def _transformer(epsg_from: int, crs_to: str) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(epsg_from), CRS.from_user_input(crs_to), always_xy=True)


def projection_for(geom: BaseGeometry) -> int | None:
    """EPSG code of the official projection for the geometry's territory, or ``None``."""
    p = geom.representative_point() if geom.geom_type != "Point" else geom
    zone = zone_of(p.x, p.y)  # type: ignore[attr-defined]  # a Point either way
    return ZONES[zone][1] if zone else None


def project(geom: BaseGeometry, epsg: int) -> BaseGeometry:
    """Reproject a WGS84 geometry to ``EPSG:epsg``."""
    tr = _transformer(4326, f"EPSG:{epsg}")
    return shapely.transform(geom, lambda xy: _stack(tr.transform(xy[:, 0], xy[:, 1])))


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)


def surface_m2(geom: BaseGeometry) -> float:
    """Area in m² of a WGS84 geometry, in its territory's official projection.

    Lambert-93 (EPSG:2154) in mainland France and Corse; EPSG:5490 (Guadeloupe, Martinique),
    EPSG:2972 (Guyane), EPSG:2975 (La Réunion), EPSG:4471 (Mayotte). Outside these, a local
    Lambert azimuthal equal-area projection centred on the geometry. Rounded to 0.1 m².
    """
    if geom is None or geom.is_empty:
        return 0.0
    epsg = projection_for(geom)
    if epsg:
        projected = project(geom, epsg)
    else:
        c = geom.centroid
        tr = Transformer.from_crs(
            "EPSG:4326", f"+proj=laea +lat_0={c.y} +lon_0={c.x} +datum=WGS84", always_xy=True
        )
        projected = shapely.transform(geom, lambda xy: _stack(tr.transform(xy[:, 0], xy[:, 1])))
    return round(projected.area, 1)


def reproject_to_wgs84(geom: BaseGeometry, crs) -> BaseGeometry:
    """Reproject ``geom`` from ``crs`` (anything pyproj accepts) to WGS84 longitude/latitude."""
    src = CRS.from_user_input(crs)
    if src.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geom
    tr = Transformer.from_crs(src, CRS.from_epsg(4326), always_xy=True)
    return shapely.transform(geom, lambda xy: _stack(tr.transform(xy[:, 0], xy[:, 1])))
