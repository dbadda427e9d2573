"""Assertions on the shipped reference content (data/), read through the content bundle the app
serves: structure, sources, coverage of France. Constants come from the code, not copies."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlparse

import pytest

from app.engine.catalogs import FINANCE, ID_RE, NATURES, PORTEURS, RECURRENCES, SchemeStatus
from app.engine.conditions import KIND_QUESTION, evaluate
from app.engine.coverage import coverage_report
from app.engine.vocabulaire import INTENDED_USES
from app.geo import get_dataset

# A fixed day for everything that depends on the date (scheme statuses): never date.today().
DAY = date(2026, 12, 1)
PHASES = ["connaitre", "foncier", "diagnostiquer", "projet", "montage", "realiser"]
OVERSEAS_DEPS = {"971", "972", "973", "974", "976"}
DEPARTEMENTS = {code: region for code, (_, region) in get_dataset().departements.items()}
REGIONS = sorted(get_dataset().regions)


@pytest.fixture(scope="module")
def cat(content):
    return content.catalogs


@pytest.fixture(scope="module")
def territories():
    ds = get_dataset()
    departements = {code: region for code, (_, region) in ds.departements.items()}
    return departements, set(ds.regions)


def all_items(cat):
    return [
        *cat.steps,
        *cat.schemes.values(),
        *cat.contacts,
        *cat.contact_types.values(),
        *cat.resources.values(),
    ]


def resolve(cat, type_id: str, dep: str, region: str) -> list:
    return [
        c
        for c in cat.contacts_by_type.get(type_id, [])
        if dep in c.covers.get("departements", ()) or region in c.covers.get("regions", ())
    ]


# --- structure ----------------------------------------------------------------------------------


def test_phases_are_the_six_phases_in_order(cat):
    assert [p.id for p in cat.phases] == PHASES
    assert all(p.title for p in cat.phases)


def test_ids_are_well_formed(cat):
    bad = [i.id for i in all_items(cat) if not ID_RE.match(i.id)]
    assert not bad


def test_every_item_has_sources(cat):
    for item in all_items(cat):
        assert item.sources, item.id
        assert all(s.url and s.title for s in item.sources), item.id


def test_every_url_is_https_and_well_formed(cat):
    for item in all_items(cat):
        url = getattr(item, "url", None) or "https://x.fr"
        if getattr(item, "template", None):  # a template of the library: its page on this service
            assert url == f"/ressources/{item.id}", item.id
            url = "https://x.fr"
        urls = [s.url for s in item.sources] + [url]
        for url in urls:
            parsed = urlparse(url)
            assert parsed.scheme == "https" and "." in parsed.netloc and " " not in url, (item.id, url)


def test_no_phone_number_or_email_in_contacts(cat):
    phone = re.compile(r"\b0\d([ .]?\d{2}){4}\b")
    for item in [*cat.contacts, *cat.contact_types.values()]:
        text = " ".join(str(v) for v in vars(item).values())
        assert "@" not in text and not phone.search(text), item.id


def test_steps_are_complete(cat):
    assert len(cat.steps) >= 35
    for step in cat.steps:
        assert step.title and step.objective and step.actions and step.who, step.id
    assert {s.phase for s in cat.steps} == set(PHASES)


def test_schemes_are_complete(cat):
    assert len(cat.schemes) >= 25
    for s in cat.schemes.values():
        assert s.name and s.funder and s.finances and s.beneficiaries and s.how_to_apply and s.url, s.id
        assert s.nature in NATURES and set(s.finances) <= set(FINANCE), s.id
        assert set(s.beneficiaries) <= set(PORTEURS) and s.calendar.recurrence in RECURRENCES, s.id
        assert set(s.uses) <= set(INTENDED_USES), s.id


def test_an_open_scheme_has_a_confirmed_edition_or_a_legal_basis(cat):
    for s in cat.schemes.values():
        if s.status(DAY) == SchemeStatus.OPEN:
            assert s.calendar.edition is not None or s.calendar.legal_basis is not None, s.id


def test_closed_historic_schemes_are_kept_for_context(cat):
    assert any(s.status(DAY) == SchemeStatus.CLOSED for s in cat.schemes.values())


@pytest.mark.parametrize("use", INTENDED_USES)
def test_every_intended_use_has_a_scheme_that_is_not_closed(cat, use):
    found = [
        s
        for s in cat.schemes.values()
        if s.status(DAY) != SchemeStatus.CLOSED
        and (not s.uses or use in s.uses)
        and evaluate(s.condition, {(KIND_QUESTION, "usage"): use}).value is not False
    ]
    assert found, use


def test_coverage_report_mentions_every_phase_and_use(cat):
    report = coverage_report(cat, DAY)
    for phase in PHASES:
        assert phase in report
    for use in INTENDED_USES:
        assert use in report


# --- territorial coverage ------------------------------------------------------------------------


def test_contacts_cover_known_codes(cat, territories):
    departements, regions = territories
    for c in cat.contacts:
        assert c.name, c.id
        assert set(c.covers.get("regions", ())) <= regions, c.id
        assert set(c.covers.get("departements", ())) <= set(departements), c.id


def test_the_territory_dataset_has_the_official_lists(territories):
    departements, regions = territories
    assert len(departements) == 101 and set(departements.values()) == regions and len(regions) == 18


@pytest.mark.parametrize("dep", sorted(DEPARTEMENTS))
def test_every_departement_has_state_services_and_prefecture(cat, dep):
    region = DEPARTEMENTS[dep]
    assert resolve(cat, "ddt", dep, region), f"no DDT(M)/DEAL for {dep}"
    assert resolve(cat, "prefecture", dep, region), f"no préfecture for {dep}"
    assert resolve(cat, "sous-prefecture", dep, region), dep
    assert resolve(cat, "udap", dep, region), dep


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("type_id", ["dreal", "ademe", "region"])
def test_every_region_has_its_regional_contacts(cat, region, type_id):
    assert any(region in c.covers.get("regions", ()) for c in cat.contacts_by_type[type_id]), region


@pytest.mark.parametrize("dep", sorted(d for d in DEPARTEMENTS if d not in OVERSEAS_DEPS))
def test_every_mainland_departement_resolves_one_water_agency(cat, dep):
    agencies = [c for c in resolve(cat, "agence-eau", dep, DEPARTEMENTS[dep]) if c.covers.get("departements")]
    assert len(agencies) == 1, (dep, [c.id for c in agencies])


@pytest.mark.parametrize("region", REGIONS)
def test_every_region_resolves_a_cerema_direction_and_a_banque_des_territoires_contact(cat, region):
    assert any(
        c.id != "cerema-urbanvitaliz" and region in c.covers.get("regions", ())
        for c in cat.contacts_by_type["cerema"]
    ), region
    assert any(
        region in c.covers.get("regions", ()) or not c.covers
        for c in cat.contacts_by_type["banque-territoires"]
    ), region


# --- EPF ------------------------------------------------------------------------------------------

# Départements where no EPF operates at all (see the header of data/contacts/epf.yaml).
NO_EPF_DEPARTEMENTS = {"49"}


@pytest.fixture(scope="module")
def epci_by_dep():
    out: dict[str, set[str]] = {}
    for commune in get_dataset().communes.values():
        if commune.epci:
            out.setdefault(commune.departement, set()).add(commune.epci)
    return out


@pytest.mark.parametrize("dep", sorted(DEPARTEMENTS))
def test_every_departement_resolves_an_epf_or_an_explicit_no_epf_state(cat, epci_by_dep, dep):
    region = DEPARTEMENTS[dep]
    epf = [
        c
        for c in cat.contacts_by_type["epf"]
        if dep in c.covers.get("departements", ())
        or region in c.covers.get("regions", ())
        or set(c.covers.get("epci", ())) & epci_by_dep.get(dep, set())
    ]
    if dep in NO_EPF_DEPARTEMENTS:
        assert not epf, f"{dep} is listed as without EPF but {[c.id for c in epf]} covers it"
    else:
        assert epf, f"no EPF for {dep}: add one or list the département in NO_EPF_DEPARTEMENTS"


def test_epf_entries_are_well_formed(cat):
    ds = get_dataset()
    epf = cat.contacts_by_type["epf"]
    assert len(epf) >= 12
    for c in epf:
        assert c.epf_status in ("etat", "local"), c.id
        codes = c.covers.get("epci", frozenset())
        assert codes <= set(ds.epci), (c.id, codes - set(ds.epci))
        if c.partial_perimeter:
            # A local EPF works only for its members; a State EPF listed in part (decree annex not
            # read) says what to confirm.
            assert c.epf_status == "local" or c.to_confirm, c.id


def test_the_epf_step_says_what_to_do_when_no_epf_covers_the_commune(cat):
    step = cat.steps_by_id["portage-epf"]
    text = " ".join([step.objective, *step.actions]).lower()
    assert "aucun epf" in text
    assert "banque des territoires" in text and "safer" in text
    assert {"banque-territoires", "safer"} <= set(step.contact_types)
