"""Path scenarios on the test fixture (tests/fixtures/content: catalogs alone, no questionnaire),
run by the one scenario runner (app/engine/scenarios.py) that `flask content check` uses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.engine.catalogs import SchemeStatus, load_catalogs
from app.engine.facts import build_facts
from app.engine.parcours import PathEngine
from app.engine.scenarios import Runner

HERE = Path(__file__).parent
FIXTURE = HERE.parent / "fixtures" / "content"
FILES = sorted((HERE / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def engine():
    return PathEngine(load_catalogs(FIXTURE, today=date(2026, 6, 1)))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_file(engine, path):
    errors = Runner(None, engine, date(2026, 6, 1)).run_file(path, path.name)
    assert not errors, "\n".join(str(e) for e in errors)


def test_runner_reports_a_wrong_expectation(engine):
    runner = Runner(None, engine, date(2026, 6, 1))
    messages = runner.run(
        {
            "nom": "faux",
            "reponses": {"proprietaire": "commune"},
            "absentes": ["inventaire"],
            "statuts": {"proprietaire": "a_verifier"},
            "financements": {"fonds-vert": "clos"},
        }
    )
    assert "l'étape « inventaire » ne devrait pas être proposée" in messages
    assert any(m.startswith("financement « fonds-vert », « statut »") for m in messages)
    assert len(messages) == 3, messages


def test_real_catalogs_compute_a_path(content):
    from app.geo import territory_facts

    engine = PathEngine(content.catalogs, content.vocabulary)
    facts = build_facts(
        {"sol_pollution_existe": "pollution supposée", "usage": "habitat", "porteur": "commune"},
        territory_facts("62528"),
    )
    result = engine.compute(facts)
    assert result.steps
    assert all(
        s.scheme.status(result.today) != SchemeStatus.CLOSED for st in result.steps for s in st.schemes
    )
