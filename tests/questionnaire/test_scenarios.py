"""Runs the content editors' scenarios, questionnaires/scenarios/*.yaml (answers → questions asked
and path), with the runner `flask content check` uses (app/engine/scenarios.py).

How to write one: docs/contenu.md, section « Scénarios ».
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.engine.content import rule_vocabulary
from app.engine.parcours import PathEngine
from app.engine.scenarios import Runner

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "questionnaires" / "scenarios").glob("*.yaml"))
DAY = date(2026, 12, 1)  # scenarios state no date: any day gives the same steps


@pytest.fixture(scope="module")
def runner(content):
    engine = PathEngine(content.catalogs, rule_vocabulary(content.questionnaire))
    return Runner(content.questionnaire, engine, DAY)


def test_there_are_questionnaire_and_path_scenarios():
    names = [p.name for p in FILES]
    assert "site.yaml" in names
    assert any(n.startswith("parcours-") for n in names)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenario_file(runner, path):
    errors = runner.run_file(path, str(path.relative_to(ROOT)))
    assert not errors, "\n".join(str(e) for e in errors)


def test_a_question_that_changes_nothing_is_reported(runner):
    answers = {
        "site_occupation": "totalement inoccupé",
        "risque_immediat": "non",
        "bati_nombre": 0,
        "icpe": "non",
    }
    messages = runner.run(
        {"nom": "x", "reponses": answers, "question": "site_clos", "quand": {"oui": {}, "non": {}}}
    )
    assert messages == []  # an open site must be secured, a closed one not
    messages = runner.run(
        {"nom": "x", "reponses": {"site_clos": "non"}, "question": "site_nom", "quand": {"a": {}, "b": {}}}
    )
    assert messages == ["les réponses à « site_nom » donnent toutes le même parcours"]


def test_unknown_ids_are_reported(runner):
    messages = runner.run({"nom": "x", "reponses": {"icpee": "non"}, "visibles": ["usagee"]})
    assert messages == ["question(s) inconnue(s) : icpee, usagee"]
