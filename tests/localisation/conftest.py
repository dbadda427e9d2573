"""Local stand-ins for the map's third parties: a tile server (one small PNG for every tile)
and API Carto cadastre (one parcel in Loos-en-Gohelle), both on localhost (pytest-httpserver).
No test touches the internet."""

from __future__ import annotations

import re
import struct
import weakref
import zlib

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.clients import clear_caches
from tests.conftest import empty_database, make_app, serving


def _png(width: int = 8, height: int = 8, rgb=(230, 230, 210)) -> bytes:
    """A valid PNG, built by hand so that no image library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


TILE_PNG = _png()

# One parcel of about 2 ha in Loos-en-Gohelle (62528), as API Carto cadastre returns it.
PARCEL_RING = [[2.7770, 50.4560], [2.7790, 50.4560], [2.7790, 50.4573], [2.7770, 50.4573], [2.7770, 50.4560]]
NEIGHBOUR_RING = [
    [2.7790, 50.4560],
    [2.7800, 50.4560],
    [2.7800, 50.4573],
    [2.7790, 50.4573],
    [2.7790, 50.4560],
]


def parcel_collection(ring=PARCEL_RING, idu="62528000AB0123", numero="0123") -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "parcelle.1",
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
                "properties": {
                    "idu": idu,
                    "numero": numero,
                    "section": "AB",
                    "code_insee": "62528",
                    "nom_com": "Loos-en-Gohelle",
                    "contenance": 20480,
                },
            }
        ],
    }


def serve_tiles(httpserver) -> str:
    """Serve a PNG for every tile under /tuiles/; returns the {z}/{x}/{y} URL template."""
    httpserver.expect_request(re.compile(r"^/tuiles/.*")).respond_with_data(
        TILE_PNG, content_type="image/png"
    )
    return httpserver.url_for("/tuiles") + "/{z}/{x}/{y}.png"


def serve_parcel(httpserver, body=None) -> None:
    httpserver.expect_request("/cadastre/parcelle").respond_with_json(body or parcel_collection())


@pytest.fixture
def cadastre(app, httpserver):
    """Every public API of the app on the local test server (only what a test serves answers)."""
    clear_caches()
    url = httpserver.url_for("/")
    app.config.update(
        ENRICHMENT_ENABLED=True,
        API_ADRESSE_URL=url,
        API_CARTO_URL=url,
        GEORISQUES_URL=url,
        ENRICHMENT_RETRIES=0,
        ENRICHMENT_TIMEOUT=1,
    )
    return httpserver


@pytest.fixture
def map_server(database_url, _schema, httpserver):
    """The app over real HTTP with its basemap, parcel overlay and API Carto on the local test
    server (as the IGN Géoplateforme and API Carto would be in production)."""

    clear_caches()
    tiles = serve_tiles(httpserver)
    serve_parcel(httpserver)
    url = httpserver.url_for("/")
    app = make_app(
        database_url,
        WTF_CSRF_ENABLED=True,
        MAP_TILES_URL=tiles,
        MAP_PARCELS_URL=tiles,
        MAP_TILES_ATTRIBUTION="Tuiles de test",
        ENRICHMENT_ENABLED=True,
        API_ADRESSE_URL=url,
        API_CARTO_URL=url,
        GEORISQUES_URL=url,
        ENRICHMENT_RETRIES=0,
        ENRICHMENT_TIMEOUT=1,
    )
    with serving(app) as url:
        yield {"url": url, "app": app, "tiles": httpserver.url_for("/tuiles")}
    with app.app_context():
        empty_database()


# Tests here build extra apps (production settings, rate limits, a live server), each with its
# own pool: close them after every test (a shared PostgreSQL server has few connections).
_ENGINES: weakref.WeakSet = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember(connection):
    _ENGINES.add(connection.engine)


@pytest.fixture(autouse=True)
def _close_pools():
    yield
    for engine in list(_ENGINES):
        engine.dispose()
