"""The editors' JSON Schemas (data/schemas/, completion and validation in their editor, see
docs/contenu.md) accept every shipped content file, reject what the content check rejects for
the same reason, and name exactly the keys and values the loaders read (taken from the code)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from app.engine import catalogs, conditions
from app.engine.questionnaire import loader, model
from app.engine.vocabulaire import CNIG_ENUMS

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "data" / "schemas"
DATA = ROOT / "data"


def _schema(name):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _plain(value):
    """YAML as the editor's language server sees it: dates are text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _files():
    yield from ((p, "questionnaire.json") for p in sorted((ROOT / "questionnaires").glob("*.yaml")))
    yield from ((p, "etapes.json") for p in sorted((DATA / "etapes").glob("*.yaml")))
    yield from ((p, "financements.json") for p in sorted((DATA / "financements").glob("*.yaml")))
    for p in sorted((DATA / "contacts").glob("*.yaml")):
        yield p, "types-contacts.json" if p.name == "types.yaml" else "contacts.json"


FILES = list(_files())


def test_every_kind_of_content_file_has_a_schema():
    kinds = {schema for _, schema in FILES}
    assert kinds == {p.name for p in SCHEMAS.glob("*.json")}
    assert len(FILES) >= 20


@pytest.mark.parametrize(("path", "schema"), FILES, ids=[str(p.relative_to(ROOT)) for p, _ in FILES])
def test_shipped_file_is_valid(path, schema):
    doc = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = sorted(jsonschema.Draft202012Validator(_schema(schema)).iter_errors(doc), key=str)
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


def _item_keys(schema):
    return set(_schema(schema)["items"]["properties"])


def test_schemas_name_the_keys_the_loaders_read():
    assert _item_keys("etapes.json") == catalogs.STEP_KEYS
    assert _item_keys("financements.json") == catalogs.SCHEME_KEYS
    assert _item_keys("contacts.json") == catalogs.CONTACT_KEYS
    assert _item_keys("types-contacts.json") == catalogs.TYPE_KEYS
    q = _schema("questionnaire.json")["$defs"]
    assert set(q["groupe"]["properties"]) == loader.GROUP_KEYS
    assert set(q["question"]["properties"]) == loader.QUESTION_KEYS
    assert set(q["choix"]["properties"]) == loader.CHOICE_KEYS
    assert set(q["validation"]["properties"]) == loader.VALIDATION_KEYS
    assert q["question"]["properties"]["type"]["enum"] == list(model.TYPES)


def test_schemas_name_the_values_the_loaders_accept():
    scheme = _schema("financements.json")["items"]["properties"]
    assert scheme["nature"]["enum"] == list(catalogs.NATURES)
    assert scheme["finance"]["items"]["enum"] == list(catalogs.FINANCE)
    assert scheme["beneficiaires"]["items"]["enum"] == list(catalogs.PORTEURS)
    assert scheme["usages"]["items"]["enum"] == list(CNIG_ENUMS["site_reconv_type"])
    assert scheme["calendrier"]["properties"]["recurrence"]["enum"] == list(catalogs.RECURRENCES)
    contact = _schema("contacts.json")["items"]["properties"]
    assert set(contact["couvre"]["properties"]) == set(catalogs.COVERAGE_KEYS)
    for name in ("etapes.json", "questionnaire.json"):
        defs = _schema(name)["$defs"]
        assert set(defs["combinateur"]["properties"]) == set(conditions.COMBINATORS)
        assert set(defs["atome"]["properties"]) == set(conditions.KINDS) | set(conditions.OPERATORS)


STEP = {
    "id": "visiter-le-site",
    "phase": "connaitre",
    "titre": "Visiter le site",
    "objectif": "Voir l'état des lieux.",
    "sources": [{"url": "https://www.ecologie.gouv.fr/", "titre": "Ministère"}],
}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"titre": None}, "titre"),  # a required field
        ({"sources": [{"url": "http://exemple.fr/", "titre": "x"}]}, "url"),  # not https
        ({"titres": "Visiter"}, "titres"),  # a misspelt key
        ({"si": {"question": "icpe", "est": "oui", "au moins": 3}}, "si"),  # two operators
        ({"si": {"question": "icpe", "egal": "oui"}}, "si"),  # an unknown operator
        ({"si": {"toutes ces conditions": []}}, "si"),  # an empty combinator
        ({"verifie_le": "1er décembre 2026"}, "verifie_le"),
    ],
)
def test_schema_rejects_what_the_content_check_rejects(change, where):
    step = {k: v for k, v in {**STEP, **change}.items() if v is not None}
    validator = jsonschema.Draft202012Validator(_schema("etapes.json"))
    assert not list(validator.iter_errors([STEP]))
    errors = list(validator.iter_errors([step]))
    assert errors
    assert any(where in (e.message + "/".join(map(str, e.absolute_path))) for e in errors), [
        e.message for e in errors
    ]
