"""Hostile inputs of the December 2026 security audit (../shared/audits/2026-12-securite.md),
built in code so that each attack is a test."""

from __future__ import annotations

import io
import math
import random
import struct
import zipfile

CX, CY = 2.777, 50.4565  # Loos-en-Gohelle (62528)

FRANCE_RECTANGLE = {"type": "Polygon", "coordinates": [[[-5, 42], [9, 42], [9, 51], [-5, 51], [-5, 42]]]}


def star(n: int, outer: float = 0.013, inner: float = 0.0013) -> dict:
    """A valid star polygon of ``n`` vertices (long thin spikes: the slowest shape to check)."""
    ring = [
        (
            CX + (outer if i % 2 else inner) * math.cos(2 * math.pi * i / n),
            CY + (outer if i % 2 else inner) * math.sin(2 * math.pi * i / n) / 1.5,
        )
        for i in range(n)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def crossing_star(n: int, radius: float = 0.005) -> dict:
    """A self-intersecting star {n/(n/2-1)}: about n²/4 crossings, a nightmare to repair."""
    k = n // 2 - 1
    ring = [
        (CX + radius * math.cos(2 * math.pi * i * k / n), CY + radius * math.sin(2 * math.pi * i * k / n))
        for i in range(n)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def nested_collections(depth: int) -> dict:
    geom = {
        "type": "Polygon",
        "coordinates": [[[CX, CY], [CX + 0.001, CY], [CX + 0.001, CY + 0.001], [CX, CY]]],
    }
    for _ in range(depth):
        geom = {"type": "GeometryCollection", "geometries": [geom]}
    return geom


def deep_json(depth: int) -> bytes:
    return b'{"site": {"geomsurf": ' + b"[" * depth + b"]" * depth + b"}}"


def shapefile_bytes(points: int) -> bytes:
    """A .shp holding one polygon record of ``points`` points drawn among 16 spots: about 30
    times smaller once zipped (under the archive's compression-ratio cap), huge once built."""
    rng = random.Random(13)
    spots = [struct.pack("<2d", CX + rng.random() * 1e-3, CY + rng.random() * 1e-3) for _ in range(16)]
    xy = b"".join(spots[rng.randrange(16)] for _ in range(points))
    content = struct.pack("<i4d2i", 5, CX, CY, CX, CY, 1, points) + struct.pack("<i", 0) + xy
    record = struct.pack(">2i", 1, len(content) // 2) + content
    length = (100 + len(record)) // 2
    header = struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length) + struct.pack(
        "<2i4d4d", 1000, 5, CX, CY, CX, CY, 0, 0, 0, 0
    )
    return header + record


def zip_members(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


PRJ_WGS84 = (
    b'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    b'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


def million_vertex_shapefile_zip(points: int = 1_000_000) -> bytes:
    return zip_members(
        {
            "site.shp": shapefile_bytes(points),
            "site.shx": b"\x00" * 100,
            "site.dbf": b"\x00" * 40,
            "site.prj": PRJ_WGS84,
        }
    )
