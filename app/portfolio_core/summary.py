"""One line of the portfolio per site: phase reached, next step, next deadline, and the
« par où commencer » score with its plain-French explanation. No Flask import.

The score only reads what the inventory and the computed path say; it never invents a cost.
It starts at 100 and loses points for each thing that makes the first steps heavier or
uncertain (each becomes a sentence of the explanation), and gains a few when the next step
has an open funding or a project already exists. Weights are documented in
docs/architecture.md (« Portefeuilles »).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.engine.catalogs import SchemeStatus
from app.engine.parcours import PathStatus

DONE = {"fait", "non_concerne"}
PHASE_DONE = {"id": "termine", "title": "Toutes les étapes faites", "index": 99}

# (question, values) → (points lost, sentence). Read from the answers, in this order.
HEAVY = [
    ("sol_pollution_existe", {"pollution avérée"}, 30, "la pollution des sols est avérée"),
    ("sol_pollution_existe", {"pollution supposée"}, 15, "une pollution des sols est supposée"),
    ("bati_pollution", {"amiante"}, 10, "de l'amiante est signalé dans les bâtiments"),
    ("bati_pollution", {"plomb"}, 5, "du plomb est signalé dans les bâtiments"),
    ("bati_etat", {"dégradation très importante"}, 10, "les bâtiments sont très dégradés"),
    ("bati_etat", {"dégradation hétérogène"}, 5, "une partie des bâtiments est très dégradée"),
    (
        "site_occupation",
        {"occupation illicite supposée", "occupation illicite avérée"},
        10,
        "le site est occupé sans droit",
    ),
    ("bati_patrimoine", {"présence d'un bâtiment classé"}, 10, "un bâtiment est classé monument historique"),
    (
        "urba_zone_type",
        {"A", "N"},
        15,
        "le terrain est en zone agricole ou naturelle du document d'urbanisme",
    ),
]
LIGHT = [
    (
        "sol_pollution_existe",
        {"pollution inexistante", "pollution peu probable", "pollution traitée"},
        "aucune pollution des sols n'est connue",
    ),
    ("bati_nombre", {0}, "le terrain est nu, sans bâtiment à traiter"),
    ("urba_zone_type", {"U"}, "le terrain est en zone urbaine du document d'urbanisme"),
]
POINTS_PER_UNKNOWN = 2
MAX_UNKNOWN_PENALTY = 20
PROJECT_BONUS = 10
FUNDING_BONUS = 5


def _has(answers: dict, qid: str, values: set) -> bool:
    value = answers.get(qid)
    if isinstance(value, list):
        return any(v in values for v in value)
    return value in values


def _only(answers: dict, qid: str, value: str) -> bool:
    """The answer is ``value`` alone (a multiple-choice answer may hold several values)."""
    given = answers.get(qid)
    return (given if isinstance(given, list) else [given]) == [value]


def _next_deadline(todo: list, today: date) -> tuple[date | None, str | None]:
    """The nearest closing date of an open scheme attached to a step still to do, and its name."""
    deadline, deadline_scheme = None, None
    for s in todo:
        for sch in s.schemes:
            closes = sch.timing.closes
            if (
                sch.status == SchemeStatus.OPEN
                and closes
                and closes >= today
                and (deadline is None or closes < deadline)
            ):
                deadline, deadline_scheme = closes, sch.scheme.name
    return deadline, deadline_scheme


def summarise(path, progress: dict[str, str], answers: dict[str, Any], today: date | None = None) -> dict:
    """The portfolio line of one site. ``path`` is an :class:`app.engine.parcours.PathResult`,
    ``progress`` maps step ids to the user's status, ``answers`` the effective answers."""
    today = today or path.today
    steps = path.steps
    todo = [s for s in steps if progress.get(s.id) not in DONE]
    nxt = todo[0] if todo else None
    phase = (
        {"id": nxt.phase.id, "title": nxt.phase.title, "index": nxt.phase.index} if nxt else dict(PHASE_DONE)
    )
    deadline, deadline_scheme = _next_deadline(todo, today)
    to_check = sum(1 for s in todo if s.status == PathStatus.TO_CHECK)

    score = 100
    heavy, light = [], []
    for qid, values, points, sentence in HEAVY:
        if _has(answers, qid, values) and sentence not in heavy:
            if qid == "urba_zone_type" and _only(answers, "usage", "renaturation"):
                continue
            score -= points
            heavy.append(sentence)
    for qid, values, sentence in LIGHT:
        if _has(answers, qid, values):
            light.append(sentence)
    unknown_penalty = min(MAX_UNKNOWN_PENALTY, POINTS_PER_UNKNOWN * to_check)
    score -= unknown_penalty
    if answers.get("site_statut") == "friche avec projet" or answers.get("avancement") in (
        "programme_defini",
        "operationnel",
    ):
        score += PROJECT_BONUS
        light.append("un projet existe déjà")
    funded = bool(nxt and any(sch.status == SchemeStatus.OPEN for sch in nxt.schemes))
    if funded:
        score += FUNDING_BONUS
        light.append("une aide est ouverte pour la prochaine étape")

    parts = []
    if nxt is None:
        parts.append("Toutes les étapes du parcours sont faites ou écartées.")
    else:
        parts.append(f"Prochaine étape : « {nxt.step.title} ».")
    if light:
        parts.append("Atouts : " + ", ".join(light) + ".")
    if heavy:
        parts.append("À prévoir : " + ", ".join(heavy) + ".")
    if to_check:
        parts.append(
            f"{to_check} étape{'s' if to_check > 1 else ''} dépend{'ent' if to_check > 1 else ''} "
            "d'informations manquantes : complétez la fiche du site pour les confirmer."
        )
    if not heavy and not to_check and nxt is not None:
        parts.insert(1, "Rien de lourd n'est signalé pour commencer.")
    return {
        "phase": phase,
        "next_step": {"id": nxt.step.id, "title": nxt.step.title} if nxt else None,
        "next_deadline": deadline.isoformat() if deadline else None,
        "next_deadline_scheme": deadline_scheme,
        "steps": len(steps),
        "done": len(steps) - len(todo),
        "to_check": to_check,
        "score": max(0, score),
        "heavy": heavy,
        "light": light,
        "explanation": " ".join(parts),
    }
