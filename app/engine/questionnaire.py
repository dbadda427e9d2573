"""The questionnaire: declarative YAML content (``questionnaires/*.yaml``), loaded and validated.

A questionnaire is an ordered list of groups (one page each) holding questions with stable ids.
Files are read in name order; inside a file, groups keep their order. Groups and questions may
carry a condition (``si:``, the language of :mod:`app.engine.conditions`) over earlier answers
and territory facts. Visibility is three-valued: a condition that is *false* hides, a condition
that is *unknown* (it depends on a "je ne sais pas" or missing answer) still asks.

Answers to questions that are hidden (their condition became false after an earlier answer was
changed) are kept in the database but ignored by the rules: :meth:`Questionnaire.facts` only
reads answers to visible questions.

No Flask import: the content check, the web flow, the API and the path engine all use it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.engine.conditions import (
    ALL,
    KIND_QUESTION,
    KIND_TERRITORY,
    NUMERIC_OPERATORS,
    OPERATORS,
    Fact,
    FactInfo,
    _as_list,
    _number,
    atoms,
    check,
    evaluate,
    is_unknown,
    referenced_facts,
)
from app.engine.facts import TERRITORY_VOCABULARY, build_facts
from app.engine.vocabulaire import question_choices
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

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

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_IDS = {"action", "retour", "csrf_token", "questions_affichees"}  # form field names
GROUP_KEYS = {"id", "titre", "introduction", "si", "questions"}
QUESTION_KEYS = {
    "id",
    "type",
    "libelle",
    "indice",
    "pourquoi",
    "comment_trouver",
    "choix",
    "unite",
    "validation",
    "obligatoire",
    "je_ne_sais_pas",
    "si",
    "sert_a",
    "hors_parcours",
    "libelle_court",
}
CHOICE_KEYS = {"valeur", "libelle", "aide", "exclusif", "cache"}
VALIDATION_KEYS = {"min", "max", "entier", "longueur_max"}
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


# --- answers -------------------------------------------------------------------------------------


def _parse_number(text: str) -> float | None:
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return None
    return float(cleaned)


def validate_answer(question: Question, raw: Sequence[str] | str | None) -> tuple[Any, str | None]:
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
    t = question.type
    if t == LOCALISATION:
        return None, None
    if t in (CHOIX_UNIQUE, OUI_NON):
        if not values:
            return None, (
                "Sélectionnez une réponse" + (" (ou « Je ne sais pas »)." if question.dont_know else ".")
                if question.required
                else None
            )
        allowed = question.choice_labels
        if len(values) > 1 or values[0] not in allowed:
            return None, "Sélectionnez une des réponses proposées."
        return values[0], None
    if t == CHOIX_MULTIPLE:
        if not values:
            return (None, "Cochez au moins une réponse." if question.required else None)
        allowed = question.choice_labels
        bad = [v for v in values if v not in allowed]
        if bad:
            return None, "Cochez uniquement des réponses proposées."
        ordered = [c for c in allowed if c in values]
        exclusive = {c.value for c in question.visible_choices if c.exclusive} | {UNKNOWN}
        if len(ordered) > 1 and exclusive & set(ordered):
            lone = next(allowed[v] for v in ordered if v in exclusive)
            return None, f"« {lone} » ne peut pas être coché avec une autre réponse."
        return ordered, None
    if t in (NOMBRE, ANNEE):
        typed = [v for v in values if v != UNKNOWN]
        if not typed:
            if UNKNOWN in values and question.dont_know:
                return UNKNOWN, None
            if question.required:
                hint = " ou cochez « Je ne sais pas »" if question.dont_know else ""
                return None, f"Indiquez {'une année' if t == ANNEE else 'un nombre'}{hint}."
            return None, None
        if len(typed) > 1:
            return None, "Donnez une seule valeur."
        number = _parse_number(typed[0])
        if t == ANNEE:
            if number is None or not number.is_integer() or not 1000 <= number <= 9999:
                return None, "Indiquez une année sur quatre chiffres, par exemple 1975."
            year = int(number)
            low = int(question.min) if question.min is not None else FIRST_YEAR
            high = int(question.max) if question.max is not None else date.today().year
            if not low <= year <= high:
                return None, f"Indiquez une année comprise entre {low} et {high}."
            return year, None
        if number is None:
            example = "12500" if question.integer else "12500 ou 0,5"
            return None, f"Indiquez un nombre, en chiffres (par exemple {example})."
        if question.integer and not number.is_integer():
            return None, "Indiquez un nombre entier."
        if question.min is not None and number < question.min:
            return (
                None,
                f"Indiquez un nombre supérieur ou égal à {format_number(question.min, question.unit)}.",
            )
        if question.max is not None and number > question.max:
            return (
                None,
                f"Indiquez un nombre inférieur ou égal à {format_number(question.max, question.unit)}.",
            )
        return (int(number) if number.is_integer() else number), None
    # texte_court
    if not values:
        return (None, "Ce champ est obligatoire." if question.required else None)
    text = " ".join(values[0].split())
    if len(text) > question.max_length:
        return None, f"Saisissez au plus {question.max_length} caractères (actuellement {len(text)})."
    return text, None


# --- loading and validation ----------------------------------------------------------------------


class _Errors:
    def __init__(self):
        self.items: list[ContentError] = []

    def add(self, file: str, node: Any, ident: str | None, message: str, line: int | None = None) -> None:
        self.items.append(ContentError(file, line if line is not None else line_of(node), ident, message))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def load_questionnaire(directory: str | Path, display_root: str | Path | None = None) -> Questionnaire:
    """Load every ``*.yaml`` file of ``directory`` (name order; sub-folders such as
    ``scenarios/`` are not read) and validate the whole questionnaire.

    Raises :class:`ContentInvalid` listing every error with its file, line and id.
    """
    directory = Path(directory)
    errors = _Errors()
    base = Path(display_root) if display_root else directory.parent

    def display(path: Path) -> str:
        try:
            return str(path.relative_to(base))
        except ValueError:
            return str(path)

    if not directory.is_dir():
        raise ContentInvalid([ContentError(str(directory), 0, None, "dossier du questionnaire introuvable")])
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ContentInvalid(
            [ContentError(display(directory), 0, None, "aucun fichier .yaml dans ce dossier")]
        )

    groups: list[Group] = []
    questions: dict[str, Question] = {}
    group_seen: dict[str, str] = {}
    for path in files:
        name = display(path)
        try:
            doc = load_yaml(path, name)
        except ContentInvalid as exc:
            errors.items += exc.errors
            continue
        if not isinstance(doc, Mapping) or "groupes" not in doc:
            errors.add(
                name,
                doc,
                None,
                "le fichier doit commencer par « groupes: » suivi de la liste des groupes",
                line=line_of(doc, 1),
            )
            continue
        extra = [k for k in doc if k != "groupes"]
        if extra:
            errors.add(
                name, doc, None, f"clé(s) inconnue(s) au premier niveau : {', '.join(map(str, extra))}"
            )
        raw_groups = doc["groupes"]
        if not isinstance(raw_groups, list) or not raw_groups:
            errors.add(name, doc, None, "« groupes » doit être une liste non vide")
            continue
        for raw in raw_groups:
            group = _parse_group(raw, name, errors)
            if group is None:
                continue
            if group.id in group_seen:
                errors.add(
                    name,
                    raw,
                    group.id,
                    f"identifiant de groupe en double (déjà utilisé dans {group_seen[group.id]})",
                )
                continue
            group_seen[group.id] = f"{name}, ligne {group.line}"
            for q in list(group.questions):
                if q.id in questions:
                    other = questions[q.id]
                    errors.add(
                        name,
                        None,
                        q.id,
                        f"identifiant de question en double (déjà utilisé dans "
                        f"{other.file}, ligne {other.line})",
                        line=q.line,
                    )
                    group.questions.remove(q)
                else:
                    questions[q.id] = q
            groups.append(group)

    questionnaire = Questionnaire(groups, questions)
    if not errors.items:
        _check_conditions(questionnaire, errors)
        _check_cnig(questionnaire, errors)
    if not errors.items:
        _check_reachable(questionnaire, errors)
    if errors.items:
        raise ContentInvalid(errors.items)
    return questionnaire


def _parse_group(raw: Any, file: str, errors: _Errors) -> Group | None:
    if not isinstance(raw, Mapping):
        errors.add(file, raw, None, "un groupe doit être un bloc avec « id », « titre » et « questions »")
        return None
    gid = _text(raw.get("id"))
    if not gid:
        errors.add(file, raw, None, "groupe sans « id »")
        return None
    if not ID_RE.match(gid):
        errors.add(file, raw, gid, "identifiant invalide : lettres minuscules sans accent, chiffres et « _ »")
    unknown = [k for k in raw if k not in GROUP_KEYS]
    if unknown:
        errors.add(
            file,
            raw,
            gid,
            f"clé(s) inconnue(s) dans le groupe : {', '.join(map(str, unknown))} "
            f"(possibles : {', '.join(sorted(GROUP_KEYS))})",
        )
    title = _text(raw.get("titre"))
    if not title:
        errors.add(file, raw, gid, "groupe sans « titre »")
    group = Group(gid, title, _text(raw.get("introduction")), raw.get("si"), [], file, line_of(raw))
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        errors.add(file, raw, gid, "le groupe doit contenir une liste « questions » non vide")
        return group
    for rq in raw_questions:
        q = _parse_question(rq, gid, file, errors)
        if q is not None:
            group.questions.append(q)
    return group


def _parse_question(raw: Any, gid: str, file: str, errors: _Errors) -> Question | None:
    if not isinstance(raw, Mapping):
        errors.add(file, raw, gid, "une question doit être un bloc (id, type, libelle…)")
        return None
    qid = _text(raw.get("id"))
    if not qid:
        errors.add(file, raw, None, "question sans « id »")
        return None
    n = len(errors.items)
    if not ID_RE.match(qid):
        errors.add(file, raw, qid, "identifiant invalide : lettres minuscules sans accent, chiffres et « _ »")
    elif qid in RESERVED_IDS:
        errors.add(
            file,
            raw,
            qid,
            f"identifiant réservé (choisissez un autre nom que {', '.join(sorted(RESERVED_IDS))})",
        )
    unknown = [k for k in raw if k not in QUESTION_KEYS]
    if unknown:
        errors.add(
            file,
            raw,
            qid,
            f"clé(s) inconnue(s) : {', '.join(map(str, unknown))} "
            f"(possibles : {', '.join(sorted(QUESTION_KEYS))})",
        )
    qtype = _text(raw.get("type"))
    if qtype not in TYPES:
        errors.add(file, raw, qid, f"type « {qtype} » inconnu (types possibles : {', '.join(TYPES)})")
    label = _text(raw.get("libelle"))
    if not label:
        errors.add(file, raw, qid, "question sans « libelle »")
    serves = raw.get("sert_a")
    if isinstance(serves, str):
        serves = [serves]
    if not isinstance(serves, list) or not [s for s in serves if _text(s)]:
        errors.add(
            file,
            raw,
            qid,
            "« sert_a » manquant : dites quelle étape, quel contact, quel financement ou "
            "quelle statistique dépend de cette question (pas de question décorative)",
        )
        serves = []
    extra_text: dict[str, str] = {}
    for key in ("hors_parcours", "libelle_court"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            errors.add(file, raw, qid, f"« {key} » doit être une phrase (texte non vide)")
        extra_text[key] = _text(value) if isinstance(value, str) else ""
    q = Question(
        id=qid,
        type=qtype,
        label=label,
        group_id=gid,
        hint=_text(raw.get("indice")),
        why=_text(raw.get("pourquoi")),
        how=_text(raw.get("comment_trouver")),
        unit=_text(raw.get("unite")),
        condition=raw.get("si"),
        serves=[_text(s) for s in serves if _text(s)],
        file=file,
        line=line_of(raw),
        justification=extra_text["hors_parcours"],
        short_label=extra_text["libelle_court"],
    )
    # Choices.
    raw_choices = raw.get("choix")
    if qtype in (CHOIX_UNIQUE, CHOIX_MULTIPLE):
        if not isinstance(raw_choices, list) or not raw_choices:
            errors.add(file, raw, qid, f"une question « {qtype} » doit avoir une liste « choix » non vide")
        else:
            seen: set[str] = set()
            for rc in raw_choices:
                choice = _parse_choice(rc, qid, file, errors)
                if choice is None:
                    continue
                if choice.value in seen:
                    errors.add(file, rc, qid, f"valeur de choix « {choice.value} » en double")
                    continue
                seen.add(choice.value)
                q.choices.append(choice)
            if len([c for c in q.choices if not c.hidden]) < 2 and qtype == CHOIX_UNIQUE:
                errors.add(file, raw, qid, "une question à choix unique doit proposer au moins deux réponses")
    elif raw_choices is not None:
        errors.add(file, raw, qid, f"« choix » n'a pas de sens pour une question de type « {qtype} »")
    if qtype == OUI_NON:
        q.choices = [Choice(v, lab) for v, lab in OUI_NON_CHOICES]
    # « Je ne sais pas »: always on oui/non, on by default for choices, opt-in for numbers and years.
    dont_know = raw.get("je_ne_sais_pas")
    if dont_know is not None and not isinstance(dont_know, bool):
        errors.add(file, raw, qid, "« je_ne_sais_pas » vaut true ou false")
        dont_know = None
    if qtype == OUI_NON:
        q.dont_know = True
    elif qtype in (CHOIX_UNIQUE, CHOIX_MULTIPLE, NOMBRE, ANNEE):
        q.dont_know = bool(dont_know) if dont_know is not None else qtype in (CHOIX_UNIQUE, CHOIX_MULTIPLE)
        if any(c.value == UNKNOWN for c in q.choices):
            q.dont_know = True
    required = raw.get("obligatoire")
    if required is not None and not isinstance(required, bool):
        errors.add(file, raw, qid, "« obligatoire » vaut true ou false")
        required = None
    q.required = bool(required) if required is not None else qtype in (CHOIX_UNIQUE, OUI_NON)
    if qtype == LOCALISATION:
        q.required = False
    # Validation rules.
    rules = raw.get("validation")
    if rules is not None:
        if not isinstance(rules, Mapping):
            errors.add(file, raw, qid, "« validation » doit être un bloc (min, max, entier, longueur_max)")
        else:
            bad = [k for k in rules if k not in VALIDATION_KEYS]
            if bad:
                errors.add(
                    file,
                    rules,
                    qid,
                    f"règle(s) de validation inconnue(s) : {', '.join(map(str, bad))} "
                    f"(possibles : {', '.join(sorted(VALIDATION_KEYS))})",
                )
            numeric = qtype in (NOMBRE, ANNEE)
            for key in ("min", "max"):
                if key in rules:
                    if not numeric:
                        errors.add(file, rules, qid, f"« {key} » ne s'applique qu'aux nombres et aux années")
                    elif _number(rules[key]) is None or isinstance(rules[key], str):
                        errors.add(file, rules, qid, f"« {key} » doit être un nombre, reçu {rules[key]!r}")
                    else:
                        setattr(q, key, float(rules[key]))
            if q.min is not None and q.max is not None and q.min > q.max:
                errors.add(
                    file, rules, qid, f"bornes incohérentes : min ({q.min:g}) est supérieur à max ({q.max:g})"
                )
            if "entier" in rules:
                if not isinstance(rules["entier"], bool) or qtype != NOMBRE:
                    errors.add(
                        file, rules, qid, "« entier » vaut true ou false, pour une question « nombre »"
                    )
                else:
                    q.integer = rules["entier"]
            if "longueur_max" in rules:
                value = rules["longueur_max"]
                if qtype != TEXTE_COURT or not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    errors.add(
                        file,
                        rules,
                        qid,
                        "« longueur_max » est un entier positif, pour une question « texte_court »",
                    )
                else:
                    q.max_length = value
    if qtype == ANNEE and q.integer is False:
        q.integer = True
    if len(errors.items) > n:
        return q if ID_RE.match(qid) else None
    return q


def _parse_choice(raw: Any, qid: str, file: str, errors: _Errors) -> Choice | None:
    if not isinstance(raw, Mapping):
        errors.add(file, raw, qid, f"un choix s'écrit « - valeur: … » avec « libelle: … » (reçu {raw!r})")
        return None
    unknown = [k for k in raw if k not in CHOICE_KEYS]
    if unknown:
        errors.add(file, raw, qid, f"clé(s) inconnue(s) dans un choix : {', '.join(map(str, unknown))}")
    value = raw.get("valeur")
    if value is None or isinstance(value, (bool, Mapping, list)) or not str(value).strip():
        errors.add(file, raw, qid, "choix sans « valeur » (texte)")
        return None
    label = _text(raw.get("libelle"))
    if not label:
        errors.add(file, raw, qid, f"le choix « {value} » n'a pas de « libelle »")
    return Choice(
        str(value).strip(), label, _text(raw.get("aide")), bool(raw.get("exclusif")), bool(raw.get("cache"))
    )


def _check_conditions(qn: Questionnaire, errors: _Errors) -> None:
    """Syntax, unknown ids and values, conditions only over earlier questions, no cycle.

    A group's condition may read questions of earlier groups; a question's condition may also
    read questions placed before it on the same page (the page is shown again when a newly
    visible question appears after submission).
    """
    vocab = qn.vocabulary()
    position: dict[str, tuple[int, int]] = {}
    for gi, g in enumerate(qn.groups):
        for qi, q in enumerate(g.questions):
            position[q.id] = (gi, qi)
    graph: dict[str, set[str]] = {}

    def resolve(fact: Fact) -> FactInfo | None:
        if (
            fact[0] == KIND_QUESTION
            and fact[1] in qn.questions
            and qn.questions[fact[1]].type == LOCALISATION
        ):
            return None
        return vocab.get(fact)

    owners = []
    for gi, g in enumerate(qn.groups):
        owners.append((GROUP_NODE + g.id, g.id, g.condition, g.file, line_of(g.condition, g.line), (gi, -1)))
        owners += [
            (q.id, q.id, q.condition, q.file, line_of(q.condition, q.line), (gi, qi))
            for qi, q in enumerate(g.questions)
        ]
    for node, ident, cond, file, line, _ in owners:
        if cond is None:
            continue
        for message in check(cond, resolve):
            errors.add(file, None, ident, message, line=line)
        graph[node] = {
            fid for kind, fid in referenced_facts(cond) if kind == KIND_QUESTION and fid in qn.questions
        }
    group_of = {q.id: q.group_id for q in qn.questions.values()}
    cycles: list[list[str]] = []
    in_cycle: set[str] = set()
    for node, *_ in owners:
        if node in in_cycle or node not in graph:
            continue
        path = _find_cycle(node, graph, group_of)
        if path:
            cycles.append(path)
            in_cycle |= set(path)
    for node, ident, cond, file, line, (gi, qi) in owners:
        if cond is None or node in in_cycle:
            continue
        for dep in sorted(graph.get(node, ())):
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
            errors.add(file, None, ident, f"la condition lit « {dep} », posée {where}", line=line)
    for path in cycles:
        start = path[0]
        owner = qn.group(start[len(GROUP_NODE) :]) if start.startswith(GROUP_NODE) else qn.questions[start]
        shown = [p[len(GROUP_NODE) :] if p.startswith(GROUP_NODE) else p for p in path]
        errors.add(
            owner.file,
            None,
            shown[0],
            "cycle dans les conditions : " + " → ".join(shown + [shown[0]]),
            line=line_of(owner.condition, owner.line),
        )


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


def _check_cnig(qn: Questionnaire, errors: _Errors) -> None:
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


# Unreachability: can the condition ever be true? Brute force over small domains.

_MAX_COMBINATIONS = 20000


def _domain(fact: Fact, info: FactInfo, conditions: list[Any]) -> list[Any]:
    values: list[Any] = [None]
    if info.type in ("nombre",):
        thresholds = _thresholds(fact, conditions)
        for t in thresholds:
            values += [t - 1, t, t + 1]
        values.append(0)
    elif info.type == "booleen":
        values += [True, False]
    elif info.choices:
        single = list(info.choices)
        values += [[v] for v in single] if info.type == "choix_multiple" else single
    else:
        values += _mentioned(fact, conditions) + ["__autre__"]
    return values


def _atom_fact(atom: Mapping) -> Fact | None:
    for kind in (KIND_QUESTION, KIND_TERRITORY):
        if kind in atom:
            return kind, str(atom[kind])
    return None


def _thresholds(fact: Fact, conditions: list[Any]) -> list[float]:
    found = []
    for cond in conditions:
        for atom in atoms(cond):
            if _atom_fact(atom) == fact:
                for op in NUMERIC_OPERATORS:
                    if op in atom and _number(atom[op]) is not None:
                        found.append(_number(atom[op]))
    return found


def _mentioned(fact: Fact, conditions: list[Any]) -> list[Any]:
    found: list[Any] = []
    for cond in conditions:
        for atom in atoms(cond):
            if _atom_fact(atom) == fact:
                for op in OPERATORS:
                    if op in atom:
                        found += [v for v in _as_list(atom[op]) if not is_unknown(v)]
    return found


def can_be_true(condition: Any, vocabulary: Mapping[Fact, FactInfo]) -> bool | None:
    """True when some answers make ``condition`` true; None when too many combinations to try."""
    if condition is None:
        return True
    facts = sorted(referenced_facts(condition))
    domains = []
    for fact in facts:
        info = vocabulary.get(fact)
        if info is None:
            return None
        domains.append(_domain(fact, info, [condition]))
    total = 1
    for d in domains:
        total *= len(d)
        if total > _MAX_COMBINATIONS:
            return None
    for combo in itertools.product(*domains):
        if evaluate(condition, dict(zip(facts, combo, strict=True))).value is True:
            return True
    return False


def _check_reachable(qn: Questionnaire, errors: _Errors) -> None:
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


# --- scenarios: answers → expected visible questions, written by content editors ------------------

SCENARIO_KEYS = {
    "nom",
    "reponses",
    "territoire",
    "visibles",
    "masquees",
    "groupes_visibles",
    "groupes_masques",
}


def run_scenarios(
    questionnaire: Questionnaire, path: str | Path, display: str | None = None
) -> list[ContentError]:
    """Run one scenario file (a list of scenarios); return a ContentError per failed expectation.

    Each scenario gives answers (question id → stored value) and territory facts, and lists the
    questions and groups expected to be visible or hidden. Unknown ids are errors too.
    """
    name = display or str(path)
    try:
        doc = load_yaml(Path(path), name)
    except ContentInvalid as exc:
        return list(exc.errors)
    if not isinstance(doc, list):
        return [
            ContentError(name, line_of(doc, 1), None, "un fichier de scénarios est une liste de scénarios")
        ]
    errors: list[ContentError] = []
    for sc in doc:
        if not isinstance(sc, Mapping) or not _text(sc.get("nom")):
            errors.append(ContentError(name, line_of(sc), None, "chaque scénario a un « nom »"))
            continue
        label = _text(sc["nom"])
        line = line_of(sc)
        bad_keys = [k for k in sc if k not in SCENARIO_KEYS]
        if bad_keys:
            errors.append(
                ContentError(
                    name,
                    line,
                    label,
                    f"clé(s) inconnue(s) : {', '.join(map(str, bad_keys))} "
                    f"(possibles : {', '.join(sorted(SCENARIO_KEYS))})",
                )
            )
        answers = dict(sc.get("reponses") or {})
        territory = dict(sc.get("territoire") or {})
        unknown = [q for q in answers if q not in questionnaire.questions]
        unknown += [
            q
            for key in ("visibles", "masquees")
            for q in (sc.get(key) or [])
            if q not in questionnaire.questions
        ]
        unknown_groups = [
            g
            for key in ("groupes_visibles", "groupes_masques")
            for g in (sc.get(key) or [])
            if questionnaire.group(g) is None
        ]
        bad_territory = [t for t in territory if (KIND_TERRITORY, t) not in TERRITORY_VOCABULARY]
        if unknown or unknown_groups or bad_territory:
            what = [f"question(s) inconnue(s) : {', '.join(unknown)}"] if unknown else []
            what += [f"groupe(s) inconnu(s) : {', '.join(unknown_groups)}"] if unknown_groups else []
            what += (
                [f"fait(s) de territoire inconnu(s) : {', '.join(bad_territory)}"] if bad_territory else []
            )
            errors.append(ContentError(name, line, label, " ; ".join(what)))
            continue
        facts = questionnaire.facts(answers, territory)
        groups = {g.id for g in questionnaire.visible_groups(facts)}
        for qid in sc.get("visibles") or []:
            if not questionnaire.is_visible(qid, facts):
                errors.append(ContentError(name, line, label, f"la question « {qid} » devrait être posée"))
        for qid in sc.get("masquees") or []:
            if questionnaire.is_visible(qid, facts):
                errors.append(
                    ContentError(name, line, label, f"la question « {qid} » ne devrait pas être posée")
                )
        for gid in sc.get("groupes_visibles") or []:
            if gid not in groups:
                errors.append(ContentError(name, line, label, f"le groupe « {gid} » devrait être proposé"))
        for gid in sc.get("groupes_masques") or []:
            if gid in groups:
                errors.append(
                    ContentError(name, line, label, f"le groupe « {gid} » ne devrait pas être proposé")
                )
    return errors
