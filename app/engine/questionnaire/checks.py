"""Whole-questionnaire checks: conditions (syntax, known ids and values, only earlier questions,
no cycle), CNIG values, and groups or questions that could never be shown. No Flask import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.engine.conditions import (
    ALL,
    KIND_QUESTION,
    Fact,
    FactInfo,
    can_be_true,
    check,
    referenced_facts,
)
from app.engine.questionnaire.model import CHOICE_TYPES, LOCALISATION, UNKNOWN, Group, Question, Questionnaire
from app.engine.vocabulaire import question_choices
from app.engine.yamlsrc import ContentError, line_of


class Errors:
    def __init__(self):
        self.items: list[ContentError] = []

    def add(self, file: str, node: Any, ident: str | None, message: str, line: int | None = None) -> None:
        self.items.append(ContentError(file, line if line is not None else line_of(node), ident, message))


def check_questionnaire(qn: Questionnaire, errors: Errors) -> None:
    """Every check of a questionnaire whose files parsed without error."""
    _check_conditions(qn, errors)
    _check_cnig(qn, errors)
    if not errors.items:
        _check_reachable(qn, errors)


@dataclass(frozen=True)
class _Owner:
    """A group or a question that carries a condition, and where it stands in the questionnaire."""

    node: str  # graph node: the question id, or « groupe:<id> »
    ident: str
    condition: Any
    file: str
    line: int | None
    position: tuple[int, int]  # (group index, question index; -1 for the group itself)


def _owners(qn: Questionnaire) -> list[_Owner]:
    owners = []
    for gi, g in enumerate(qn.groups):
        owners.append(
            _Owner(GROUP_NODE + g.id, g.id, g.condition, g.file, line_of(g.condition, g.line), (gi, -1))
        )
        owners += [
            _Owner(q.id, q.id, q.condition, q.file, line_of(q.condition, q.line), (gi, qi))
            for qi, q in enumerate(g.questions)
        ]
    return owners


def _check_conditions(qn: Questionnaire, errors: Errors) -> None:
    """Syntax, unknown ids and values, conditions only over earlier questions, no cycle.

    A group's condition may read questions of earlier groups; a question's condition may also
    read questions placed before it on the same page (the page is shown again when a newly
    visible question appears after submission).
    """
    vocab = qn.vocabulary()

    def resolve(fact: Fact) -> FactInfo | None:
        question = qn.questions.get(fact[1]) if fact[0] == KIND_QUESTION else None
        if question is not None and question.type == LOCALISATION:
            return None
        return vocab.get(fact)

    owners = [o for o in _owners(qn) if o.condition is not None]
    graph: dict[str, set[str]] = {}
    for o in owners:
        for message in check(o.condition, resolve):
            errors.add(o.file, None, o.ident, message, line=o.line)
        graph[o.node] = {
            fid
            for kind, fid in referenced_facts(o.condition)
            if kind == KIND_QUESTION and fid in qn.questions
        }
    cycles = _cycles(qn, owners, graph)
    in_cycle = {node for path in cycles for node in path}
    _check_order(qn, [o for o in owners if o.node not in in_cycle], graph, errors)
    for path in cycles:
        start = path[0]
        owner: Group | Question | None = (
            qn.group(start[len(GROUP_NODE) :]) if start.startswith(GROUP_NODE) else qn.questions[start]
        )
        if owner is None:  # a cycle starts at a group or a question of the questionnaire
            continue
        shown = [p[len(GROUP_NODE) :] if p.startswith(GROUP_NODE) else p for p in path]
        errors.add(
            owner.file,
            None,
            shown[0],
            "cycle dans les conditions : " + " → ".join(shown + [shown[0]]),
            line=line_of(owner.condition, owner.line),
        )


def _cycles(qn: Questionnaire, owners: list[_Owner], graph: dict[str, set[str]]) -> list[list[str]]:
    group_of = {q.id: q.group_id for q in qn.questions.values()}
    cycles: list[list[str]] = []
    in_cycle: set[str] = set()
    for o in owners:
        if o.node in in_cycle:
            continue
        path = _find_cycle(o.node, graph, group_of)
        if path:
            cycles.append(path)
            in_cycle |= set(path)
    return cycles


def _check_order(qn: Questionnaire, owners: list[_Owner], graph: dict[str, set[str]], errors: Errors) -> None:
    """A condition reads only questions asked before it (earlier groups, or earlier on its page)."""
    position = {q.id: (gi, qi) for gi, g in enumerate(qn.groups) for qi, q in enumerate(g.questions)}
    for o in owners:
        gi, qi = o.position
        for dep in sorted(graph.get(o.node, ())):
            dgi, dqi = position[dep]
            if (dgi, dqi) < (gi, qi) and (qi >= 0 or dgi < gi):
                continue
            if dgi == gi and qi < 0:
                where = (
                    "dans ce même groupe : la condition d'un groupe ne peut lire que des groupes précédents"
                )
            elif dgi == gi:
                where = "plus bas sur la même page : placez-la avant la question qui en dépend"
            else:
                where = "plus loin dans le questionnaire : une condition ne lit que des questions déjà posées"
            errors.add(o.file, None, o.ident, f"la condition lit « {dep} », posée {where}", line=o.line)


GROUP_NODE = "groupe:"


def _deps(node: str, graph: dict[str, set[str]], group_of: dict[str, str]) -> set[str]:
    """A question depends on what its condition reads and on what its group's condition reads."""
    deps = set(graph.get(node, set()))
    if not node.startswith(GROUP_NODE) and node in group_of:
        deps.add(GROUP_NODE + group_of[node])
    return deps


def _find_cycle(start: str, graph: dict[str, set[str]], group_of: dict[str, str]) -> list[str] | None:
    """A dependency path from ``start`` back to itself, or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for dep in sorted(_deps(node, graph, group_of)):
            if dep == start:
                return path
            if dep not in seen:
                seen.add(dep)
                stack.append((dep, path + [dep]))
    return None


def _check_cnig(qn: Questionnaire, errors: Errors) -> None:
    """Questions named after a CNIG field must only use values of the CNIG enumeration."""
    allowed_by_field = question_choices()
    for q in qn.questions.values():
        allowed = allowed_by_field.get(q.id)
        if allowed is None or q.type not in CHOICE_TYPES:
            continue
        values = [c.value for c in q.choices] + ([UNKNOWN] if q.dont_know else [])
        bad = [v for v in values if v not in allowed]
        if bad:
            errors.add(
                q.file,
                None,
                q.id,
                f"valeur(s) hors du standard CNIG / du contrat d'API : "
                f"{', '.join(bad)} (valeurs possibles : {', '.join(allowed)})",
                line=q.line,
            )


def _check_reachable(qn: Questionnaire, errors: Errors) -> None:
    vocab = qn.vocabulary()
    for g in qn.groups:
        if g.condition is not None and can_be_true(g.condition, vocab) is False:
            errors.add(
                g.file,
                None,
                g.id,
                "groupe jamais proposé : sa condition ne peut jamais être vraie (conditions contradictoires)",
                line=line_of(g.condition, g.line),
            )
            continue
        for q in g.questions:
            if q.condition is None:
                continue
            combined = {ALL: [c for c in (g.condition, q.condition) if c is not None]}
            if can_be_true(combined, vocab) is False:
                errors.add(
                    q.file,
                    None,
                    q.id,
                    "question jamais posée : sa condition (avec celle de son groupe) "
                    "ne peut jamais être vraie",
                    line=line_of(q.condition, q.line),
                )
