"""Content scenarios: one format, one runner, used by ``flask content check`` and by the tests.

A scenario file (``questionnaires/scenarios/*.yaml``, format in ``docs/contenu.md``) is a list of
scenarios. Each gives answers (stored values: « inconnu » for « Je ne sais pas »), optionally
territory facts and a date, and says what must follow:

- on the questionnaire: ``visibles`` / ``masquees`` (questions), ``groupes_visibles`` /
  ``groupes_masques`` (groups);
- on the path: ``etapes`` (the exact list of steps, in order), ``presentes`` / ``absentes``
  (steps), ``statuts`` (step → applicable | a_verifier), ``a_preciser`` (step → the questions
  that would settle it), ``pourquoi_contient`` (step → a text one of its reasons contains),
  ``financements`` (scheme → status, or a block of its fields), ``financements_absents``,
  ``financements_etape`` and ``contacts`` (step → the schemes or contacts attached, in order).

A scenario with ``question`` and ``quand`` proves that the question changes the path: each answer
listed under ``quand`` has its own expectations, and those answers must give at least two
different paths. Facts are built as on the path page (answers to questions the questionnaire does
not ask are ignored). Every path computed also keeps the engine's promises: each step explains
itself, never the same reason twice, no closed scheme attached to a step, a step « à vérifier »
names what would settle it and never a question the user is not asked.

Failures are :class:`ContentError` with the file, the scenario's line and its name. No Flask
import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.engine.conditions import KIND_TERRITORY
from app.engine.facts import TERRITORY_VOCABULARY, build_facts
from app.engine.parcours import A_VERIFIER, PathEngine, PathResult
from app.engine.questionnaire.model import Questionnaire
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

QUESTIONNAIRE_EXPECTATIONS = ("visibles", "masquees", "groupes_visibles", "groupes_masques")
PATH_EXPECTATIONS = (
    "etapes",
    "presentes",
    "absentes",
    "statuts",
    "a_preciser",
    "pourquoi_contient",
    "financements",
    "financements_absents",
    "financements_etape",
    "contacts",
)
SCENARIO_KEYS = {"nom", "date", "reponses", "territoire", "question", "quand"}
SCENARIO_KEYS |= set(QUESTIONNAIRE_EXPECTATIONS) | set(PATH_EXPECTATIONS)
SCHEME_FIELDS: dict[str, Callable[[Any], Any]] = {
    "statut": lambda s: str(s.status),
    "eligibilite": lambda s: s.eligibility,
    "jours_restants": lambda s: s.days_left,
    "calendrier_confirme": lambda s: s.timing.confirmed,
    "date_limite": lambda s: s.timing.closes,
    "derniere_date_limite": lambda s: s.timing.last_deadline,
}


def _plain(value: Any) -> Any:
    """Dates compare as AAAA-MM-JJ, however the scenario wrote them."""
    return value.isoformat() if isinstance(value, date) else value


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _ids(values: Any) -> list[str]:
    return [str(v) for v in values or []]


@dataclass
class _Case:
    """One computation of a scenario: its answers and what they must give."""

    answers: dict[str, Any]
    expected: Mapping[str, Any]
    label: str


@dataclass
class Runner:
    """Runs scenario files against a questionnaire and, for path expectations, a path engine.

    ``questionnaire`` may be None (catalogs tested alone, e.g. a test fixture): answers are then
    read as facts directly. ``today`` is the date of scenarios that do not give their own.
    """

    questionnaire: Questionnaire | None
    engine: PathEngine | None
    today: date
    catalogs_broken: bool = False  # path expectations are then skipped (the catalogs' errors say why)

    def run_file(self, path: str | Path, display: str | None = None) -> list[ContentError]:
        """Every failed expectation of one scenario file."""
        name = display or str(path)
        try:
            doc = load_yaml(Path(path), name)
        except ContentInvalid as exc:
            return list(exc.errors)
        if not isinstance(doc, list):
            return [
                ContentError(
                    name, line_of(doc, 1), None, "un fichier de scénarios est une liste de scénarios"
                )
            ]
        errors: list[ContentError] = []
        for sc in doc:
            if not isinstance(sc, Mapping) or not _text(sc.get("nom")):
                errors.append(ContentError(name, line_of(sc), None, "chaque scénario a un « nom »"))
                continue
            line, label = line_of(sc), _text(sc["nom"])
            errors += [ContentError(name, line, label, message) for message in self.run(sc)]
        return errors

    def run(self, sc: Mapping) -> list[str]:
        """French messages for one scenario (empty when everything it states holds)."""
        problems = self._unknown(sc)
        if problems:
            return problems
        today = sc.get("date") or self.today
        if not isinstance(today, date):
            return [f"« date » doit être une date AAAA-MM-JJ (reçu {today!r})"]
        territory = dict(sc.get("territoire") or {})
        messages: list[str] = []
        signatures = set()
        for case in self._cases(sc):
            facts = self._facts(case.answers, territory)
            messages += [case.label + m for m in self._questionnaire_checks(case.expected, facts)]
            if self.engine is not None and (
                sc.get("question") or any(k in case.expected for k in PATH_EXPECTATIONS)
            ):
                result = self.engine.compute(facts, today=today)
                signatures.add(tuple((s.id, str(s.status)) for s in result.steps))
                messages += [case.label + m for m in self._path_checks(case.expected, result, facts)]
        if sc.get("question") and self.engine is not None and len(signatures) < 2:
            messages.append(f"les réponses à « {sc['question']} » donnent toutes le même parcours")
        return messages

    # --- reading ---------------------------------------------------------------------------------

    def _unknown(self, sc: Mapping) -> list[str]:
        messages = []
        bad_keys = [k for k in sc if k not in SCENARIO_KEYS]
        if bad_keys:
            messages.append(
                f"clé(s) inconnue(s) : {', '.join(map(str, bad_keys))} (possibles : {', '.join(sorted(SCENARIO_KEYS))})"
            )
        if self.engine is None and not self.catalogs_broken and any(k in sc for k in PATH_EXPECTATIONS):
            messages.append("attentes sur le parcours sans catalogues (dossier data/) pour le calculer")
        if sc.get("question") and not isinstance(sc.get("quand"), Mapping):
            messages.append("« question » va avec « quand » : pour chaque réponse, ce qu'elle doit donner")
        if self.questionnaire is None:
            return messages
        qn = self.questionnaire
        cases = [c.answers for c in self._cases(sc)] if not messages else [dict(sc.get("reponses") or {})]
        answered = {q for answers in cases for q in answers}
        unknown = sorted(q for q in answered if q not in qn.questions)
        unknown += [q for key in ("visibles", "masquees") for q in _ids(sc.get(key)) if q not in qn.questions]
        groups = [g for key in ("groupes_visibles", "groupes_masques") for g in _ids(sc.get(key))]
        unknown_groups = [g for g in groups if qn.group(g) is None]
        bad_territory = [
            t for t in sc.get("territoire") or {} if (KIND_TERRITORY, t) not in TERRITORY_VOCABULARY
        ]
        if unknown:
            messages.append(f"question(s) inconnue(s) : {', '.join(unknown)}")
        if unknown_groups:
            messages.append(f"groupe(s) inconnu(s) : {', '.join(unknown_groups)}")
        if bad_territory:
            messages.append(f"fait(s) de territoire inconnu(s) : {', '.join(bad_territory)}")
        return [" ; ".join(messages)] if messages else []

    def _cases(self, sc: Mapping) -> list[_Case]:
        answers = dict(sc.get("reponses") or {})
        question = sc.get("question")
        if not question:
            return [_Case(answers, sc, "")]
        cases = []
        for raw, expected in (sc.get("quand") or {}).items():
            value = yaml.safe_load(raw) if str(raw).startswith("[") else raw
            cases.append(_Case({**answers, str(question): value}, expected or {}, f"[{question} = {raw}] "))
        return cases

    def _facts(self, answers: Mapping[str, Any], territory: Mapping[str, Any]) -> dict:
        if self.questionnaire is None:
            return build_facts(dict(answers), territory)
        return self.questionnaire.facts(answers, territory)

    # --- expectations ----------------------------------------------------------------------------

    def _questionnaire_checks(self, expected: Mapping, facts: Mapping) -> list[str]:
        qn = self.questionnaire
        if qn is None:
            return []
        groups = {g.id for g in qn.visible_groups(facts)}
        messages = [
            f"la question « {q} » devrait être posée"
            for q in _ids(expected.get("visibles"))
            if not qn.is_visible(q, facts)
        ]
        messages += [
            f"la question « {q} » ne devrait pas être posée"
            for q in _ids(expected.get("masquees"))
            if qn.is_visible(q, facts)
        ]
        messages += [
            f"le groupe « {g} » devrait être proposé"
            for g in _ids(expected.get("groupes_visibles"))
            if g not in groups
        ]
        messages += [
            f"le groupe « {g} » ne devrait pas être proposé"
            for g in _ids(expected.get("groupes_masques"))
            if g in groups
        ]
        return messages

    def _path_checks(self, expected: Mapping, result: PathResult, facts: Mapping) -> list[str]:
        steps = {s.id: s for s in result.steps}
        schemes = {s.id: s for s in result.schemes}
        messages = []
        if "etapes" in expected and [s.id for s in result.steps] != _ids(expected["etapes"]):
            messages.append(
                f"étapes obtenues : {', '.join(steps)} ; attendues : {', '.join(_ids(expected['etapes']))}"
            )
        messages += [
            f"l'étape « {s} » devrait être proposée"
            for s in _ids(expected.get("presentes"))
            if s not in steps
        ]
        messages += [
            f"l'étape « {s} » ne devrait pas être proposée"
            for s in _ids(expected.get("absentes"))
            if s in steps
        ]
        for sid, status in (expected.get("statuts") or {}).items():
            if sid not in steps:
                messages.append(f"l'étape « {sid} » devrait être proposée (« {status} »)")
            elif str(steps[sid].status) != status:
                messages.append(f"l'étape « {sid} » est « {steps[sid].status} », attendu « {status} »")
        for sid, keys in (expected.get("a_preciser") or {}).items():
            got = [m.key for m in steps[sid].missing] if sid in steps else None
            if got != _ids(keys):
                messages.append(f"l'étape « {sid} » est à préciser par {got}, attendu {_ids(keys)}")
        for sid, text in (expected.get("pourquoi_contient") or {}).items():
            if sid not in steps or not any(text in r for r in steps[sid].reasons):
                messages.append(f"aucune raison de l'étape « {sid} » ne contient « {text} »")
        messages += self._scheme_checks(expected, schemes)
        for key, attached in (
            ("financements_etape", lambda s: [x.id for x in s.schemes]),
            ("contacts", lambda s: [c.id for c in s.contacts]),
        ):
            for sid, ids in (expected.get(key) or {}).items():
                got = attached(steps[sid]) if sid in steps else None
                if got != _ids(ids):
                    messages.append(f"« {key} » de l'étape « {sid} » : {got}, attendu {_ids(ids)}")
        return messages + self._promises(result, facts)

    def _scheme_checks(self, expected: Mapping, schemes: Mapping[str, Any]) -> list[str]:
        messages = [
            f"le financement « {f} » ne devrait pas être proposé"
            for f in _ids(expected.get("financements_absents"))
            if f in schemes
        ]
        for fid, fields in (expected.get("financements") or {}).items():
            if fid not in schemes:
                messages.append(f"le financement « {fid} » devrait être proposé")
                continue
            wanted = fields if isinstance(fields, Mapping) else {"statut": fields}
            for key, value in wanted.items():
                read = SCHEME_FIELDS.get(key)
                if read is None:
                    messages.append(
                        f"champ de financement inconnu « {key} » (possibles : {', '.join(SCHEME_FIELDS)})"
                    )
                elif _plain(read(schemes[fid])) != _plain(value):
                    messages.append(
                        f"financement « {fid} », « {key} » : {read(schemes[fid])!r}, attendu {value!r}"
                    )
        return messages

    def _promises(self, result: PathResult, facts: Mapping) -> list[str]:
        """What every path keeps, whatever the scenario states."""
        messages = []
        for step in result.steps:
            if not step.reasons or len(step.reasons) != len(set(step.reasons)):
                messages.append(
                    f"l'étape « {step.id} » ne s'explique pas ou répète une raison : {step.reasons}"
                )
            if any(str(s.status) == "clos" for s in step.schemes):
                messages.append(f"un financement clos est rattaché à l'étape « {step.id} »")
            if step.status == A_VERIFIER:
                if not step.missing:
                    messages.append(f"l'étape « {step.id} » est à vérifier sans dire ce qui la préciserait")
                hidden = [
                    m.id
                    for m in step.missing
                    if m.kind == "question"
                    and self.questionnaire
                    and not self.questionnaire.is_visible(m.id, facts)
                ]
                if hidden:
                    messages.append(
                        f"l'étape « {step.id} » est à préciser par une question non posée : {', '.join(hidden)}"
                    )
        return messages


def run_scenarios(
    questionnaire: Questionnaire | None,
    path: str | Path,
    display: str | None = None,
    engine: PathEngine | None = None,
    today: date | None = None,
) -> list[ContentError]:
    """Run one scenario file; a ContentError per failed expectation."""
    return Runner(questionnaire, engine, today or date.today()).run_file(path, display)
