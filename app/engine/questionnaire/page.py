"""One questionnaire page as the user fills it: which questions follow the answers just given.

A question's condition may read questions placed before it on the same page (the content check
enforces that order). This module evaluates visibility with the answers *being submitted*
merged onto the saved ones, so that the server never requires a question ruled out by an answer
on the same page, and tells which questions became visible although the user could not see them
(the page is then shown again with them). :func:`client_rules` serialises the same conditions
for ``static/js/questionnaire.js``, which shows and hides the follow-ups as the user answers:
one source of truth, the questionnaire YAML, evaluated by :mod:`app.engine.conditions` here and
by a line-for-line port of its Kleene logic in the browser.

No Flask import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.engine.conditions import KIND_QUESTION, Fact, evaluate, referenced_facts
from app.engine.questionnaire.answers import validate_answer
from app.engine.questionnaire.model import LOCALISATION, Group, Question


def _shown(condition: Any, facts: Mapping[Fact, Any]) -> bool:
    """Three-valued visibility: hidden only when the condition is known to be false."""
    return evaluate(condition, facts).value is not False


def _set(facts: dict[Fact, Any], qid: str, value: Any) -> None:
    if value is None:
        facts.pop((KIND_QUESTION, qid), None)
    else:
        facts[(KIND_QUESTION, qid)] = value


def visible_on_page(group: Group, facts: Mapping[Fact, Any], values: Mapping[str, Any]) -> list[Question]:
    """Questions of ``group`` visible once ``values`` (question id → value, None for no answer)
    replace the saved answers of the page. ``facts`` are the site's facts (visible answers and
    territory). One pass in page order: a condition only reads questions placed before it."""
    facts = dict(facts)
    if not _shown(group.condition, facts):
        return []
    shown = []
    for q in group.questions:
        if q.id in values:
            _set(facts, q.id, values[q.id])
        if _shown(q.condition, facts):
            shown.append(q)
        else:
            facts.pop((KIND_QUESTION, q.id), None)  # a hidden answer is ignored by the rules
    return shown


@dataclass
class PageSubmission:
    """What a submitted page means once visibility follows the submitted answers."""

    visible: list[Question] = field(default_factory=list)  # to show, in page order
    values: dict[str, Any] = field(default_factory=dict)  # to save: visible, seen, valid
    errors: dict[str, str] = field(default_factory=dict)  # question id → French message
    revealed: list[Question] = field(default_factory=list)  # visible now, not seen, never answered
    ignored: list[str] = field(default_factory=list)  # hidden now: nothing saved, nothing required

    @property
    def complete(self) -> bool:
        """True when the user may go on: no error and no new question to answer."""
        return not self.errors and not self.revealed


def evaluate_submission(
    group: Group,
    facts: Mapping[Fact, Any],
    form: Mapping[str, Sequence[str]],
    stored: Mapping[str, Any],
    seen: Iterable[str] | None = None,
) -> PageSubmission:
    """Validate a submitted page with visibility evaluated on the submitted answers.

    ``facts``: the site's facts before the submission (visible saved answers + territory);
    ``form``: question id → submitted values (``request.form.getlist``); ``stored``: every saved
    answer of the site (question id → value); ``seen``: the questions the page showed when it
    was submitted (the form's ``questions_affichees``, kept up to date by the script), or None
    (an old form): then the questions visible with the saved answers.

    A question now hidden is neither required nor saved (its old answer, if any, stays ignored
    by :meth:`Questionnaire.facts`). A question now visible that the user did not see is not
    required either: when it has no saved answer it is listed in ``revealed`` for the page to be
    shown again; otherwise its saved answer counts.
    """
    if seen is None:
        seen_ids = {q.id for q in visible_on_page(group, facts, {})}
    else:
        seen_ids = set(seen)
    result = PageSubmission()
    current = dict(facts)
    if not _shown(group.condition, current):
        return result
    for q in group.questions:
        if not _shown(q.condition, current):
            current.pop((KIND_QUESTION, q.id), None)
            result.ignored.append(q.id)
            continue
        result.visible.append(q)
        if q.type == LOCALISATION:
            continue
        if q.id not in seen_ids:
            value = stored.get(q.id)
            if value is None:
                result.revealed.append(q)
            _set(current, q.id, value)
            continue
        value, error = validate_answer(q, list(form.get(q.id) or []))
        if error:
            result.errors[q.id] = error
            _set(current, q.id, None)  # unreadable: unknown, which never hides a follow-up
        else:
            result.values[q.id] = value
            _set(current, q.id, value)
    return result


def _jsonable(value: Any) -> Any:
    """Plain JSON types (YAML mappings remember their lines; tuples become lists)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def conditional_questions(group: Group) -> list[Question]:
    """Questions whose condition reads another question of the same page: they may appear or
    disappear while the page is filled, so the page carries them even when hidden."""
    here = {q.id for q in group.questions}
    return [
        q
        for q in group.questions
        if q.condition is not None
        and any(kind == KIND_QUESTION and fid in here for kind, fid in referenced_facts(q.condition))
    ]


def client_rules(group: Group, facts: Mapping[Fact, Any]) -> dict:
    """The page's visibility rules for the browser, as JSON-ready data.

    ``conditions``: question id → its condition (the YAML, verbatim) for the questions of
    :func:`conditional_questions`; ``faits``: the values of the facts those conditions read that
    are not on the page (earlier answers, territory), keyed ``"question:id"`` /
    ``"territoire:id"``. The script reads the page's own answers from the form.
    """
    here = {q.id for q in group.questions}
    dynamic = conditional_questions(group)
    outside: dict[str, Any] = {}
    for q in dynamic:
        for kind, fid in sorted(referenced_facts(q.condition)):
            if kind == KIND_QUESTION and fid in here:
                continue
            value = facts.get((kind, fid))
            if value is not None:
                outside[f"{kind}:{fid}"] = _jsonable(value)
    return {
        "conditions": {q.id: _jsonable(q.condition) for q in dynamic},
        "faits": outside,
    }
