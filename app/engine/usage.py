"""No decorative question: what reads each question, and the content errors when nothing does.

Every question must change at least one step, contact or funding scheme, or feed the public
statistics. This module computes, for each question of the questionnaire:

- the steps and funding schemes whose condition reads it (a scheme's beneficiaries read
  ``porteur`` and its uses read ``usage``), and the contacts and resources attached to those
  steps — they appear or disappear with the step;
- the questionnaire conditions (groups and questions) that read it — shown in the report, but
  *not* counted as a use: asking a question only to decide whether to ask another one is still
  decorative;
- the public indicators of ``stats/indicateurs.yaml`` that declare it in their ``questions:``
  list;
- for the ``localisation`` question (the map page), the territory facts it produces: contacts
  are matched by commune, EPCI, département and région.

A question nothing uses is an error, unless it carries ``hors_parcours:``, a sentence saying why
it is kept although it changes neither the path nor the statistics (for example the dossier's
name). A ``hors_parcours`` on a question that *is* used is an error too, so the field never hides
a real use.

``sert_a`` stays free text, but a step or scheme id it names must really read the question.

A last check catches conditions that would ask the user to answer a question the questionnaire
hides: a step or scheme whose condition stays unknown only because a question is hidden (its
answer is then ignored) would be shown « à vérifier » with a question nobody can answer.

No Flask import. ``flask content usage [ROOT]`` prints the question → usage table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.engine.conditions import (
    ALL,
    KIND_QUESTION,
    KIND_TERRITORY,
    Fact,
    evaluate,
    referenced_facts,
    value_domains,
)
from app.engine.facts import build_facts
from app.engine.indicator_defs import Definition
from app.engine.questionnaire.model import LOCALISATION, Questionnaire
from app.engine.yamlsrc import ContentError, line_of

STATS_FILE = Path("stats") / "indicateurs.yaml"
MAX_COMBINATIONS = 50_000  # above this, the hidden-question check skips the condition


@dataclass
class QuestionUsage:
    """Everything that reads one question."""

    id: str
    steps: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)  # contact types of the steps above
    resources: list[str] = field(default_factory=list)  # resources of the steps above
    visibility: list[str] = field(default_factory=list)  # questions / groups (« groupe:<id> »)
    stats: list[str] = field(default_factory=list)  # indicator ids
    territory: bool = False  # the localisation question: feeds every territory fact
    justification: str = ""  # the question's ``hors_parcours``

    @property
    def useful(self) -> bool:
        """Changes a step, a scheme (and so contacts and resources), a statistic or the territory."""
        return bool(self.steps or self.schemes or self.stats or self.territory)


def stats_questions(
    questionnaire: Questionnaire, indicators: Mapping[str, Definition]
) -> tuple[dict[str, list[str]], list[ContentError]]:
    """Question id → indicator ids, from the ``questions:`` lists of ``stats/indicateurs.yaml``
    (a content folder without that file has no statistics: a draft questionnaire, a fixture)."""
    found: dict[str, list[str]] = {}
    errors: list[ContentError] = []
    for ident, definition in indicators.items():
        for qid in definition.questions:
            if qid not in questionnaire.questions:
                errors.append(
                    ContentError(
                        str(STATS_FILE),
                        definition.questions_line,
                        ident,
                        f"question inconnue « {qid} » dans « questions »",
                    )
                )
            else:
                found.setdefault(qid, []).append(ident)
    return found, errors


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def question_usage(
    questionnaire: Questionnaire, catalogs: Any | None, stats: Mapping[str, list[str]] | None = None
) -> dict[str, QuestionUsage]:
    """Usage of every question, in questionnaire order. ``catalogs`` is a loaded
    :class:`app.engine.catalogs.Catalogs` (or None when the folder has no ``data/``)."""
    usage = {
        qid: QuestionUsage(qid, justification=q.justification) for qid, q in questionnaire.questions.items()
    }

    for group in questionnaire.groups:
        for qid in _readers(group.condition, usage):
            _add(usage[qid].visibility, f"groupe:{group.id}")
        for q in group.questions:
            for qid in _readers(q.condition, usage):
                _add(usage[qid].visibility, q.id)
    territory_read = _catalog_usage(usage, catalogs) if catalogs is not None else False
    for qid, indicators in (stats or {}).items():
        if qid in usage:
            usage[qid].stats = list(indicators)
    for qid, q in questionnaire.questions.items():
        if q.type == LOCALISATION:
            usage[qid].territory = territory_read or bool(stats)
    return usage


def _catalog_usage(usage: dict[str, QuestionUsage], catalogs: Any) -> bool:
    """Record the steps and schemes reading each question (with the steps' contacts and
    resources); True when some condition or contact coverage reads the territory."""
    territory_read = any(c.covers for c in catalogs.contacts)
    for step in catalogs.steps:
        territory_read |= _reads_territory(step.condition)
        for qid in _readers(step.condition, usage):
            u = usage[qid]
            _add(u.steps, step.id)
            for type_id in step.contact_types:
                _add(u.contacts, type_id)
            for rid in step.resources:
                _add(u.resources, rid)
    for scheme in catalogs.schemes.values():
        territory_read |= _reads_territory(scheme.eligibility)
        for qid in _readers(scheme.eligibility, usage):
            _add(usage[qid].schemes, scheme.id)
    return territory_read


def _readers(condition: Any, usage: Mapping[str, QuestionUsage]) -> set[str]:
    """The questions of ``usage`` that ``condition`` reads."""
    return {fid for kind, fid in referenced_facts(condition) if kind == KIND_QUESTION and fid in usage}


def _reads_territory(condition: Any) -> bool:
    return any(kind == KIND_TERRITORY for kind, _ in referenced_facts(condition))


def check_usage(
    questionnaire: Questionnaire, catalogs: Any | None, indicators: Mapping[str, Definition], root: Path
) -> list[ContentError]:
    """Decorative questions, misused ``hors_parcours`` and conditions that ask a hidden question."""
    stats, errors = stats_questions(questionnaire, indicators)
    if catalogs is None and not stats:
        return errors  # a questionnaire drafted alone: nothing to compare with yet
    usage = question_usage(questionnaire, catalogs, stats)
    for qid, u in usage.items():
        q = questionnaire.questions[qid]
        if not u.useful and not u.justification:
            shown = f" (elle ne sert qu'à afficher : {', '.join(u.visibility)})" if u.visibility else ""
            errors.append(
                ContentError(
                    q.file,
                    q.line,
                    qid,
                    "question décorative : aucune étape, aucun financement ni aucune statistique ne la lit"
                    f"{shown}. Utilisez-la dans une condition « si: » (data/etapes, data/financements), "
                    "déclarez-la dans « questions: » d'un indicateur de stats/indicateurs.yaml, retirez-la, "
                    "ou expliquez dans « hors_parcours: » pourquoi elle est gardée",
                )
            )
        elif u.useful and u.justification:
            errors.append(
                ContentError(
                    q.file,
                    q.line,
                    qid,
                    f"« hors_parcours » est inutile : la question est déjà lue par {describe(u)}. Retirez ce champ",
                )
            )
    if catalogs is not None:
        errors += check_serves(questionnaire, catalogs, usage)
        errors += check_hidden_questions(questionnaire, catalogs, root)
    return errors


_CATALOG_ID = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)*(?![\w-])")


def check_serves(
    questionnaire: Questionnaire, catalogs: Any, usage: Mapping[str, QuestionUsage]
) -> list[ContentError]:
    """``sert_a`` is free text for editors, but a step or scheme id it names must really read the
    question: the memo must not promise a use that the conditions do not make."""
    known = set(catalogs.steps_by_id) | set(catalogs.schemes)
    errors = []
    for qid, q in questionnaire.questions.items():
        readers = set(usage[qid].steps) | set(usage[qid].schemes)
        named = {w for text in q.serves for w in _CATALOG_ID.findall(text) if w in known}
        for ident in sorted(named - readers):
            errors.append(
                ContentError(
                    q.file,
                    q.line,
                    qid,
                    f"« sert_a » cite « {ident} », dont la condition ne lit pas cette question : corrigez "
                    f"« sert_a » ou la condition de « {ident} »",
                )
            )
    return errors


def describe(u: QuestionUsage) -> str:
    """A short French list of what uses a question."""
    parts = []
    if u.steps:
        parts.append("étapes " + ", ".join(u.steps))
    if u.schemes:
        parts.append("financements " + ", ".join(u.schemes))
    if u.stats:
        parts.append("statistiques " + ", ".join(u.stats))
    if u.territory:
        parts.append("faits de territoire (contacts, conditions « territoire: »)")
    return " ; ".join(parts) or "rien"


# --- conditions that would ask a hidden question -------------------------------------------------


def _visibility(questionnaire: Questionnaire, qid: str) -> Any:
    q = questionnaire.questions[qid]
    group = questionnaire.group(q.group_id)
    parts = [c for c in (group.condition if group else None, q.condition) if c is not None]
    return {ALL: parts} if parts else None


def _closure(questionnaire: Questionnaire, condition: Any) -> tuple[set[Fact], list[Any]]:
    """Facts read by ``condition`` and, transitively, by the visibility of the questions it reads."""
    facts = set(referenced_facts(condition))
    conditions = [condition]
    todo = [fid for kind, fid in facts if kind == KIND_QUESTION]
    seen: set[str] = set()
    while todo:
        qid = todo.pop()
        if qid in seen or qid not in questionnaire.questions:
            continue
        seen.add(qid)
        visibility = _visibility(questionnaire, qid)
        if visibility is None:
            continue
        conditions.append(visibility)
        for fact in referenced_facts(visibility):
            facts.add(fact)
            if fact[0] == KIND_QUESTION:
                todo.append(fact[1])
    return facts, conditions


def hidden_question_trap(questionnaire: Questionnaire, condition: Any, qid: str) -> dict[Fact, Any] | None:
    """Answers for which ``qid`` is not asked yet ``condition`` is unknown because of it, or None.

    Answers are filtered as the path does (answers to hidden questions are ignored). None also
    when there are too many combinations to try (the check is then skipped for this condition).
    """
    if _visibility(questionnaire, qid) is None:
        return None
    vocab = questionnaire.vocabulary()
    target = (KIND_QUESTION, qid)
    facts, conditions = _closure(questionnaire, condition)
    facts |= set(referenced_facts(_visibility(questionnaire, qid)))
    conditions.append(_visibility(questionnaire, qid))
    facts.discard(target)
    ordered = sorted(facts)
    domains = value_domains(ordered, vocab, conditions, MAX_COMBINATIONS)
    if domains is None:
        return None
    for combo in itertools.product(*domains):
        answers = {
            fid: v
            for (kind, fid), v in zip(ordered, combo, strict=True)
            if kind == KIND_QUESTION and v is not None
        }
        territory = {
            fid: v
            for (kind, fid), v in zip(ordered, combo, strict=True)
            if kind == KIND_TERRITORY and v is not None
        }
        values = build_facts(answers, territory)
        result = evaluate(condition, values)
        if result.value is not None or target not in result.missing:
            continue
        # Keep only combinations the questionnaire can produce: no answer to a hidden question
        # (the combination with those answers removed is tried on its own).
        if questionnaire.facts(answers, territory) != values or questionnaire.is_visible(qid, values):
            continue
        return values
    return None


def check_hidden_questions(questionnaire: Questionnaire, catalogs: Any, root: Path) -> list[ContentError]:
    """A step or scheme must not stay « à vérifier » on a question the questionnaire does not ask."""
    errors: list[ContentError] = []
    conditional = {qid for qid in questionnaire.questions if _visibility(questionnaire, qid) is not None}
    items = [("étape", s) for s in catalogs.steps]
    items += [("financement", s) for s in catalogs.schemes.values()]
    words = {
        "étape": ("cette étape", "l'étape serait"),
        "financement": ("ce financement", "le financement serait"),
    }
    for kind, item in items:
        ident, condition = item.id, item.condition
        if condition is None:
            continue
        for qid in sorted(
            {fid for k, fid in referenced_facts(condition) if k == KIND_QUESTION} & conditional
        ):
            trap = hidden_question_trap(questionnaire, condition, qid)
            if trap is None:
                continue
            example = (
                ", ".join(f"{fid} = {value!r}" for (_, fid), value in sorted(trap.items()))
                or "aucune réponse"
            )
            errors.append(
                ContentError(
                    item.file,
                    line_of(condition, item.line),
                    ident,
                    f"la condition de {words[kind][0]} lit « {qid} », qui n'est pas posée quand {example} : "
                    f"{words[kind][1]} alors « à vérifier » avec une question que personne ne peut remplir. "
                    f"Ajoutez la condition d'affichage de « {qid} » (par exemple dans « toutes ces conditions »)",
                )
            )
    return errors


# --- report --------------------------------------------------------------------------------------


def usage_report(questionnaire: Questionnaire, catalogs: Any | None, stats: Mapping[str, list[str]]) -> str:
    """Plain-text table: one block per question."""
    lines = []
    for qid, u in question_usage(questionnaire, catalogs, stats).items():
        status = "utile" if u.useful else ("hors parcours" if u.justification else "DÉCORATIVE")
        lines.append(f"{qid} — {status}")
        for label, values in (
            ("étapes", u.steps),
            ("financements", u.schemes),
            ("contacts (via les étapes)", u.contacts),
            ("ressources (via les étapes)", u.resources),
            ("statistiques", u.stats),
            ("affichage de", u.visibility),
        ):
            if values:
                lines.append(f"    {label} : {', '.join(values)}")
        if u.territory:
            lines.append(
                "    faits de territoire : contacts par commune, EPCI, département, région ; conditions « territoire: »"
            )
        if u.justification:
            lines.append(f"    hors parcours : {u.justification}")
    return "\n".join(lines) + "\n"
