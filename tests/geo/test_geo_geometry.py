"""Geometry parsing and checks (WKT, GeoJSON), surfaces in the official projections."""

import json

import pytest
from pyproj import CRS
from shapely.geometry import Polygon, box

from app.geo import GeoError, parse_geojson, parse_wkt_point, projection_for, surface_m2


def square_m(lon, lat, side_m=100.0):
    """A roughly side_m × side_m square around (lon, lat), in WGS84."""
    import math

    dlat = side_m / 111_320
    dlon = side_m / (111_320 * math.cos(math.radians(lat)))
    return box(lon, lat, lon + dlon, lat + dlat)


@pytest.mark.parametrize(
    "epsg, name",
    [
        (2154, "RGF93 v1 / Lambert-93"),
        (5490, "RGAF09 / UTM zone 20N"),
        (2972, "RGFG95 / UTM zone 22N"),
        (2975, "RGR92 / UTM zone 40S"),
        (4471, "RGM04 / UTM zone 38S"),
    ],
)
def test_official_projection_codes(epsg, name):
    assert CRS.from_epsg(epsg).name == name


@pytest.mark.parametrize(
    "lon, lat, epsg",
    [
        (2.35, 48.85, 2154),
        (8.74, 41.92, 2154),
        (-61.73, 16.0, 5490),
        (-61.06, 14.62, 5490),
        (-52.33, 4.94, 2972),
        (55.45, -20.88, 2975),
        (45.23, -12.78, 4471),
    ],
)
def test_surface_uses_local_projection_and_is_accurate(lon, lat, epsg):
    geom = square_m(lon, lat, 100)
    assert projection_for(geom) == epsg
    assert surface_m2(geom) == pytest.approx(10_000, rel=0.01)


def test_parse_wkt_point():
    p = parse_wkt_point("POINT(2.7766 50.4567)")
    assert (p.x, p.y) == (2.7766, 50.4567)
    assert parse_wkt_point(" point ( -61.73 16.0 ) ").x == -61.73


@pytest.mark.parametrize("text", ["POINT(2.7 )", "2.7 50.4", "POLYGON((0 0,1 0,1 1,0 0))", "", None, 42])
def test_parse_wkt_point_rejects_bad_syntax(text):
    with pytest.raises(GeoError, match="POINT"):
        parse_wkt_point(text)


def test_swapped_lat_lon_is_detected():
    with pytest.raises(GeoError, match="inversant latitude et longitude"):
        parse_wkt_point("POINT(50.4567 2.7766)")
    poly = {"type": "Polygon", "coordinates": [[[48.85, 2.35], [48.86, 2.35], [48.86, 2.36], [48.85, 2.35]]]}
    with pytest.raises(GeoError, match="inversant"):
        parse_geojson(poly)


def test_outside_france_is_rejected():
    with pytest.raises(GeoError, match="hors de France"):
        parse_wkt_point("POINT(13.40 52.52)")  # Berlin
    with pytest.raises(GeoError, match="hors de France"):
        parse_geojson(
            {"type": "Polygon", "coordinates": [[[13.4, 52.5], [13.5, 52.5], [13.5, 52.6], [13.4, 52.5]]]}
        )


def test_projected_coordinates_are_explained():
    with pytest.raises(GeoError, match="autre projection"):
        parse_geojson(
            {
                "type": "Polygon",
                "coordinates": [[[652000, 6862000], [653000, 6862000], [653000, 6863000], [652000, 6862000]]],
            }
        )


def test_geojson_forms_are_accepted():
    ring = [[2.775, 50.455], [2.779, 50.455], [2.779, 50.458], [2.775, 50.455]]
    geom = {"type": "Polygon", "coordinates": [ring]}
    assert parse_geojson(geom).geom_type == "Polygon"
    assert parse_geojson(json.dumps(geom)).geom_type == "Polygon"
    assert parse_geojson({"type": "Feature", "properties": {}, "geometry": geom}).geom_type == "Polygon"
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": geom},
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[2.78, 50.46], [2.79, 50.46], [2.79, 50.47], [2.78, 50.46]]],
                },
            },
        ],
    }
    assert parse_geojson(fc).geom_type == "MultiPolygon"
    assert (
        parse_geojson({"type": "Point", "coordinates": [2.77, 50.45]}, allow_point=True).geom_type == "Point"
    )


def test_unclosed_ring_is_closed():
    geom = parse_geojson(
        {"type": "Polygon", "coordinates": [[[2.775, 50.455], [2.779, 50.455], [2.779, 50.458]]]}
    )
    assert geom.is_valid and geom.area > 0


def test_self_intersecting_ring_is_repaired_with_a_note():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[2.77, 50.45], [2.78, 50.46], [2.78, 50.45], [2.77, 50.46], [2.77, 50.45]]],
    }
    notes = []
    geom = parse_geojson(bowtie, notes=notes)
    assert geom.is_valid and geom.area > 0
    assert notes and "corrigé" in notes[0]


@pytest.mark.parametrize(
    "data, message",
    [
        ("{not json", "JSON valide"),
        ([1, 2], "doit être un objet"),
        ({"type": "Circle", "coordinates": [1, 2]}, "inconnu"),
        ({"type": "Polygon", "coordinates": [[[2.77, 50.45], [2.78, 50.46]]]}, "mal formée"),
        ({"type": "Polygon", "coordinates": [[[2.77, "x"], [2.78, 50.46], [2.79, 50.46]]]}, "invalides"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[2.77, 50.45], [2.78, 50.45], [2.79, 50.45], [2.77, 50.45]]],
            },
            "surface non nulle",
        ),
        ({"type": "LineString", "coordinates": [[2.77, 50.45], [2.78, 50.46]]}, "polygone"),
        ({"type": "FeatureCollection", "features": []}, "aucune géométrie"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[2.77, 50.45], [2.78, 50.46], [2.79, 50.45], [2.77, 50.45]]],
                "crs": {"type": "name", "properties": {"name": "EPSG:2154"}},
            },
            "WGS84",
        ),
    ],
)
def test_bad_geojson_is_rejected_with_french_message(data, message):
    with pytest.raises(GeoError, match=message):
        parse_geojson(data)


def test_nan_coordinates_rejected():
    with pytest.raises(GeoError):
        parse_geojson('{"type": "Point", "coordinates": [NaN, 50.4]}', allow_point=True)


def test_surface_of_empty_is_zero():
    assert surface_m2(Polygon()) == 0.0
