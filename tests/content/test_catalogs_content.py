"""Assertions on the shipped reference content (data/): structure, sources, dates, coverage.

Loads everything through the catalog loader (app.engine.catalogs.load_catalogs); the structural
checks below also read the files with PyYAML so that a failure names the faulty id directly.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from app.engine.conditions import KIND_QUESTION, KIND_TERRITORY, FactInfo, check, evaluate
from app.engine.coverage import USES, coverage_report, scheme_status

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
TODAY = date.today()
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PHASES = ["connaitre", "foncier", "diagnostiquer", "projet", "montage", "realiser"]
FINANCE = {"etudes", "foncier", "depollution", "demolition", "deficit", "travaux", "ingenierie"}
NATURES = {"subvention", "pret", "ingenierie", "portage", "fiscal", "autre"}
PORTEURS = {
    "commune",
    "epci",
    "departement_region",
    "etat",
    "epf",
    "bailleur_social",
    "epl",
    "prive",
    "association",
}
RECURRENCES = {"permanent", "annuelle", "ponctuelle"}

# Official codes (INSEE): 18 régions and 101 départements with their région.
REGIONS = {
    "01",
    "02",
    "03",
    "04",
    "06",
    "11",
    "24",
    "27",
    "28",
    "32",
    "44",
    "52",
    "53",
    "75",
    "76",
    "84",
    "93",
    "94",
}
_DEPS_BY_REGION = {
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "32": "02 59 60 62 80",
    "93": "04 05 06 13 83 84",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "28": "14 27 50 61 76",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "53": "22 29 35 56",
    "94": "2A 2B",
    "52": "44 49 53 72 85",
    "11": "75 77 78 91 92 93 94 95",
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
}
DEPARTEMENTS = {dep: reg for reg, deps in _DEPS_BY_REGION.items() for dep in deps.split()}
OVERSEAS_DEPS = {"971", "972", "973", "974", "976"}

# Question vocabulary: CNIG fields (verbatim values), API extensions, project questions, and the
# few extra questions documented in docs/contenu-questions-attendues.md.
CNIG_SCHEMA = ROOT / "data" / "cnig" / "schema-friches-v1.0.6.json"
CNIG_FIELDS = (
    "site_type",
    "site_occupation",
    "bati_pollution",
    "bati_etat",
    "bati_patrimoine",
    "sol_pollution_existe",
    "urba_zone_type",
    "urba_doc_type",
    "site_securite",
    "bati_vacance",
)
NUMBER_FIELDS = (
    "local_ancien_annee",
    "unite_fonciere_surface",
    "bati_surface",
    "activite_fin_annee",
    "bati_nombre",
)
EXTRA_QUESTIONS = {
    "proprietaire": (
        "choix",
        [
            "commune",
            "epci",
            "departement_region",
            "etat",
            "etablissement_public",
            "sncf",
            "bailleur_social",
            "prive",
            "copropriete_indivision",
            "inconnu",
        ],
    ),
    "icpe": ("choix", ["oui", "non", "inconnu"]),
    "usage": ("choix", list(USES) + ["inconnu"]),
    "porteur": ("choix", sorted(PORTEURS)),
    "avancement": ("choix", ["idee", "etudes", "programme_defini", "operationnel"]),
    # Extra questions requested from the questionnaire (docs/contenu-questions-attendues.md).
    "proprietaire_joignable": ("choix", ["oui", "non", "inconnu"]),
    "risque_immediat": ("choix", ["oui", "non", "inconnu"]),
    "enjeux_biodiversite": ("choix", ["oui", "non", "inconnu"]),
    "programme_anct": (
        "choix_multiple",
        ["action_coeur_de_ville", "petites_villes_de_demain", "villages_avenir", "ort", "aucun"],
    ),
    # Questions wired so that none is decorative (issue 3).
    "site_clos": ("choix", ["oui", "non", "inconnu"]),
    "proprietaire_vendeur": ("choix", ["oui", "non", "inconnu"]),
    "diagnostic_pollution_realise": ("choix", ["oui", "non", "inconnu"]),
    "diagnostic_amiante_realise": ("choix", ["oui", "non", "inconnu"]),
    "risques_connus": (
        "choix_multiple",
        ["inondation", "mouvement_terrain", "technologique", "minier", "aucun"],
    ),
    "marche_vacance": ("choix", ["faible", "moyenne", "forte", "inconnu"]),
    "marche_demande": ("choix", ["oui", "non", "inconnu"]),
}
TERRITORY = {
    "commune": FactInfo("Commune", "texte"),
    "epci": FactInfo("EPCI", "texte"),
    "departement": FactInfo("Département", "texte"),
    "region": FactInfo("Région", "texte"),
    "population": FactInfo("Population", "nombre"),
    "zonage_abc": FactInfo("Zonage ABC", "choix", {k: k for k in ("Abis", "A", "B1", "B2", "C")}),
    "zone_detendue": FactInfo("Zone détendue", "booleen"),
    "outre_mer": FactInfo("Outre-mer", "booleen"),
    "ile_de_france": FactInfo("Île-de-France", "booleen"),
    "corse": FactInfo("Corse", "booleen"),
}


def _cnig_enums() -> dict[str, list[str]]:
    schema = json.loads(CNIG_SCHEMA.read_text(encoding="utf-8"))
    return {f["name"]: f["constraints"]["enum"] for f in schema["fields"] if f["name"] in CNIG_FIELDS}


def _vocabulary() -> dict:
    vocab = {}
    for name, values in _cnig_enums().items():
        vocab[(KIND_QUESTION, name)] = FactInfo(name, "choix", {v: v for v in values})
    for name in NUMBER_FIELDS:
        vocab[(KIND_QUESTION, name)] = FactInfo(name, "nombre")
    for name, (kind, values) in EXTRA_QUESTIONS.items():
        vocab[(KIND_QUESTION, name)] = FactInfo(name, kind, {v: v for v in values})
    for name, info in TERRITORY.items():
        vocab[(KIND_TERRITORY, name)] = info
    return vocab


VOCAB = _vocabulary()


def _load(sub: str) -> list[tuple[str, dict]]:
    out = []
    for path in sorted((DATA / sub).glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append((path.name, item))
    return out


STEPS = [i for _, i in _load("etapes")]
SCHEMES = [i for _, i in _load("financements")]
CONTACTS = [i for f, i in _load("contacts") if f != "types.yaml"]
TYPES = yaml.safe_load((DATA / "contacts" / "types.yaml").read_text(encoding="utf-8"))
RESOURCES = [i for _, i in _load("ressources")]
ALL_ITEMS = STEPS + SCHEMES + CONTACTS + TYPES + RESOURCES


def _walk_urls(obj):
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "url" and isinstance(value, str):
                yield value
            else:
                yield from _walk_urls(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _walk_urls(value)


# --- the loader (issue 5), when present ---------------------------------------------------------


def test_catalogs_load_with_engine_loader():
    from app.engine.catalogs import load_catalogs

    catalogs = load_catalogs(DATA)  # raises ContentInvalid listing every error
    assert len(catalogs.steps) == len(STEPS)
    assert len(catalogs.schemes) == len(SCHEMES)
    assert len(catalogs.contacts) == len(CONTACTS)


# --- structure ----------------------------------------------------------------------------------


def test_phases_are_the_six_phases_in_order():
    phases = yaml.safe_load((DATA / "phases.yaml").read_text(encoding="utf-8"))
    assert [p["id"] for p in phases] == PHASES
    assert all(p.get("titre") for p in phases)


def test_ids_are_well_formed_and_unique_per_catalog():
    for items in (STEPS, SCHEMES, CONTACTS, TYPES, RESOURCES):
        ids = [i["id"] for i in items]
        assert len(ids) == len(set(ids)), [x for x in ids if ids.count(x) > 1]
        bad = [x for x in ids if not ID_RE.match(x)]
        assert not bad, bad


def test_every_item_has_sources_and_a_past_verification_date():
    for item in ALL_ITEMS:
        assert item.get("sources"), item["id"]
        for src in item["sources"]:
            assert src.get("url") and src.get("titre"), item["id"]
        checked = item.get("verifie_le")
        assert isinstance(checked, date), f"{item['id']}: verifie_le must be an ISO date"
        assert checked <= TODAY, f"{item['id']}: verifie_le in the future"
        if "incertain" in item:
            assert isinstance(item["incertain"], str) and item["incertain"].strip(), item["id"]


def test_every_url_is_https_and_well_formed():
    for item in ALL_ITEMS:
        for url in _walk_urls(item):
            parsed = urlparse(url)
            assert parsed.scheme == "https", f"{item['id']}: {url}"
            assert parsed.netloc and "." in parsed.netloc and " " not in url, f"{item['id']}: {url}"


def test_no_phone_number_or_email_in_contacts():
    phone = re.compile(r"\b0\d([ .]?\d{2}){4}\b")
    for item in CONTACTS + TYPES:
        text = yaml.safe_dump(item, allow_unicode=True)
        assert "@" not in text, item["id"]
        assert not phone.search(text), item["id"]


def test_steps_are_complete_and_reference_known_items():
    assert len(STEPS) >= 35
    step_ids = {s["id"] for s in STEPS}
    type_ids = {t["id"] for t in TYPES}
    scheme_ids = {s["id"] for s in SCHEMES}
    resource_ids = {r["id"] for r in RESOURCES}
    for step in STEPS:
        assert step["phase"] in PHASES, step["id"]
        for field in ("titre", "objectif", "actions", "qui"):
            assert step.get(field), f"{step['id']}: {field}"
        assert set(step.get("apres", [])) <= step_ids, step["id"]
        assert set(step.get("contacts", [])) <= type_ids, step["id"]
        assert set(step.get("financements", [])) <= scheme_ids, step["id"]
        assert set(step.get("ressources", [])) <= resource_ids, step["id"]
    for phase in PHASES:
        assert any(s["phase"] == phase for s in STEPS), phase


def test_step_prerequisites_have_no_cycle():
    graph = {s["id"]: set(s.get("apres", [])) for s in STEPS}
    done: set[str] = set()
    while graph:
        ready = [k for k, deps in graph.items() if deps <= done]
        assert ready, f"cycle among {sorted(graph)}"
        for k in ready:
            done.add(k)
            del graph[k]


def test_conditions_use_the_shared_vocabulary():
    def resolve(fact):
        return VOCAB.get(fact)

    for item in STEPS + SCHEMES:
        if "si" in item:
            errors = check(item["si"], resolve)
            assert not errors, f"{item['id']}: {errors}"


def test_schemes_are_complete():
    assert len(SCHEMES) >= 25
    for s in SCHEMES:
        for field in (
            "nom",
            "financeur",
            "nature",
            "finance",
            "beneficiaires",
            "recurrence",
            "candidater",
            "url",
        ):
            assert s.get(field), f"{s['id']}: {field}"
        assert s["nature"] in NATURES, s["id"]
        assert set(s["finance"]) <= FINANCE, s["id"]
        assert set(s["beneficiaires"]) <= PORTEURS, s["id"]
        assert s["recurrence"] in RECURRENCES, s["id"]
        assert set(s.get("usages") or []) <= set(USES), s["id"]
        for key, value in (s.get("dates") or {}).items():
            assert key in ("ouverture", "cloture") and isinstance(value, date), s["id"]


def test_closed_schemes_are_never_open():
    for s in SCHEMES:
        closing = (s.get("dates") or {}).get("cloture")
        if closing and closing < TODAY:
            assert scheme_status(s, TODAY) == "clos", s["id"]
    assert any(scheme_status(s, TODAY) == "clos" for s in SCHEMES), "closed historic schemes kept for context"


def test_recurring_schemes_without_known_dates_say_so():
    for s in SCHEMES:
        if s["recurrence"] == "annuelle" and not (s.get("dates") or {}).get("cloture"):
            assert s.get("incertain"), f"{s['id']}: annual call without dates must carry « incertain »"


@pytest.mark.parametrize("use", USES)
def test_every_intended_use_has_an_open_scheme(use):
    open_for_use = [
        s
        for s in SCHEMES
        if scheme_status(s, TODAY) == "ouvert"
        and (not s.get("usages") or use in s["usages"])
        and evaluate(s.get("si"), {(KIND_QUESTION, "usage"): use}).value is not False
    ]
    assert open_for_use, use


# --- territorial coverage ------------------------------------------------------------------------


def _resolve(type_id: str, dep: str) -> list[dict]:
    region = DEPARTEMENTS[dep]
    return [
        c
        for c in CONTACTS
        if c["type"] == type_id
        and (dep in (c["couvre"].get("departements") or []) or region in (c["couvre"].get("regions") or []))
    ]


def test_contacts_reference_known_types_and_codes():
    type_ids = {t["id"] for t in TYPES}
    for c in CONTACTS:
        assert c["type"] in type_ids, c["id"]
        assert c.get("url") and c.get("nom"), c["id"]
        couvre = c.get("couvre") or {}
        assert couvre, c["id"]
        assert set(couvre.get("regions") or []) <= REGIONS, c["id"]
        assert set(couvre.get("departements") or []) <= set(DEPARTEMENTS), c["id"]


def test_department_and_region_lists_are_official():
    assert len(DEPARTEMENTS) == 101 and set(DEPARTEMENTS.values()) == REGIONS


@pytest.mark.parametrize("dep", sorted(DEPARTEMENTS))
def test_every_departement_has_state_services_and_prefecture(dep):
    ddt = _resolve("ddt", dep)
    assert ddt, f"no DDT(M)/DEAL for {dep}"
    if dep in OVERSEAS_DEPS:
        assert any("DEAL" in c["nom"] for c in ddt), f"{dep}: overseas state services are the DEAL"
    else:
        assert not any("DEAL" in c["nom"] for c in ddt), dep
    assert _resolve("prefecture", dep), f"no préfecture for {dep}"


@pytest.mark.parametrize("region", sorted(REGIONS))
@pytest.mark.parametrize("type_id", ["dreal", "ademe", "region"])
def test_every_region_has_its_regional_contacts(region, type_id):
    assert any(c["type"] == type_id and region in (c["couvre"].get("regions") or []) for c in CONTACTS), (
        type_id,
        region,
    )


def test_epf_entries_cite_their_perimeter_source():
    epf = [c for c in CONTACTS if c["type"] == "epf"]
    assert len(epf) >= 12
    for c in epf:
        assert c["sources"], c["id"]


def test_coverage_report_mentions_every_phase_and_use():
    report = coverage_report(DATA)
    for phase in PHASES:
        assert phase in report
    for use in USES:
        assert use in report


# --- EPF, water agencies, Cerema, Banque des Territoires ------------------------------------------

# Départements where no EPF operates at all (see the header of data/contacts/epf.yaml).
NO_EPF_DEPARTEMENTS = {"49", "53", "72"}


def _epci_of_departement() -> dict[str, set[str]]:
    """EPCI (SIREN) with at least one commune in each département, from data/territoires when present."""
    path = DATA / "territoires" / "communes.parquet"
    if not path.exists():
        return {}
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["epci", "departement"]).to_pylist()
    out: dict[str, set[str]] = {}
    for row in table:
        if row["epci"]:
            out.setdefault(row["departement"], set()).add(row["epci"])
    return out


EPCI_BY_DEP = _epci_of_departement()


@pytest.mark.parametrize("dep", sorted(DEPARTEMENTS))
def test_every_departement_resolves_an_epf_or_an_explicit_no_epf_state(dep):
    region = DEPARTEMENTS[dep]
    epf = [
        c
        for c in CONTACTS
        if c["type"] == "epf"
        and (
            dep in (c["couvre"].get("departements") or [])
            or region in (c["couvre"].get("regions") or [])
            or set(c["couvre"].get("epci") or []) & EPCI_BY_DEP.get(dep, set())
        )
    ]
    if dep in NO_EPF_DEPARTEMENTS:
        assert not epf, f"{dep} is listed as without EPF but {[c['id'] for c in epf]} covers it"
    else:
        assert epf, f"no EPF for {dep}: add one or list the département in NO_EPF_DEPARTEMENTS"


def test_epf_entries_are_well_formed():
    known_epci = set()
    epci_csv = DATA / "territoires" / "epci.csv"
    if epci_csv.exists():
        known_epci = {line.split(",")[0] for line in epci_csv.read_text(encoding="utf-8").splitlines()[1:]}
    for c in (c for c in CONTACTS if c["type"] == "epf"):
        assert c.get("statut_epf") in ("etat", "local"), c["id"]
        codes = c["couvre"].get("epci") or []
        assert all(re.fullmatch(r"\d{9}", code) for code in codes), c["id"]
        if known_epci:
            assert set(codes) <= known_epci, (c["id"], set(codes) - known_epci)
        if c.get("perimetre_partiel") or codes:
            assert c.get("statut_epf") == "local", c["id"]


def test_the_epf_step_says_what_to_do_when_no_epf_covers_the_commune():
    step = next(s for s in STEPS if s["id"] == "portage-epf")
    text = " ".join([step["objectif"], *step["actions"]]).lower()
    assert "aucun epf" in text
    assert "banque des territoires" in text and "safer" in text
    assert {"banque-territoires", "safer"} <= set(step["contacts"])


@pytest.mark.parametrize("dep", sorted(d for d in DEPARTEMENTS if d not in OVERSEAS_DEPS))
def test_every_mainland_departement_resolves_one_water_agency(dep):
    agencies = [c for c in _resolve("agence-eau", dep) if c["couvre"].get("departements")]
    assert len(agencies) == 1, (dep, [c["id"] for c in agencies])


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_region_resolves_a_cerema_direction_and_a_banque_des_territoires_contact(region):
    assert any(
        c["type"] == "cerema"
        and c["id"] != "cerema-urbanvitaliz"
        and region in (c["couvre"].get("regions") or [])
        for c in CONTACTS
    ), region
    assert any(
        c["type"] == "banque-territoires"
        and (region in (c["couvre"].get("regions") or []) or not c.get("couvre"))
        for c in CONTACTS
    ), region


@pytest.mark.parametrize("dep", sorted(DEPARTEMENTS))
def test_every_departement_has_a_sous_prefecture_entry_and_a_udap_route(dep):
    assert _resolve("sous-prefecture", dep), dep
    assert _resolve("udap", dep), dep
