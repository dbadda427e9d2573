"""Territories and site geodata — no Flask import.

Offline commune lookups from the embedded dataset (``data/territoires/``, loaded lazily once
per process), geometry parsing/checks and surfaces. Public API:

- :func:`get_commune` (code INSEE → :class:`Commune`), :func:`search_communes` (autocomplete)
- :func:`commune_at` (lon, lat), :func:`communes_at` (batched), :func:`communes_for_polygon`,
  :func:`commune_for_geometry`, :func:`commune_point` (a point inside a commune, for maps)
- :func:`territory_block` (API contract ``territoire``), :func:`territory_facts` (rule facts),
  :func:`territory_warnings`
- :func:`parse_wkt_point`, :func:`parse_geojson`, :func:`surface_m2`, :func:`check_lon_lat`
- :class:`GeoError`: bad input, with a French message.
"""

from .dataset import Commune, get_dataset
from .errors import GeoError
from .geometry import check_lon_lat, parse_geojson, parse_wkt_point, projection_for, surface_m2
from .lookup import (
    CommuneShare,
    PolygonCommunes,
    commune_area_m2,
    commune_at,
    commune_for_geometry,
    commune_point,
    communes_at,
    communes_for_polygon,
    get_commune,
    search_communes,
    territory_block,
    territory_facts,
    territory_warnings,
)

__all__ = [
    "Commune",
    "CommuneShare",
    "GeoError",
    "PolygonCommunes",
    "check_lon_lat",
    "commune_area_m2",
    "commune_at",
    "commune_point",
    "commune_for_geometry",
    "communes_at",
    "communes_for_polygon",
    "get_commune",
    "get_dataset",
    "parse_geojson",
    "parse_wkt_point",
    "projection_for",
    "search_communes",
    "surface_m2",
    "territory_block",
    "territory_facts",
    "territory_warnings",
]
