"""Engine scenarios written in YAML: site + project + territory → expected path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from app.api.bodies import path_body
from app.engine.catalogs import load_catalogs
from app.engine.facts import build_facts
from app.engine.parcours import PathEngine

HERE = Path(__file__).parent
FIXTURE = HERE.parent / "fixtures" / "content"
SCENARIOS = sorted((HERE / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def engine():
    return PathEngine(load_catalogs(FIXTURE))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(engine, path):
    sc = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = sc["today"] if isinstance(sc["today"], date) else date.fromisoformat(sc["today"])
    answers = {**sc.get("site", {}), **sc.get("projet", {})}
    result = engine.compute(build_facts(answers, sc.get("territoire")), today=today)
    out = path_body(result, None)
    exp = sc["attendu"]
    steps = {s["id"]: s for s in out["etapes"]}
    assert [s["id"] for s in out["etapes"]] == exp["etapes"], sc["nom"]
    for sid, status in exp.get("statuts", {}).items():
        assert steps[sid]["statut"] == status, sid
    for sid, keys in exp.get("a_preciser", {}).items():
        assert steps[sid]["questions_a_preciser"] == keys, sid
        assert any(r.startswith("À préciser") for r in steps[sid]["pourquoi"]), sid
    schemes = {f["id"]: f for f in out["financements"]}
    for fid, fields in exp.get("financements", {}).items():
        assert fid in schemes, fid
        for key, value in fields.items():
            assert schemes[fid][key] == value, (fid, key)
    for fid in exp.get("absents", []):
        assert fid not in schemes, fid
    for sid, ids in exp.get("financements_etape", {}).items():
        assert steps[sid]["financements"] == ids, sid
    for sid, ids in exp.get("contacts", {}).items():
        assert steps[sid]["contacts"] == ids, sid
    for sid, text in exp.get("pourquoi_contient", {}).items():
        assert any(text in r for r in steps[sid]["pourquoi"]), steps[sid]["pourquoi"]
    # Invariants: every step explains itself; a closed scheme is never attached to a step.
    closed = {f["id"] for f in out["financements"] if f["statut"] == "clos"}
    for s in out["etapes"]:
        assert s["pourquoi"]
        assert not closed & set(s["financements"])
        if s["statut"] == "a_verifier":
            assert s["questions_a_preciser"]


def test_real_catalogs_compute_a_path(content):
    from app.geo import territory_facts

    engine = PathEngine(content.catalogs, content.vocabulary)
    facts = build_facts(
        {"sol_pollution_existe": "pollution supposée", "usage": "habitat", "porteur": "commune"},
        territory_facts("62528"),
    )
    result = engine.compute(facts)
    assert result.steps
    assert all(s.scheme.status(result.today) != "clos" for st in result.steps for s in st.schemes)
