"""Property-based run of the OpenAPI document against the app (schemathesis): no 500 on any input
generated from the document, and every response matches its declared status, type and schema.
Every operation of the document is run (the list is read from it, so a new one cannot be missed).

Uses hypothesis strategies directly (``as_strategy``) rather than schemathesis' lazy pytest
fixture, which does not support pytest 9 yet. Deterministic and bounded (30 examples each).
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.spec import build_spec

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [
    (path, method.upper())
    for path, item in build_spec()["paths"].items()
    for method in item
    if method != "parameters"
]


def test_every_api_route_is_in_the_document(app):
    def shape(path: str) -> str:  # /a/<token> and /a/{jeton} are the same route
        return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)

    routes = {shape(rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api")}
    documented = {shape(path) for path, _ in OPERATIONS}
    assert routes - documented == {"/api", "/api/v1/openapi.json"}  # the documentation itself


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_api_conforms_to_its_openapi_document(app, path, method):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    examples = 40 if method == "POST" else 5

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()
