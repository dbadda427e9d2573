"""Glue between the questionnaire engine and the database (needs an app context)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app

from app.content import current_content
from app.engine.questionnaire.model import LOCALISATION, Questionnaire
from app.extensions import db
from app.geo import territory_facts
from app.models import Answer, Site, upsert


def get_questionnaire() -> Questionnaire:
    """The questionnaire of the running app."""
    return current_content().questionnaire


def territory_of(site: Site) -> dict[str, Any]:
    """Territory facts of the site's commune (empty until the site is located)."""
    if not site.commune_code:
        return {}
    try:
        return territory_facts(site.commune_code) or {}
    except Exception:  # territory data missing: treat as unknown, never break the questionnaire
        current_app.logger.exception("territory facts unavailable for %s", site.commune_code)
        return {}


def site_facts(site: Site, questionnaire: Questionnaire | None = None) -> dict:
    """Facts for the rules: visible answers + territory (hidden answers are kept but ignored)."""
    questionnaire = questionnaire or get_questionnaire()
    return questionnaire.facts(site.answer_map(), territory_of(site))


ORIGIN_FIELD = "_origine"  # hidden form field: the answers as the form showed them (JSON)
SEEN_FIELD = "questions_affichees"  # hidden form field: the questions the page showed (ids, comma-separated)
_UNKNOWN = object()


def read_seen(raw: str | None) -> list[str] | None:
    """The questions the submitted page showed (kept current by questionnaire.js), or None when
    the form sent none: the server then takes those visible with the saved answers."""
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",")[:500] if part.strip()]


def form_origin(questions, answers: dict[str, Answer]) -> str:
    """What the form shows, for :func:`save_answers` to tell what the user changed: the stored
    value of each question of the page (null when unanswered), as JSON."""
    return json.dumps(
        {q.id: answers[q.id].value if q.id in answers else None for q in questions if q.type != LOCALISATION},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def read_origin(raw: str | None) -> dict | None:
    """The form's origin, or None when the form sent none (or garbage): every value then
    counts as changed, as before origins existed."""
    try:
        origin = json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        return None
    return origin if isinstance(origin, dict) else None


def conflict_message(questionnaire: Questionnaire, qid: str, theirs, mine) -> str:
    def shown(value) -> str:
        return f"« {questionnaire.label_of(qid, value)} »" if value is not None else "aucune réponse"

    return (
        f"Pendant que vous remplissiez cette page, quelqu'un d'autre a enregistré {shown(theirs)} "
        f"pour cette question ; vous aviez saisi {shown(mine)}. Votre saisie est affichée : "
        "gardez-la ou remplacez-la par l'autre réponse, puis enregistrez."
    )


def save_answers(
    site: Site, values: dict[str, Any], questionnaire: Questionnaire, origin: dict | None = None
) -> dict[str, str]:
    """Store the answers the user changed (None removes one) with the labels shown at answer
    time; a typed answer replaces a pre-filled one (its source is cleared).

    ``origin`` is what the form showed (:func:`form_origin`): a value equal to it was not
    changed and is not written, so an old form never overwrites nor deletes what someone else
    saved meanwhile. A changed value whose stored answer also changed since the form was shown
    is not written either: it is returned as a conflict (question id → French message showing
    both values), for the user to choose. Writes are upserts: two first saves of the same
    answer at the same moment both succeed."""
    existing = {a.question_id: a for a in site.answers}
    conflicts: dict[str, str] = {}
    for qid, value in values.items():
        question = questionnaire.questions[qid]
        if question.type == LOCALISATION:
            continue
        answer = existing.get(qid)
        stored = answer.value if answer is not None else None
        if origin is not None:
            shown = origin.get(qid, _UNKNOWN)
            if shown is not _UNKNOWN and value == shown:
                continue  # not changed by this user
            if shown is not _UNKNOWN and stored != shown and stored != value:
                conflicts[qid] = conflict_message(questionnaire, qid, stored, value)
                continue
        if qid == "site_nom":
            site.nom = value
        if value is None:
            if answer is not None:
                db.session.query(Answer).filter_by(site_id=site.id, question_id=qid).delete()
                del existing[qid]
            continue
        if answer is not None and answer.value == value and answer.source:
            continue  # a pre-fill confirmed as is keeps its source
        upsert(
            Answer,
            {"site_id": site.id, "question_id": qid},
            {
                "value": value,
                "question_label": question.label,
                "value_label": questionnaire.label_of(qid, value),
                "source": None,
            },
        )
    for answer in existing.values():  # rows written by statements: reload them when read
        db.session.expire(answer)
    db.session.expire(site, ["answers"])
    return conflicts


def progress_of(site: Site, questionnaire: Questionnaire, facts: dict) -> dict:
    """Answered / visible questions, for the dashboard."""
    answers = site.answer_map()
    visible = [
        q
        for g in questionnaire.visible_groups(facts)
        for q in questionnaire.visible_questions(g, facts)
        if q.type != LOCALISATION
    ]
    answered = [q for q in visible if q.id in answers]
    return {
        "answered": len(answered),
        "total": len(visible),
        "percent": round(100 * len(answered) / len(visible)) if visible else 0,
        "completed": site.completed_at is not None,
    }
