"""The fixed dataset every stats test reads; expected figures are computed by hand in the tests.

Reference day: Wednesday 2026-06-17 (ISO week 25). The 90-day window ending that day starts on
2026-03-20. Sites and their territories:

- A, B: EPCI 200000001 (communes 11111, 11112) — both engaged → one territory
- C: commune 22222, in no EPCI — engaged → counted as a commune
- D: EPCI 200000003 — two events in the same ISO week (24) → not engaged
- E: EPCI 200000004 — two weeks, but its step went « en cours », never « fait » → not engaged
- F: not located — engaged-like behaviour but no territory
- G: EPCI 200000005 — engaged in March, out of the window by June 17
"""

from __future__ import annotations

from datetime import date, datetime

from app.extensions import db
from app.models import Answer, Event, Site

TODAY = date(2026, 6, 17)
TOKENS: dict[str, str] = {}
NOTE = "Note privée : le maire veut vendre à son cousin"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


SITES = {
    "A": dict(
        commune="11111",
        epci="200000001",
        dep="11",
        reg="76",
        created="2026-06-01 10:00",
        completed="2026-06-01 10:30",
        surface=20000,
        answers={"usage": "habitat"},
    ),
    "B": dict(
        commune="11112",
        epci="200000001",
        dep="11",
        reg="76",
        created="2026-06-02 09:00",
        completed="2026-06-02 10:00",
        surface=None,
        answers={"usage": "habitat", "unite_fonciere_surface": 5000},
    ),
    "C": dict(
        commune="22222",
        epci=None,
        dep="22",
        reg="53",
        created="2026-05-20 08:00",
        completed="2026-05-21 08:00",
        surface=None,
        answers={"usage": "renaturation", "unite_fonciere_surface": "je ne sais pas"},
    ),
    "D": dict(
        commune="33333",
        epci="200000003",
        dep="33",
        reg="75",
        created="2026-06-08 12:00",
        completed=None,
        surface=10000,
        answers={},
    ),
    "E": dict(
        commune="44444",
        epci="200000004",
        dep="44",
        reg="52",
        created="2026-05-04 00:00",
        completed="2026-05-04 00:20",
        surface=None,
        answers={"usage": "je ne sais pas", "unite_fonciere_surface": 30000},
    ),
    "F": dict(
        commune=None,
        epci=None,
        dep=None,
        reg=None,
        created="2026-06-01 11:00",
        completed=None,
        surface=None,
        answers={},
    ),
    "G": dict(
        commune="55555",
        epci="200000005",
        dep="55",
        reg="44",
        created="2026-03-10 09:00",
        completed="2026-03-10 09:40",
        surface=40000,
        answers={},
    ),
}

EVENTS = [
    ("A", "site_cree", "2026-06-01 10:00", None),
    ("A", "questionnaire_termine", "2026-06-01 10:30", {"questions": 12}),
    ("A", "parcours_consulte", "2026-06-10 09:00", {"financements": ["f1", "f2"], "nb_etapes": 10}),
    (
        "A",
        "etape_statut",
        "2026-06-10 09:05",
        {"etape": "inventaire-site", "phase": "foncier", "statut": "fait"},
    ),
    ("A", "avis", "2026-06-10 09:06", {"type": "etape", "id": "inventaire-site", "utile": True}),
    ("B", "site_cree", "2026-06-02 09:00", None),
    ("B", "parcours_consulte", "2026-06-09 09:00", {"financements": ["f2", "f3"], "nb_etapes": 8}),
    (
        "B",
        "etape_statut",
        "2026-06-09 09:05",
        {"etape": "pollution-diagnostic", "phase": "diagnostiquer", "statut": "fait"},
    ),
    ("B", "avis", "2026-06-09 09:06", {"type": "etape", "id": "pollution-diagnostic", "utile": True}),
    ("B", "avis", "2026-06-09 09:07", {"type": "etape", "id": "pollution-diagnostic", "utile": False}),
    ("B", "avis", "2026-06-09 09:08", {"type": "ressource", "id": "cartofriches", "utile": True}),
    ("C", "site_cree", "2026-05-20 08:00", None),
    (
        "C",
        "etape_statut",
        "2026-05-20 08:30",
        {"etape": "travaux-amenagement", "phase": "realiser", "statut": "fait"},
    ),
    ("C", "export", "2026-06-03 14:00", None),
    ("D", "site_cree", "2026-06-08 12:00", None),
    (
        "D",
        "etape_statut",
        "2026-06-12 12:00",
        {"etape": "inventaire-site", "phase": "foncier", "statut": "fait"},
    ),
    ("E", "site_cree", "2026-05-04 00:00", None),
    (
        "E",
        "etape_statut",
        "2026-06-05 10:00",
        {"etape": "inventaire-site", "phase": "foncier", "statut": "en_cours"},
    ),
    ("E", "avis", "2026-06-05 10:01", {"type": "etape", "id": "inventaire-site", "utile": False}),
    ("F", "site_cree", "2026-06-01 11:00", None),
    (
        "F",
        "etape_statut",
        "2026-06-08 11:00",
        {"etape": "inventaire-site", "phase": "foncier", "statut": "fait"},
    ),
    ("G", "site_cree", "2026-03-10 09:00", None),
    (
        "G",
        "etape_statut",
        "2026-03-18 09:00",
        {"etape": "inventaire-site", "phase": "foncier", "statut": "fait"},
    ),
    (None, "parcours_api", "2026-04-15 12:00", {"financements": 4}),
    (None, "parcours_api", "2026-03-15 12:00", {"financements": 2}),
]

GEO = {
    "11111": {"zonage_abc": "B2", "population": 3000},
    "11112": {"zonage_abc": "A", "population": 80000},
    "22222": {"zonage_abc": "C", "population": 800},
    "33333": {"zonage_abc": None, "population": None},
    "44444": {"zonage_abc": "B1", "population": 4999},
    "55555": {"zonage_abc": "C", "population": 200},
}


def territory_info(code: str) -> dict | None:
    return GEO.get(code)


def seed(demo: set[str] = frozenset()) -> dict[str, Site]:
    sites = {}
    for name, s in SITES.items():
        site = Site(
            nom=f"Site {name}",
            commune_code=s["commune"],
            epci_code=s["epci"],
            departement_code=s["dep"],
            region_code=s["reg"],
            created_at=at(s["created"]),
            completed_at=at(s["completed"]) if s["completed"] else None,
            surface_m2=s["surface"],
            is_demo=name in demo,
        )
        db.session.add(site)
        db.session.flush()
        for question, value in s["answers"].items():
            db.session.add(Answer(site_id=site.id, question_id=question, value=value))
        sites[name] = site
        TOKENS[name] = site.token
    # A free-text note that must never leak into the statistics.
    from app.models import StepProgress

    db.session.add(StepProgress(site_id=sites["A"].id, step_id="inventaire-site", status="fait", note=NOTE))
    for name, kind, when, data in EVENTS:
        site = sites.get(name)
        db.session.add(
            Event(
                type=kind,
                site_id=site.id if site else None,
                created_at=at(when),
                data=data,
                commune_code=site.commune_code if site else None,
                epci_code=site.epci_code if site else None,
                departement_code=site.departement_code if site else None,
                region_code=site.region_code if site else None,
                is_demo=bool(site and site.is_demo),
            )
        )
    db.session.commit()
    return sites
