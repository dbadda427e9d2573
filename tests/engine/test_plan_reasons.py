"""Plain reasons: named conditions (data/conditions.yaml) whose title is the reason users read,
checked by the content check (unknown id → file, line, id), with the generated text as fallback."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.engine import conditions
from app.engine.content import check_content
from app.engine.parcours import ALWAYS
from app.engine.plan import card_reason, phase_summary
from tests.parcours import journey

ROOT = Path(__file__).resolve().parent.parent.parent

NAMED = {
    "condition": "sol-peut-etre-pollue",
    "titre": "Le sol est peut-être pollué",
    "si": {"question": "sol_pollution_existe", "est": "pollution supposée"},
}
FACT = ("question", "sol_pollution_existe")


def test_a_named_condition_that_holds_gives_its_title_as_the_only_reason():
    ev = conditions.evaluate(NAMED, {FACT: "pollution supposée"})
    assert (ev.value, ev.reasons) == (True, ["Le sol est peut-être pollué"])


def test_a_named_condition_unknown_or_false_keeps_the_trace_of_its_body():
    unknown = conditions.evaluate(NAMED, {FACT: "inconnu"})
    assert (unknown.value, unknown.reasons, unknown.missing) == (None, [], [FACT])
    # Inside « aucune de ces conditions », a false named condition explains itself in words.
    negated = conditions.evaluate({conditions.NONE: [NAMED]}, {FACT: "pollution avérée"})
    assert negated.value is True
    assert negated.reasons == ["sol_pollution_existe : autre que « pollution supposée »"]
    assert conditions.referenced_facts({conditions.ALL: [NAMED]}) == {FACT}


def test_shipped_journey_reads_plain_reasons(content):
    path = journey.compute(content)
    reasons = {s.id: s.reasons for s in path.steps}
    assert reasons["pollution-diagnostic"] == ["Le sol est peut-être pollué"]
    assert reasons["identifier-proprietaire"] == ["Le site n'appartient pas à la commune"]
    # The audit's robotic reasons are gone from the cards of the journey.
    shown = [card_reason(s, p.generic_reasons) for p in phase_summary(path, {}) for s in p.steps]
    robotic = [r for r in shown if r and ("plus de 0" in r or "au moins 1" in r)]
    assert robotic == []
    assert ALWAYS not in shown


def test_every_named_condition_is_used_by_a_step_or_a_scheme(content):
    cat = content.catalogs
    used = set()

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if conditions.NAMED in node:
                used.add(node[conditions.NAMED])
                walk(node.get("si"))
            for key, child in node.items():
                if key in conditions.COMBINATORS:
                    walk(child)

    for item in [*cat.steps, *cat.schemes.values()]:
        walk(item.condition)
    assert set(cat.named_conditions) - used == set()


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "contenu"
    for sub in ("questionnaires", "data", "stats"):
        shutil.copytree(ROOT / sub, root / sub)
    return root


def test_unknown_named_condition_is_an_error_with_file_line_and_id(tmp_path):
    root = _copy(tmp_path)
    path = root / "data" / "etapes" / "3-diagnostiquer.yaml"
    text = path.read_text(encoding="utf-8")
    assert "{condition: sol-peut-etre-pollue}" in text
    path.write_text(
        text.replace("{condition: sol-peut-etre-pollue}", "{condition: sol-pollu}", 1), encoding="utf-8"
    )
    line = next(
        i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "sol-pollu}" in row
    )
    errors = [str(e) for e in check_content(root)]
    wanted = [e for e in errors if "condition nommée inconnue « sol-pollu »" in e]
    assert wanted, errors
    assert wanted[0].startswith("data/etapes/3-diagnostiquer.yaml, ligne ")
    step_line = int(wanted[0].split("ligne ")[1].split(",")[0])
    assert step_line <= line < step_line + 10
    assert "« pollution-diagnostic »" in wanted[0] or "« suite-diagnostic-pollution »" in wanted[0]


def test_named_condition_titles_follow_the_wording_rules(tmp_path):
    root = _copy(tmp_path)
    path = root / "data" / "conditions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("titre: Le sol est peut-être pollué", "titre: Le sol (site_type) est peut-être pollué"),
        encoding="utf-8",
    )
    errors = [str(e) for e in check_content(root)]
    assert any(e.startswith("data/conditions.yaml, ligne") and "site_type" in e for e in errors), errors
