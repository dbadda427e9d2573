"""Glue between the questionnaire engine and the database (needs an app context)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.content import current_content
from app.engine.questionnaire import LOCALISATION, Questionnaire
from app.extensions import db
from app.geo import territory_facts
from app.models import Answer, Site


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


def save_answers(site: Site, values: dict[str, Any], questionnaire: Questionnaire) -> None:
    """Store answers (None removes one) with the labels shown at answer time; a typed answer
    replaces a pre-filled one (its source is cleared)."""
    existing = {a.question_id: a for a in site.answers}
    for qid, value in values.items():
        question = questionnaire.questions[qid]
        if question.type == LOCALISATION:
            continue
        answer = existing.get(qid)
        if qid == "site_nom":
            site.nom = value
        if value is None:
            if answer is not None:
                site.answers.remove(answer)
                db.session.delete(answer)
            continue
        if answer is None:
            answer = Answer(site=site, question_id=qid)
            db.session.add(answer)
        elif answer.value == value and answer.source:
            continue  # a pre-fill confirmed as is keeps its source
        answer.value = value
        answer.question_label = question.label
        answer.value_label = questionnaire.label_of(qid, value)
        answer.source = None


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
