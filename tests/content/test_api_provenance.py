"""The API says ``verifie: true`` only for an item checked against its sources (``verifie_le``)
with no open doubt (``a_confirmer``), for steps, schemes and contacts alike; editors' notes
(``redaction``) are never served."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.api import bodies

DAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def cat(content):
    return content.catalogs


def variants(item):
    """The same item checked, checked with a doubt, and never checked."""
    return {
        "checked": replace(item, checked_on=DAY, to_confirm=None),
        "doubt": replace(item, checked_on=DAY, to_confirm="À confirmer auprès de la DDT(M)."),
        "unchecked": replace(item, checked_on=None, to_confirm=None),
    }


EXPECTED = {"checked": True, "doubt": False, "unchecked": False}


def test_steps(cat):
    for name, item in variants(cat.steps[0]).items():
        assert bodies.step_body(item)["verifie"] is EXPECTED[name], name


def test_schemes(cat):
    for name, item in variants(cat.schemes["fonds-vert-recyclage-foncier"]).items():
        assert bodies.scheme_body(item, DAY)["verifie"] is EXPECTED[name], name


def test_contacts(cat):
    for name, item in variants(cat.contacts[0]).items():
        assert bodies.contact_body(item)["verifie"] is EXPECTED[name], name


def test_catalogue_bodies_never_serve_editors_notes(cat):
    served = [
        str(bodies.steps_catalogue(cat)),
        str(bodies.schemes_catalogue(cat, DAY)),
        str(bodies.contacts_catalogue(cat)),
        str(bodies.resources_catalogue(cat)),
    ]
    notes = [i.editorial for i in [*cat.steps, *cat.schemes.values(), *cat.contacts] if i.editorial]
    assert notes
    for note in notes[:200]:
        assert all(note not in text for text in served)
    assert all("redaction" not in text for text in served)


def test_every_shipped_item_is_served_with_the_right_verifie(cat):
    for body in bodies.steps_catalogue(cat)["etapes"]:
        step = cat.steps_by_id[body["id"]]
        assert body["verifie"] == (step.checked_on is not None and not step.to_confirm)
    for body in bodies.contacts_catalogue(cat)["contacts"]:
        assert body["verifie"] is (body["verifie_le"] is not None and not body["a_confirmer"])
    for body in bodies.schemes_catalogue(cat, DAY)["financements"]:
        assert body["verifie"] is (body["verifie_le"] is not None and not body["a_confirmer"])
