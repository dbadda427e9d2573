"""Submitted form values → stored answer, or a French error message, one helper per question type.

No Flask import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from app.engine.questionnaire.model import (
    ANNEE,
    CHOIX_MULTIPLE,
    CHOIX_UNIQUE,
    FIRST_YEAR,
    LOCALISATION,
    NOMBRE,
    OUI_NON,
    TEXTE_COURT,
    UNKNOWN,
    Question,
    format_number,
)


def _parse_number(text: str) -> float | None:
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return None
    return float(cleaned)


Result = tuple[Any, str | None]


def validate_answer(question: Question, raw: Sequence[str] | str | None) -> Result:
    """Turn submitted form values into a stored value, or return a French error message.

    ``raw`` is the list of values sent for the question (``request.form.getlist(id)``). For
    numbers and years, a value ``inconnu`` in the list (the « Je ne sais pas » box) wins over
    an empty input. The returned value is ``None`` when nothing was given and nothing is required
    (the caller removes the answer).
    """
    if raw is None:
        values: list[str] = []
    elif isinstance(raw, str):
        values = [raw]
    else:
        values = [str(v) for v in raw]
    values = [v.strip() for v in values if v is not None and v.strip()]
    if question.type == LOCALISATION:
        return None, None
    return _VALIDATORS.get(question.type, _short_text)(question, values)


def _single_choice(question: Question, values: list[str]) -> Result:
    if not values:
        if not question.required:
            return None, None
        return None, "Sélectionnez une réponse" + (" (ou « Je ne sais pas »)." if question.dont_know else ".")
    if len(values) > 1 or values[0] not in question.choice_labels:
        return None, "Sélectionnez une des réponses proposées."
    return values[0], None


def _multiple_choice(question: Question, values: list[str]) -> Result:
    if not values:
        return (None, "Cochez au moins une réponse." if question.required else None)
    allowed = question.choice_labels
    if any(v not in allowed for v in values):
        return None, "Cochez uniquement des réponses proposées."
    ordered = [c for c in allowed if c in values]
    exclusive = {c.value for c in question.visible_choices if c.exclusive} | {UNKNOWN}
    if len(ordered) > 1 and exclusive & set(ordered):
        lone = next(allowed[v] for v in ordered if v in exclusive)
        return None, f"« {lone} » ne peut pas être coché avec une autre réponse."
    return ordered, None


def _typed_number(question: Question, values: list[str]) -> tuple[str | None, Result | None]:
    """The one typed value of a number or year, or the result when there is none or too many."""
    typed = [v for v in values if v != UNKNOWN]
    if len(typed) > 1:
        return None, (None, "Donnez une seule valeur.")
    if typed:
        return typed[0], None
    if UNKNOWN in values and question.dont_know:
        return None, (UNKNOWN, None)
    if question.required:
        hint = " ou cochez « Je ne sais pas »" if question.dont_know else ""
        return None, (None, f"Indiquez {'une année' if question.type == ANNEE else 'un nombre'}{hint}.")
    return None, (None, None)


def _number_answer(question: Question, values: list[str]) -> Result:
    typed, done = _typed_number(question, values)
    if done is not None:
        return done
    number = _parse_number(typed or "")
    if number is None:
        example = "12500" if question.integer else "12500 ou 0,5"
        return None, f"Indiquez un nombre, en chiffres (par exemple {example})."
    if question.integer and not number.is_integer():
        return None, "Indiquez un nombre entier."
    if question.min is not None and number < question.min:
        return None, f"Indiquez un nombre supérieur ou égal à {format_number(question.min, question.unit)}."
    if question.max is not None and number > question.max:
        return None, f"Indiquez un nombre inférieur ou égal à {format_number(question.max, question.unit)}."
    return (int(number) if number.is_integer() else number), None


def _year_answer(question: Question, values: list[str]) -> Result:
    typed, done = _typed_number(question, values)
    if done is not None:
        return done
    number = _parse_number(typed or "")
    if number is None or not number.is_integer() or not 1000 <= number <= 9999:
        return None, "Indiquez une année sur quatre chiffres, par exemple 1975."
    year = int(number)
    low = int(question.min) if question.min is not None else FIRST_YEAR
    high = int(question.max) if question.max is not None else date.today().year
    if not low <= year <= high:
        return None, f"Indiquez une année comprise entre {low} et {high}."
    return year, None


def _short_text(question: Question, values: list[str]) -> Result:
    if not values:
        return (None, "Ce champ est obligatoire." if question.required else None)
    text = " ".join(values[0].split())
    if len(text) > question.max_length:
        return None, f"Saisissez au plus {question.max_length} caractères (actuellement {len(text)})."
    return text, None


_VALIDATORS = {
    CHOIX_UNIQUE: _single_choice,
    OUI_NON: _single_choice,
    CHOIX_MULTIPLE: _multiple_choice,
    NOMBRE: _number_answer,
    ANNEE: _year_answer,
    TEXTE_COURT: _short_text,
}
