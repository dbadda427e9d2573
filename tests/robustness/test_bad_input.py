"""Item 6 of issue 13: bad input never gives a 500 — NUL bytes (500 on PostgreSQL before),
invalid UTF-8, wrong content types, TRACE (405 without ``Allow`` before), and the OpenAPI
document says what the code does (limit maximum, WKT pattern)."""

from __future__ import annotations

import re

import pytest

from app.api.spec import build_spec
from app.extensions import db
from app.geo.geometry import _WKT_POINT
from app.models import Site


@pytest.fixture
def token(app):
    site = Site()
    db.session.add(site)
    db.session.commit()
    return site.token


@pytest.mark.parametrize(
    "path",
    [
        "/sites/%00",
        "/sites/abcdefghijklmnop%00qrstuvwxyz012345",
        "/sites/abcdefghijklmnop%00qrstuvwxyz012345/parcours",
        "/sites/abcdefghijklmnop%00qrstuvwxyz012345/localisation",
        "/sites/%FF%FEabcdefghijklmnopqrstuvwxyz/questionnaire",
        "/sites/' OR 1=1 --/parcours",
    ],
)
def test_a_malformed_token_is_a_plain_404(client, path):
    assert client.get(path).status_code == 404


def test_nul_bytes_in_a_text_answer_are_refused(client, token):
    response = client.post(f"/sites/{token}/questionnaire/histoire", data={"site_nom": "Usine\x00"})
    assert response.status_code == 400
    assert client.get(f"/sites/{token}/synthese").status_code == 200  # nothing half-saved


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/localisation/adresses?q=rue%00", {}),
        ("get", "/api/v1/territoires/communes?q=lo%00os", {}),
        ("post", "/sites/{token}/parcours/etapes/inventaire-site/statut", {"data": {"statut": "fait\x00"}}),
        ("post", "/sites/{token}/avis", {"data": {"item_type": "etape\x00", "item_id": "x", "utile": "oui"}}),
    ],
)
def test_nul_bytes_anywhere_are_a_400(client, token, method, path, kwargs):
    assert getattr(client, method)(path.format(token=token), **kwargs).status_code == 400


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status"),
    [
        ("/api/v1/parcours", b"\xff\xfe{", "application/json", 400),
        ("/api/v1/parcours", b"site=1", "application/x-www-form-urlencoded", 400),
        ("/api/v1/parcours", b'{"site": []}', "text/plain", 422),
        ("/api/v1/parcours", b"[" * 5000 + b"]" * 5000, "application/json", 400),
        ("/api/v1/parcours", b'{"site": {"site_type": "a\\u0000b"}}', "application/json", 422),
    ],
)
def test_wrong_bodies_on_the_api_are_4xx(client, path, body, content_type, status):
    assert client.post(path, data=body, content_type=content_type).status_code == status


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/sites/{token}/localisation", b'{"commune": "Loos"}', "application/json"),
        ("/sites/{token}/avis", b"\xff\xfe", "application/octet-stream"),
        (
            "/sites/{token}/questionnaire/histoire",
            b"site_nom=\xff\xfe\xfd",
            "application/x-www-form-urlencoded",
        ),
        ("/sites/{token}/parcours/etapes/inventaire-site", b"--x\r\n\r\n", "multipart/form-data; boundary=x"),
    ],
)
def test_wrong_bodies_on_pages_are_never_a_500(client, token, path, body, content_type):
    response = client.post(path.format(token=token), data=body, content_type=content_type)
    assert response.status_code < 500


@pytest.mark.parametrize("path", ["/", "/sites", "/api/v1/parcours", "/healthz", "/stats"])
def test_trace_is_a_405_with_an_allow_header(client, path):
    response = client.open(path, method="TRACE")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"] or "POST" in response.headers["Allow"]
    assert "TRACE" not in response.headers["Allow"]


def test_the_openapi_limit_maximum_is_what_the_api_enforces(client):
    spec = build_spec()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/territoires/communes"]["get"]["parameters"]}
    maximum = params["limit"]["schema"]["maximum"]
    assert client.get(f"/api/v1/territoires/communes?q=saint&limit={maximum}").status_code == 200
    assert client.get(f"/api/v1/territoires/communes?q=saint&limit={maximum + 1}").status_code == 422
    assert client.get("/api/v1/territoires/communes?q=saint&limit=0").status_code == 422


@pytest.mark.parametrize(
    ("wkt", "accepted"),
    [
        ("POINT(2.7766 50.4567)", True),
        ("point ( 2.7766   50.4567 )", True),
        ("POINT(2.7766 50.4567 12)", False),
        ("POINT(2,7766 50,4567)", False),
        ("POINT EMPTY", False),
    ],
)
def test_the_openapi_wkt_pattern_is_the_parsers(wkt, accepted):
    pattern = build_spec()["components"]["schemas"]["Site"]["properties"]["geompoint"]["pattern"]
    assert bool(re.match(pattern, wkt)) is accepted
    assert bool(_WKT_POINT.match(wkt)) is accepted
