"""The questionnaire model: groups (pages) of questions, visibility, effective answers and labels.

Visibility is three-valued: a condition that is *false* hides, a condition that is *unknown* (it
depends on a "je ne sais pas" or missing answer) still asks. Answers to hidden questions are kept
in the database but ignored by the rules: :meth:`Questionnaire.facts` only reads answers to
visible questions. No Flask import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.engine.conditions import KIND_QUESTION, Fact, FactInfo, evaluate
from app.engine.facts import TERRITORY_VOCABULARY, build_facts

UNKNOWN = "inconnu"
UNKNOWN_LABEL = "Je ne sais pas"

# Question types, as written in the YAML files.
CHOIX_UNIQUE = "choix_unique"
CHOIX_MULTIPLE = "choix_multiple"
OUI_NON = "oui_non"
NOMBRE = "nombre"
ANNEE = "annee"
TEXTE_COURT = "texte_court"
LOCALISATION = "localisation"
TYPES = (CHOIX_UNIQUE, CHOIX_MULTIPLE, OUI_NON, NOMBRE, ANNEE, TEXTE_COURT, LOCALISATION)
CHOICE_TYPES = (CHOIX_UNIQUE, CHOIX_MULTIPLE, OUI_NON)

OUI_NON_CHOICES = (("oui", "Oui"), ("non", "Non"))

DEFAULT_TEXT_MAX = 200
FIRST_YEAR = 1700


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""
    exclusive: bool = False  # choix_multiple: cannot be combined with another choice
    hidden: bool = False  # accepted (API, CNIG) but not offered in the form


@dataclass
class Question:
    id: str
    type: str
    label: str
    group_id: str = ""
    hint: str = ""
    why: str = ""  # Markdown, « Pourquoi cette question ? »
    how: str = ""  # Markdown, « Comment trouver la réponse ? »
    choices: list[Choice] = field(default_factory=list)
    unit: str = ""
    min: float | None = None
    max: float | None = None
    integer: bool = False
    max_length: int = DEFAULT_TEXT_MAX
    required: bool = False
    dont_know: bool = False  # offers « Je ne sais pas » (stored as ``inconnu``)
    condition: Any = None
    serves: list[str] = field(default_factory=list)
    justification: str = ""  # ``hors_parcours``: why a question nothing reads is kept (app.engine.usage)
    short_label: str = ""  # ``libelle_court``: the noun used in path explanations
    file: str = ""
    line: int = 0

    @property
    def choice_labels(self) -> dict[str, str]:
        labels = {c.value: c.label for c in self.choices}
        if self.dont_know:
            labels.setdefault(UNKNOWN, UNKNOWN_LABEL)
        return labels

    @property
    def visible_choices(self) -> list[Choice]:
        shown = [c for c in self.choices if not c.hidden]
        if self.dont_know and self.type in CHOICE_TYPES and not any(c.value == UNKNOWN for c in self.choices):
            shown.append(Choice(UNKNOWN, UNKNOWN_LABEL, exclusive=True))
        return shown

    def fact_info(self) -> FactInfo:
        kind = {CHOIX_MULTIPLE: "choix_multiple", NOMBRE: "nombre", ANNEE: "nombre"}.get(self.type)
        if kind is None:
            kind = "choix" if self.type in CHOICE_TYPES else "texte"
        return FactInfo(
            self.short_label or self.label,
            kind,
            self.choice_labels if self.type in CHOICE_TYPES else {},
            self.unit,
            year=self.type == ANNEE,
        )


@dataclass
class Group:
    id: str
    title: str
    intro: str = ""
    condition: Any = None
    questions: list[Question] = field(default_factory=list)
    file: str = ""
    line: int = 0


@dataclass
class Questionnaire:
    groups: list[Group]
    questions: dict[str, Question]

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def vocabulary(self) -> dict[Fact, FactInfo]:
        """Every fact a rule may read: the questions (except location summaries) and the territory."""
        vocab: dict[Fact, FactInfo] = {
            (KIND_QUESTION, q.id): q.fact_info() for q in self.questions.values() if q.type != LOCALISATION
        }
        vocab.update(TERRITORY_VOCABULARY)
        return vocab

    def visible_groups(self, facts: Mapping[Fact, Any]) -> list[Group]:
        """Groups whose condition is true or unknown, and that still have a question to show."""
        return [g for g in self.groups if _shown(g.condition, facts) and self.visible_questions(g, facts)]

    def visible_questions(self, group: Group, facts: Mapping[Fact, Any]) -> list[Question]:
        if not _shown(group.condition, facts):
            return []
        return [q for q in group.questions if _shown(q.condition, facts)]

    def is_visible(self, question_id: str, facts: Mapping[Fact, Any]) -> bool:
        q = self.questions.get(question_id)
        if q is None:
            return False
        group = self.group(q.group_id)
        return group is not None and _shown(group.condition, facts) and _shown(q.condition, facts)

    def effective_answers(
        self, answers: Mapping[str, Any], territory: Mapping[str, Any] | None = None
    ) -> dict:
        """The answers the rules read: those to questions that exist and are visible.

        One pass in questionnaire order is enough because conditions only read earlier groups.
        """
        kept: dict[str, Any] = {}
        facts = build_facts({}, territory)
        for group in self.groups:
            if not _shown(group.condition, facts):
                continue
            for q in group.questions:
                if q.id in answers and q.type != LOCALISATION and _shown(q.condition, facts):
                    kept[q.id] = answers[q.id]
            for qid in list(kept):
                facts[(KIND_QUESTION, qid)] = kept[qid]
        return kept

    def facts(
        self, answers: Mapping[str, Any], territory: Mapping[str, Any] | None = None
    ) -> dict[Fact, Any]:
        """Facts for the condition engine: visible answers + territory facts."""
        return build_facts(self.effective_answers(answers, territory), territory)

    def label_of(self, question_id: str, value: Any) -> str:
        """A French rendering of a stored value (« Pollution supposée », « 12 000 m² », « Je ne sais pas »)."""
        q = self.questions.get(question_id)
        if isinstance(value, (list, tuple)):
            return ", ".join(self.label_of(question_id, v) for v in value) or "—"
        if value is None:
            return "—"
        if isinstance(value, str) and value == UNKNOWN:
            return UNKNOWN_LABEL
        if q is None:
            return str(value)
        if q.type in CHOICE_TYPES:
            return q.choice_labels.get(str(value), str(value))
        if q.type in (NOMBRE, ANNEE) and isinstance(value, (int, float)) and not isinstance(value, bool):
            return format_number(value, q.unit if q.type == NOMBRE else "")
        return str(value)


def format_number(value: float, unit: str = "") -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = f"{value:,}".replace(",", "\u202f") if abs(value) >= 10000 else str(value)
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",")
    return f"{text} {unit}".strip()


def _shown(condition: Any, facts: Mapping[Fact, Any]) -> bool:
    """Three-valued visibility: hidden only when the condition is known to be false."""
    return evaluate(condition, facts).value is not False
