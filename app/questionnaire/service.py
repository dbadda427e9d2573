"""Glue between the questionnaire engine and the database (needs an app context)."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask, current_app

from app.engine.content_check import check_content_and_load
from app.engine.questionnaire import LOCALISATION, Questionnaire
from app.engine.yamlsrc import ContentInvalid
from app.extensions import db
from app.models import Answer, Site

from .cli import content_root


class BrokenContent(RuntimeError):
    """The app refuses to start: the content has errors (each names its file, line and id)."""


def _running_content_check() -> bool:
    """``flask content check`` must be able to report errors itself instead of failing at start."""
    args = sys.argv[1:]
    return any(a == "content" and args[i + 1 : i + 2] == ["check"] for i, a in enumerate(args))


def load_checked_content(app: Flask) -> Questionnaire | None:
    if _running_content_check():
        return None
    questionnaire, errors = check_content_and_load(content_root(app))
    if errors:
        listing = "\n".join(f"  - {e}" for e in errors)
        raise BrokenContent(f"Contenu invalide : l'application ne démarre pas.\n{listing}")
    app.extensions["questionnaire"] = questionnaire
    return questionnaire


def get_questionnaire() -> Questionnaire:
    """The questionnaire of the running app (loaded once, at start or on first use)."""
    app = current_app
    questionnaire = app.extensions.get("questionnaire")
    if questionnaire is None:
        questionnaire, errors = check_content_and_load(content_root(app))
        if questionnaire is None:
            raise ContentInvalid(errors)
        app.extensions["questionnaire"] = questionnaire
    return questionnaire


def territory_of(site: Site) -> dict[str, Any]:
    """Territory facts of the site's commune (empty until the site is located)."""
    if not site.commune_code:
        return {}
    try:
        from app.geo import territory_facts
    except ImportError:
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
