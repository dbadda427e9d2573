"""Turn questions into the parameter dicts of the DSFR macros (templates/dsfr/components.html)."""

from __future__ import annotations

from typing import Any

import markdown as md
from markupsafe import Markup

from app.engine.questionnaire.model import (
    ANNEE,
    CHOICE_TYPES,
    CHOIX_MULTIPLE,
    LOCALISATION,
    NOMBRE,
    OUI_NON,
    TEXTE_COURT,
    UNKNOWN,
    Question,
)

SELECT_ABOVE = 12  # more choices than this: a select instead of radios


def markdown(text: str) -> Markup:
    return Markup(md.markdown(text or "", extensions=["sane_lists"]))


def _stored_as_form(question: Question, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return [str(value).replace(".", ",")]
    return [str(value)]


def build_field(
    question: Question,
    answer,
    raw: list[str] | None,
    error: str | None,
    hidden: bool = False,
    new: bool = False,
) -> dict:
    """Everything the template needs for one question. ``raw`` is what the user just typed (kept
    on a validation error); otherwise the stored answer is shown.

    ``hidden``: a follow-up whose condition is false for now — carried by the page (``hidden``
    attribute, controls disabled: never submitted) for questionnaire.js to show when an answer
    opens it. ``new``: a follow-up the last answer opened (flagged on the page shown again)."""
    current = raw if raw is not None else _stored_as_form(question, answer.value if answer else None)
    p: dict[str, Any] = {
        "id": question.id,
        "name": question.id,
        "label": question.label,
        "hint": question.hint,
        "error": error,
        "required": question.required,
        "optional": not question.required and question.type != LOCALISATION,
        "attrs": {},
    }
    field = {
        "question": question,
        "p": p,
        "macro": "input",
        "hidden": hidden,
        "new": new,
        "conditional": question.condition is not None,
        "dont_know": False,
        "source": answer.source if answer is not None and answer.source and raw is None else None,
        "why": markdown(question.why) if question.why else None,
        "how": markdown(question.how) if question.how else None,
        "error_href": f"#{question.id}",
    }
    if question.type == LOCALISATION:
        field["macro"] = "localisation"
        return field
    if question.type in CHOICE_TYPES:
        choices = question.visible_choices
        selected = set(current)
        p["choices"] = [
            {
                "value": c.value,
                "label": c.label,
                "hint": c.hint,
                "checked": c.value in selected,
                "disabled": hidden,
            }
            for c in choices
        ]
        if question.type == CHOIX_MULTIPLE:
            field["macro"] = "checkboxes"
            field["error_href"] = f"#{question.id}-0"
        elif len(choices) > SELECT_ABOVE:
            field["macro"] = "select"
            p["value"] = current[0] if current else ""
            p["placeholder"] = "Sélectionner une réponse"
            p["attrs"] = {"disabled": hidden}
        else:
            field["macro"] = "radios"
            p["inline"] = question.type == OUI_NON
            field["error_href"] = f"#{question.id}-0"
        return field
    typed = [v for v in current if v != UNKNOWN]
    p["value"] = typed[0] if typed else ""
    if question.type in (NOMBRE, ANNEE):
        p["unit"] = question.unit
        p["attrs"] = {
            "inputmode": "numeric" if question.integer or question.type == ANNEE else "decimal",
            "autocomplete": "off",
        }
        if question.type == ANNEE:
            p["attrs"]["maxlength"] = 4
        field["dont_know"] = question.dont_know
        field["dont_know_checked"] = UNKNOWN in current and not typed
    elif question.type == TEXTE_COURT:
        p["attrs"] = {"maxlength": question.max_length, "autocomplete": "off"}
    p["attrs"]["disabled"] = hidden
    return field
