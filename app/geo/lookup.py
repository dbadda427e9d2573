"""Commune lookups: by code, by name or postal code, by point, by polygon; territory facts.

No Flask import. All functions load the embedded dataset lazily (once per process).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .dataset import Commune, get_dataset, normalize
from .geometry import surface_m2

# Tolerance (degrees, about 1 km) to attach a point just outside the simplified boundaries
# (coast, estuary) to the nearest commune.
NEAREST_TOLERANCE_DEG = 0.01

ZONES_DETENDUES = {"B2", "C"}
REGION_ILE_DE_FRANCE = "11"
REGION_CORSE = "94"


def get_commune(code: str) -> Commune | None:
    """Return the current commune with INSEE code ``code`` (e.g. ``"62528"``, ``"2A004"``), or None."""
    if not isinstance(code, str):
        return None
    return get_dataset().communes.get(code.strip().upper())


def search_communes(q: str, limit: int = 10) -> list[Commune]:
    """Autocomplete search by name, postal code or INSEE code; case- and accent-insensitive.

    Ranking: exact postal code, exact INSEE code, postal-code prefix, exact name, name prefix, word prefix, substring; former
    (delegated) commune names rank after current names; ties go to the larger population.
    """
    ds = get_dataset()
    q = (q or "").strip()
    if not q or limit <= 0:
        return []
    results: dict[str, tuple] = {}

    def add(code: str, rank: tuple) -> None:
        commune = ds.communes[code]
        key = (*rank, -(commune.population or 0), commune.nom)
        if code not in results or key < results[code]:
            results[code] = key

    compact = q.replace(" ", "")
    if compact.isdigit() or (len(compact) == 5 and compact[:2].upper() in ("2A", "2B")):
        compact = compact.upper()
        if compact in ds.communes:  # an INSEE code ranks after the same postal code
            add(compact, (1, 0))
        for cp, codes in ds.by_postcode.items():
            if cp.startswith(compact):
                for code in codes:
                    add(code, (0 if cp == compact else 2, 0))
    else:
        nq = normalize(q)
        if not nq:
            return []
        for name, code, alias in ds.search_keys:
            if nq not in name:
                continue
            if name == nq:
                rank = 0
            elif name.startswith(nq):
                rank = 1
            elif (" " + nq) in (" " + name):
                rank = 2
            else:
                rank = 3
            add(code, (rank + (4 if alias else 0), 0))
    ordered = sorted(results.items(), key=lambda item: item[1])
    return [ds.communes[code] for code, _ in ordered[:limit]]


def commune_at(lon: float, lat: float) -> Commune | None:
    """Commune holding the WGS84 point (lon, lat), or None (sea, abroad).

    A point within ~1 km of a commune's simplified boundary but outside every commune
    (coast, estuary) is attached to the nearest commune.
    """
    ds = get_dataset()
    point = shapely.Point(lon, lat)
    hits = ds.tree.query(point, predicate="within")
    if len(hits):
        return ds.communes[ds.codes[hits.min()]]
    nearest = ds.tree.query_nearest(point, max_distance=NEAREST_TOLERANCE_DEG)
    if len(nearest):
        return ds.communes[ds.codes[nearest.min()]]
    return None


def communes_at(lons, lats) -> np.ndarray:
    """Vectorised :func:`commune_at` without the nearest fallback: an array of INSEE codes
    (``None`` where no commune holds the point), for batches."""
    ds = get_dataset()
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    out = np.full(len(lons), None, dtype=object)
    pts_idx, geom_idx = ds.tree.query(shapely.points(lons, lats), predicate="intersects")
    if len(pts_idx):
        # hits come sorted by point; keep the first one per point (a point on a shared
        # border touches two communes)
        first = np.ones(len(pts_idx), dtype=bool)
        first[1:] = pts_idx[1:] != pts_idx[:-1]
        out[pts_idx[first]] = ds.codes[geom_idx[first]]
    return out


@dataclass(frozen=True)
class CommuneShare:
    commune: Commune
    surface_m2: float
    part: float  # share of the perimeter's area, 0–1


@dataclass(frozen=True)
class PolygonCommunes:
    """Communes crossed by a perimeter: ``main`` holds the largest part of its area."""

    main: Commune | None
    communes: list[CommuneShare]


def communes_for_polygon(geom: BaseGeometry) -> PolygonCommunes:
    """Communes intersecting a WGS84 (Multi)Polygon, sorted by decreasing share of its area.

    ``main`` is the commune holding most of the perimeter (None if it crosses no commune).
    """
    ds = get_dataset()
    idx = ds.tree.query(geom, predicate="intersects")
    total = geom.area
    shares = []
    for i in idx:
        inter = shapely.intersection(geom, ds.geoms[i])
        if inter.is_empty or inter.area == 0:
            continue
        shares.append((inter.area / total if total else 0.0, i, inter))
    shares.sort(key=lambda s: -s[0])
    items = [
        CommuneShare(ds.communes[ds.codes[i]], surface_m2(inter), round(part, 4)) for part, i, inter in shares
    ]
    if not items and total:
        p = geom.representative_point()
        commune = commune_at(p.x, p.y)
        if commune:
            items = [CommuneShare(commune, surface_m2(geom), 1.0)]
    return PolygonCommunes(items[0].commune if items else None, items)


SAMPLE_GRID = 24  # sample points per side of the perimeter's box (main commune estimate)


def commune_for_geometry(geom: BaseGeometry) -> Commune | None:
    """Commune of a Point (:func:`commune_at`) or a polygon: the commune holding most of it.

    Uses the spatial index and stops as soon as it knows: a single commune under the
    perimeter's box, or one commune containing the whole perimeter (most sites), is the answer;
    otherwise the commune under most of a grid of points sampled inside the perimeter (a bounded
    cost, whatever the perimeter's detail); exact intersections only for a perimeter too thin to
    hold a sample point."""
    if geom.geom_type == "Point":
        return commune_at(geom.x, geom.y)  # type: ignore[attr-defined]  # a Point
    ds = get_dataset()
    candidates = ds.tree.query(geom)
    if len(candidates) == 1 and ds.geoms[candidates[0]].intersects(geom):
        return ds.communes[ds.codes[candidates[0]]]
    if len(candidates) == 0:
        p = geom.representative_point()
        return commune_at(p.x, p.y)
    holding = ds.tree.query(geom, predicate="within")
    if len(holding):
        return ds.communes[ds.codes[holding.min()]]
    x0, y0, x1, y1 = geom.bounds
    grid_x, grid_y = np.meshgrid(
        np.linspace(x0, x1, SAMPLE_GRID + 2)[1:-1], np.linspace(y0, y1, SAMPLE_GRID + 2)[1:-1]
    )
    xs, ys = grid_x.ravel(), grid_y.ravel()
    shapely.prepare(geom)
    inside = shapely.contains_xy(geom, xs, ys)
    codes = [c for c in communes_at(xs[inside], ys[inside]) if c is not None]
    if not codes:
        return communes_for_polygon(geom).main
    values, counts = np.unique(np.array(codes, dtype=object), return_counts=True)
    return ds.communes[values[int(np.argmax(counts))]]


@lru_cache(maxsize=1)
def _geometry_index() -> dict[str, int]:
    """INSEE code → index of its (first) geometry in ``codes``/``geoms``, built once per process."""
    index: dict[str, int] = {}
    for i, code in enumerate(get_dataset().codes):
        index.setdefault(code, i)
    return index


@lru_cache(maxsize=40_000)  # more than the ~35,000 communes: each is computed once per process
def commune_point(code: str) -> tuple[float, float] | None:
    """(lon, lat) of a point inside the commune (its simplified boundary's representative point,
    rounded to 5 decimals), or None when unknown: where a map places what is known only by its
    commune."""
    if not isinstance(code, str):
        return None
    i = _geometry_index().get(code.strip().upper())
    if i is None:
        return None
    point = get_dataset().geoms[i].representative_point()
    return round(point.x, 5), round(point.y, 5)


@lru_cache(maxsize=4096)
def commune_area_m2(code: str) -> float | None:
    """Area of a commune (m², from its simplified boundary), or None when unknown."""
    ds = get_dataset()
    for i in np.flatnonzero(ds.codes == code)[:1]:
        return surface_m2(ds.geoms[i])
    return None


def territory_block(code: str) -> dict | None:
    """The ``territoire`` block of the API contract for commune ``code`` (None if unknown)::

    {"commune": {"code", "nom", "population"}, "epci": {"code", "nom"} | None,
     "departement": {"code", "nom"}, "region": {"code", "nom"}, "zonage_abc": "B2" | None}
    """
    ds = get_dataset()
    commune = get_commune(code)
    if commune is None:
        return None
    dep_nom = ds.departements.get(commune.departement, ("", ""))[0]
    return {
        "commune": {"code": commune.code, "nom": commune.nom, "population": commune.population},
        "epci": ({"code": commune.epci, "nom": ds.epci.get(commune.epci)} if commune.epci else None),
        "departement": {"code": commune.departement, "nom": dep_nom},
        "region": {"code": commune.region, "nom": ds.regions.get(commune.region)},
        "zonage_abc": commune.zonage_abc,
    }


def territory_facts(code: str) -> dict | None:
    """Territory facts read by the rules, ``("territoire", key)`` (None if unknown commune).

    Keys: ``commune``, ``epci``, ``departement``, ``region`` (codes), ``population`` (int or
    None), ``zonage_abc`` (``Abis``/``A``/``B1``/``B2``/``C`` or None), and booleans
    ``zone_detendue`` (B2 or C; None when the zoning is unknown), ``outre_mer``,
    ``ile_de_france``, ``corse``.
    """
    commune = get_commune(code)
    if commune is None:
        return None
    zone = commune.zonage_abc
    return {
        "commune": commune.code,
        "epci": commune.epci,
        "departement": commune.departement,
        "region": commune.region,
        "population": commune.population,
        "zonage_abc": zone,
        "zone_detendue": (zone in ZONES_DETENDUES) if zone else None,
        "outre_mer": commune.departement.startswith("97"),
        "ile_de_france": commune.region == REGION_ILE_DE_FRANCE,
        "corse": commune.region == REGION_CORSE,
    }


def territory_warnings(code: str, zonage: bool = True) -> list[str]:
    """French caveats about the embedded data for commune ``code`` (for ``avertissements``);
    those about the zonage ABC only when ``zonage`` (the caller's content reads it)."""
    commune = get_commune(code)
    if commune is None:
        return []
    out = []
    if not zonage:
        pass
    elif commune.zonage_abc is None:
        out.append(f"Le zonage ABC de {commune.nom} n'est pas connu dans les données embarquées.")
    else:
        out.append(
            "Zonage ABC : classement en vigueur depuis le 5 juillet 2024 ; la révision du "
            "5 septembre 2025 n'est pas encore intégrée, vérifiez le zonage actuel de la commune."
        )
    if commune.population is None:
        out.append(f"La population de {commune.nom} n'est pas connue dans les données embarquées.")
    return out
