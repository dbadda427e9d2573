"""Runs the content editors' scenarios: questionnaires/scenarios/*.yaml (answers → visible questions).

How to write one: docs/contenu.md, section « Questionnaire ».
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.questionnaire.scenarios import run_scenarios

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "questionnaires" / "scenarios").glob("*.yaml"))


def test_there_are_scenarios():
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenario_file(questionnaire, path):
    errors = run_scenarios(questionnaire, path, str(path.relative_to(ROOT)))
    assert not errors, "\n".join(str(e) for e in errors)
