"""Reading ``questionnaires/*.yaml``: one parser per block (file, group, question, choice,
validation rules); the whole-questionnaire checks run once every file is read.

YAML keys are French (editors write them), attributes English: this module is the translation
point. Raises :class:`ContentInvalid` listing every error with its file, line and id.
No Flask import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.engine.conditions import _number
from app.engine.questionnaire.checks import Errors, check_questionnaire
from app.engine.questionnaire.model import (
    ANNEE,
    CHOIX_MULTIPLE,
    CHOIX_UNIQUE,
    LOCALISATION,
    NOMBRE,
    OUI_NON,
    OUI_NON_CHOICES,
    TEXTE_COURT,
    TYPES,
    UNKNOWN,
    Choice,
    Group,
    Question,
    Questionnaire,
)
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

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


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def load_questionnaire(directory: str | Path, display_root: str | Path | None = None) -> Questionnaire:
    """Load every ``*.yaml`` file of ``directory`` (name order; sub-folders such as
    ``scenarios/`` are not read) and validate the whole questionnaire.

    Raises :class:`ContentInvalid` listing every error with its file, line and id.
    """
    directory = Path(directory)
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
    builder = _Builder()
    for path in files:
        for raw in _raw_groups(path, display(path), builder.errors):
            builder.add(raw, display(path))
    questionnaire = Questionnaire(builder.groups, builder.questions)
    errors = builder.errors
    if not errors.items:
        check_questionnaire(questionnaire, errors)
    if errors.items:
        raise ContentInvalid(errors.items)
    return questionnaire


def _raw_groups(path: Path, name: str, errors: Errors) -> list[Any]:
    """The ``groupes:`` list of one file (empty, with the error reported, when it is unreadable)."""
    try:
        doc = load_yaml(path, name)
    except ContentInvalid as exc:
        errors.items += exc.errors
        return []
    if not isinstance(doc, Mapping) or "groupes" not in doc:
        errors.add(
            name,
            doc,
            None,
            "le fichier doit commencer par « groupes: » suivi de la liste des groupes",
            line=line_of(doc, 1),
        )
        return []
    extra = [k for k in doc if k != "groupes"]
    if extra:
        errors.add(name, doc, None, f"clé(s) inconnue(s) au premier niveau : {', '.join(map(str, extra))}")
    raw_groups = doc["groupes"]
    if not isinstance(raw_groups, list) or not raw_groups:
        errors.add(name, doc, None, "« groupes » doit être une liste non vide")
        return []
    return raw_groups


class _Builder:
    """Groups and questions of every file, with ids unique across the questionnaire."""

    def __init__(self) -> None:
        self.errors = Errors()
        self.groups: list[Group] = []
        self.questions: dict[str, Question] = {}
        self.group_seen: dict[str, str] = {}

    def add(self, raw: Any, name: str) -> None:
        group = _parse_group(raw, name, self.errors)
        if group is None:
            return
        if group.id in self.group_seen:
            self.errors.add(
                name,
                raw,
                group.id,
                f"identifiant de groupe en double (déjà utilisé dans {self.group_seen[group.id]})",
            )
            return
        self.group_seen[group.id] = f"{name}, ligne {group.line}"
        for q in list(group.questions):
            if q.id in self.questions:
                other = self.questions[q.id]
                self.errors.add(
                    name,
                    None,
                    q.id,
                    f"identifiant de question en double (déjà utilisé dans {other.file}, ligne {other.line})",
                    line=q.line,
                )
                group.questions.remove(q)
            else:
                self.questions[q.id] = q
        self.groups.append(group)


def _parse_group(raw: Any, file: str, errors: Errors) -> Group | None:
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


def _parse_question(raw: Any, gid: str, file: str, errors: Errors) -> Question | None:
    if not isinstance(raw, Mapping):
        errors.add(file, raw, gid, "une question doit être un bloc (id, type, libelle…)")
        return None
    qid = _text(raw.get("id"))
    if not qid:
        errors.add(file, raw, None, "question sans « id »")
        return None
    n = len(errors.items)
    q = _question_fields(raw, qid, gid, file, errors)
    if q.type in (CHOIX_UNIQUE, CHOIX_MULTIPLE):
        _parse_choices(q, raw, file, errors)
    elif raw.get("choix") is not None:
        errors.add(file, raw, qid, f"« choix » n'a pas de sens pour une question de type « {q.type} »")
    if q.type == OUI_NON:
        q.choices = [Choice(v, lab) for v, lab in OUI_NON_CHOICES]
    _parse_answer_flags(q, raw, file, errors)
    rules = raw.get("validation")
    if rules is not None:
        _parse_rules(q, raw, rules, file, errors)
    if q.type == ANNEE and q.integer is False:
        q.integer = True
    if len(errors.items) > n and not ID_RE.match(qid):
        return None
    return q


def _question_fields(raw: Mapping, qid: str, gid: str, file: str, errors: Errors) -> Question:
    """The id, keys, type and texts every question has."""
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
    serves = _parse_serves(raw, qid, file, errors)
    extra_text: dict[str, str] = {}
    for key in ("hors_parcours", "libelle_court"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            errors.add(file, raw, qid, f"« {key} » doit être une phrase (texte non vide)")
        extra_text[key] = _text(value) if isinstance(value, str) else ""
    return Question(
        id=qid,
        type=qtype,
        label=label,
        group_id=gid,
        hint=_text(raw.get("indice")),
        why=_text(raw.get("pourquoi")),
        how=_text(raw.get("comment_trouver")),
        unit=_text(raw.get("unite")),
        condition=raw.get("si"),
        serves=serves,
        file=file,
        line=line_of(raw),
        justification=extra_text["hors_parcours"],
        short_label=extra_text["libelle_court"],
    )


def _parse_serves(raw: Mapping, qid: str, file: str, errors: Errors) -> list[str]:
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
        return []
    return [_text(s) for s in serves if _text(s)]


def _parse_choices(q: Question, raw: Mapping, file: str, errors: Errors) -> None:
    """``choix`` of a choix_unique or choix_multiple question."""
    raw_choices = raw.get("choix")
    if not isinstance(raw_choices, list) or not raw_choices:
        errors.add(file, raw, q.id, f"une question « {q.type} » doit avoir une liste « choix » non vide")
        return
    seen: set[str] = set()
    for rc in raw_choices:
        choice = _parse_choice(rc, q.id, file, errors)
        if choice is None:
            continue
        if choice.value in seen:
            errors.add(file, rc, q.id, f"valeur de choix « {choice.value} » en double")
            continue
        seen.add(choice.value)
        q.choices.append(choice)
    if len([c for c in q.choices if not c.hidden]) < 2 and q.type == CHOIX_UNIQUE:
        errors.add(file, raw, q.id, "une question à choix unique doit proposer au moins deux réponses")


def _flag(raw: Mapping, key: str, qid: str, file: str, errors: Errors) -> bool | None:
    """A true/false key; None when absent or not a boolean (reported)."""
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        errors.add(file, raw, qid, f"« {key} » vaut true ou false")
        return None
    return value


def _parse_answer_flags(q: Question, raw: Mapping, file: str, errors: Errors) -> None:
    """« Je ne sais pas »: always on oui/non, on by default for choices, opt-in for numbers and
    years. « obligatoire »: on by default for single choices and oui/non, never on the map."""
    dont_know = _flag(raw, "je_ne_sais_pas", q.id, file, errors)
    if q.type == OUI_NON:
        q.dont_know = True
    elif q.type in (CHOIX_UNIQUE, CHOIX_MULTIPLE, NOMBRE, ANNEE):
        q.dont_know = bool(dont_know) if dont_know is not None else q.type in (CHOIX_UNIQUE, CHOIX_MULTIPLE)
        if any(c.value == UNKNOWN for c in q.choices):
            q.dont_know = True
    required = _flag(raw, "obligatoire", q.id, file, errors)
    q.required = bool(required) if required is not None else q.type in (CHOIX_UNIQUE, OUI_NON)
    if q.type == LOCALISATION:
        q.required = False


def _parse_rules(q: Question, raw: Mapping, rules: Any, file: str, errors: Errors) -> None:
    """``validation``: bounds for numbers and years, integers, the length of a short text."""
    if not isinstance(rules, Mapping):
        errors.add(file, raw, q.id, "« validation » doit être un bloc (min, max, entier, longueur_max)")
        return
    bad = [k for k in rules if k not in VALIDATION_KEYS]
    if bad:
        errors.add(
            file,
            rules,
            q.id,
            f"règle(s) de validation inconnue(s) : {', '.join(map(str, bad))} "
            f"(possibles : {', '.join(sorted(VALIDATION_KEYS))})",
        )
    _parse_bounds(q, rules, file, errors)
    if "entier" in rules:
        if not isinstance(rules["entier"], bool) or q.type != NOMBRE:
            errors.add(file, rules, q.id, "« entier » vaut true ou false, pour une question « nombre »")
        else:
            q.integer = rules["entier"]
    if "longueur_max" in rules:
        value = rules["longueur_max"]
        if q.type != TEXTE_COURT or not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.add(
                file, rules, q.id, "« longueur_max » est un entier positif, pour une question « texte_court »"
            )
        else:
            q.max_length = value


def _parse_bounds(q: Question, rules: Mapping, file: str, errors: Errors) -> None:
    numeric = q.type in (NOMBRE, ANNEE)
    for key in ("min", "max"):
        if key not in rules:
            continue
        if not numeric:
            errors.add(file, rules, q.id, f"« {key} » ne s'applique qu'aux nombres et aux années")
        elif _number(rules[key]) is None or isinstance(rules[key], str):
            errors.add(file, rules, q.id, f"« {key} » doit être un nombre, reçu {rules[key]!r}")
        else:
            setattr(q, key, float(rules[key]))
    if q.min is not None and q.max is not None and q.min > q.max:
        errors.add(
            file, rules, q.id, f"bornes incohérentes : min ({q.min:g}) est supérieur à max ({q.max:g})"
        )


def _parse_choice(raw: Any, qid: str, file: str, errors: Errors) -> Choice | None:
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
