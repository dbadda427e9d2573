"""Catalog loader: every error is reported at once with file, line and id."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from app.engine.catalogs import load_catalogs
from app.engine.yamlsrc import ContentInvalid

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "content"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def test_fixture_loads_in_topological_order():
    cat = load_catalogs(FIXTURE)
    ids = [s.id for s in cat.steps]
    assert ids.index("diagnostic-pollution") < ids.index("plan-gestion")
    assert [s.order for s in cat.steps] == list(range(len(ids)))


BROKEN = """
- id: a
  phase: nulle-part
  titre: A
  objectif: x
  apres: [b, fantome]
  contacts: [inconnu]
  financements: [absent]
  ressources: [introuvable]
  si:
    question: sol_pollution_existe
    est: pollution imaginaire
  sources: [{url: "http://insecure.example", titre: T}]
  verifie_le: 2099-01-01
- id: b
  phase: connaitre
  titre: B
  objectif: x
  apres: [c]
  sources: [{url: "https://ok.fr", titre: T}]
  verifie_le: 2026-01-01
- id: c
  phase: connaitre
  titre: C
  objectif: x
  apres: [b]
  sources: [{url: "https://ok.fr", titre: T}]
  verifie_le: 2026-01-01
- id: c
  phase: connaitre
  titre: C bis
  objectif: x
  sources: [{url: "https://ok.fr", titre: T}]
  verifie_le: 2026-01-01
"""


def test_every_error_is_reported(tmp_path):
    data = _copy(tmp_path)
    (data / "etapes" / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
    (data / "financements" / "zz.yaml").write_text(
        "- id: mauvaises-dates\n  nom: X\n  financeur: Y\n  nature: don\n  finance: [tout]\n"
        "  beneficiaires: [commune]\n  calendrier:\n    recurrence: annuelle\n"
        "    edition: {ouverture: 2026-05-01, cloture: pas-une-date, source: 'https://x.fr', publiee_le: 2026-01-01}\n"
        "  url: https://x.fr\n  sources: [{url: 'https://x.fr', titre: T}]\n"
        "  verifie_le: 2026-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentInvalid) as exc:
        load_catalogs(data, today=date(2026, 6, 1))
    text = str(exc.value)
    for expected in (
        "phase inconnue « nulle-part »",
        "prérequis inconnu « fantome »",
        "type de contact inconnu « inconnu »",
        "financement inconnu « absent »",
        "ressource inconnue « introuvable »",
        "valeur(s) inconnue(s) pour « sol_pollution_existe »",
        "https://",
        "« verifie_le » est dans le futur",
        "identifiant en double",
        "cycle de prérequis",
        "« nature »",
        "« finance »",
        "calendrier.edition.cloture",
    ):
        assert expected in text, expected
    assert "zz-broken.yaml, ligne 2, « a »" in text
    assert "zz-broken.yaml, ligne 15, « b »" in text


def test_vocabulary_from_questionnaire_is_used(tmp_path):
    from app.engine.conditions import FactInfo

    with pytest.raises(ContentInvalid) as exc:
        load_catalogs(
            FIXTURE, vocabulary={("question", "proprietaire"): FactInfo("P", "choix", {"commune": "c"})}
        )
    assert "question inconnu(e) « sol_pollution_existe »" in str(exc.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    data = _copy(tmp_path)
    (data / "ressources" / "bad.yaml").write_text("- id: x\n  titre: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentInvalid) as exc:
        load_catalogs(data)
    assert "bad.yaml" in str(exc.value) and "YAML invalide" in str(exc.value)
