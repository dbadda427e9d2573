"""Questionnaire scenarios, written by content editors: answers → expected visible questions.
No Flask import.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from app.engine.conditions import KIND_TERRITORY
from app.engine.facts import TERRITORY_VOCABULARY
from app.engine.questionnaire.model import Questionnaire
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml


def _text(value) -> str:
    return "" if value is None else str(value).strip()


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
