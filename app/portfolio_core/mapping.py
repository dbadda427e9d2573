"""CNIG record ⇄ questionnaire answers. No Flask import.

Site questions use the CNIG field names and values verbatim (docs/architecture.md), so the
mapping is mostly the identity: a value is kept when the question offers it (``inconnu`` and
values the questionnaire does not offer stay unknown), multi-valued fields are split on
``|``, numbers and years become integers. ``site_reconv_type`` feeds the project question
``usage`` (a multiple choice: one CNIG value is read as a one-item list; several uses are
exported as ``mixte``, the standard holding a single value).
"""

from __future__ import annotations

from typing import Any

from app.engine.questionnaire.model import (
    ANNEE,
    CHOIX_MULTIPLE,
    CHOIX_UNIQUE,
    LOCALISATION,
    NOMBRE,
    OUI_NON,
    TEXTE_COURT,
    Questionnaire,
)

from .cnig import MULTI, load_schema

# CNIG field → question id, where they differ.
RENAMED = {"site_reconv_type": "usage"}


def cnig_questions(questionnaire: Questionnaire) -> dict[str, str]:
    """CNIG field → question id for every question the questionnaire asks about a CNIG field."""
    names = load_schema().names
    out = {}
    for name in names:
        qid = RENAMED.get(name, name)
        q = questionnaire.questions.get(qid)
        if q is not None and q.type != LOCALISATION:
            out[name] = qid
    return out


def _value(q, text: str) -> Any:
    allowed = {c.value for c in q.choices}
    if q.type == CHOIX_UNIQUE or q.type == OUI_NON:
        return text if text in allowed else None
    if q.type == CHOIX_MULTIPLE:
        values = [v.strip() for v in text.split(MULTI) if v.strip() in allowed]
        return list(dict.fromkeys(values)) or None
    if q.type in (NOMBRE, ANNEE):
        try:
            number = int(float(text.replace(",", ".").replace(" ", "")))
        except ValueError:
            return None
        if q.min is not None and number < q.min or q.max is not None and number > q.max:
            return None
        return number
    if q.type == TEXTE_COURT:
        return text[: q.max_length]
    return None


def answers_from_record(record: dict[str, str], questionnaire: Questionnaire) -> dict[str, Any]:
    """Answers (question id → value) from a CNIG record; empty and unknown values are left out."""
    out: dict[str, Any] = {}
    for name, qid in cnig_questions(questionnaire).items():
        text = (record.get(name) or "").strip()
        if not text:
            continue
        value = _value(questionnaire.questions[qid], text)
        if value is not None:
            out[qid] = value
    return out


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return MULTI.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def single_use(value: Any) -> str | None:
    """The one CNIG ``site_reconv_type`` value of a ``usage`` answer: a text as is, a list of one
    use that use, several uses « mixte » (a mixed reconversion; the standard holds one value)."""
    if isinstance(value, (list, tuple)):
        uses = [v for v in value if isinstance(v, str) and v != "inconnu"]
        return uses[0] if len(uses) == 1 else "mixte" if uses else None
    return value if isinstance(value, str) else None


def record_with_answers(
    record: dict[str, str], answers: dict[str, Any], questionnaire: Questionnaire
) -> dict[str, str]:
    """The stored CNIG record updated with the answers given since (the questionnaire wins for
    the fields it asks; an answer « je ne sais pas » writes ``inconnu`` only where the standard
    accepts it; a field the user cleared keeps the file's value)."""
    schema = load_schema()
    out = {name: record.get(name, "") for name in schema.names}
    for name, qid in cnig_questions(questionnaire).items():
        if qid not in answers:
            continue
        value = answers[qid]
        if value == "inconnu":
            field = schema.field(name)
            if field.enum and "inconnu" in field.enum:
                out[name] = "inconnu"
            continue
        if name == "site_reconv_type" and isinstance(value, (list, tuple)):
            value = single_use(value)
        text = text_of(value)
        field = schema.field(name)
        if field.enum and MULTI in text:
            continue  # the standard holds one value there: keep the file's
        if text:
            out[name] = text
    return out
