"""Path scenarios on the shipped content (questionnaires/ + data/): answers → expected steps.

tests/engine/scenarios_contenu/*.yaml is written for content editors (format in the file header).
A scenario with ``question`` and ``quand`` proves that the question changes the path: each answer
has its own expectations, and the answers listed must give at least two different paths.
Facts are built as on the path page: answers to questions the questionnaire does not ask are
ignored, and every « à préciser » question must be one the user can actually answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from app.engine.catalogs import load_catalogs
from app.engine.parcours import A_VERIFIER, PathEngine
from app.engine.questionnaire.loader import load_questionnaire
from app.engine.vocabulaire import default_vocabulary

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent / "scenarios_contenu"
TODAY = date(2026, 12, 1)
EXPECTATIONS = {"presentes", "absentes", "statuts", "a_preciser", "pourquoi_contient"}


def _cases():
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        for sc in yaml.safe_load(path.read_text(encoding="utf-8")):
            if "question" in sc:
                for raw, expected in sc["quand"].items():
                    value = yaml.safe_load(raw) if str(raw).startswith("[") else raw
                    answers = {**sc.get("reponses", {}), sc["question"]: value}
                    cases.append(
                        pytest.param(sc, answers, expected, id=f"{sc['nom']} [{sc['question']}={raw}]")
                    )
            else:
                expected = {k: v for k, v in sc.items() if k in EXPECTATIONS}
                cases.append(pytest.param(sc, sc.get("reponses", {}), expected, id=sc["nom"]))
    return cases


@pytest.fixture(scope="module")
def shipped():
    questionnaire = load_questionnaire(ROOT / "questionnaires", display_root=ROOT)
    # The path page's vocabulary: short CNIG labels, the questionnaire's labels and choices otherwise.
    vocab = default_vocabulary()
    for fact, info in questionnaire.vocabulary().items():
        known = vocab.get(fact)
        vocab[fact] = replace(info, label=known.label) if known else info
    engine = PathEngine(load_catalogs(ROOT / "data", questionnaire.vocabulary()), vocab)
    return questionnaire, engine


def compute(shipped, answers, territory=None):
    questionnaire, engine = shipped
    facts = questionnaire.facts(answers, territory or {})
    return facts, engine.compute(facts, today=TODAY)


@pytest.mark.parametrize(("sc", "answers", "expected"), _cases())
def test_scenario(shipped, sc, answers, expected):
    questionnaire, _ = shipped
    facts, result = compute(shipped, answers, sc.get("territoire"))
    steps = {s.id: s for s in result.steps}
    for sid in expected.get("presentes", []):
        assert sid in steps, sid
    for sid in expected.get("absentes", []):
        assert sid not in steps, (sid, steps[sid].reasons if sid in steps else None)
    for sid, status in expected.get("statuts", {}).items():
        assert sid in steps, sid
        assert steps[sid].status == status, (sid, steps[sid].reasons)
    for sid, keys in expected.get("a_preciser", {}).items():
        assert [m.key for m in steps[sid].missing] == keys, sid
    for sid, text in expected.get("pourquoi_contient", {}).items():
        assert any(text in r for r in steps[sid].reasons), steps[sid].reasons
    # Never ask the user to settle a step with a question the questionnaire does not ask; never
    # give the same reason twice.
    for step in result.steps:
        assert len(step.reasons) == len(set(step.reasons)), (step.id, step.reasons)
        if step.status == A_VERIFIER:
            for m in step.missing:
                if m.kind == "question":
                    assert questionnaire.is_visible(m.id, facts), (step.id, m.id)


def _signature(result):
    return [(s.id, s.status) for s in result.steps]


@pytest.mark.parametrize(
    "sc",
    [
        sc
        for p in sorted(HERE.glob("*.yaml"))
        for sc in yaml.safe_load(p.read_text(encoding="utf-8"))
        if "question" in sc
    ],
    ids=lambda sc: sc["question"],
)
def test_each_answer_gives_a_different_path(shipped, sc):
    paths = []
    for raw in sc["quand"]:
        value = yaml.safe_load(raw) if str(raw).startswith("[") else raw
        _, result = compute(shipped, {**sc.get("reponses", {}), sc["question"]: value}, sc.get("territoire"))
        paths.append(_signature(result))
    assert len({tuple(p) for p in paths}) >= 2, sc["nom"]
