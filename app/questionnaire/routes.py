"""Questionnaire pages: POST-redirect-GET, one group per page, every page addressable by URL."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for

from app.accounts.permissions import readers_see
from app.engine.questionnaire.model import LOCALISATION
from app.engine.questionnaire.page import client_rules, conditional_questions, evaluate_submission
from app.events import EventType, record
from app.extensions import db
from app.geo import get_commune
from app.models import utcnow
from app.sites.service import get_site_or_404, location_url

from . import bp
from .fields import build_field
from .service import (
    ORIGIN_FIELD,
    SEEN_FIELD,
    form_origin,
    get_questionnaire,
    read_origin,
    read_seen,
    save_answers,
    site_facts,
    territory_of,
)


def _neighbours(questionnaire, group, facts):
    """Visible groups, position of ``group`` among them, previous and next visible groups
    (in questionnaire order, even when ``group`` itself is hidden)."""
    visible = questionnaire.visible_groups(facts)
    order = {g.id: i for i, g in enumerate(questionnaire.groups)}
    here = order[group.id]
    previous = [g for g in visible if order[g.id] < here]
    following = [g for g in visible if order[g.id] > here]
    return visible, (previous[-1] if previous else None), (following[0] if following else None)


@bp.get("/sites/<token>/questionnaire")
def resume(token: str):
    site = get_site_or_404(token)
    questionnaire = get_questionnaire()
    facts = site_facts(site, questionnaire)
    visible = questionnaire.visible_groups(facts)
    if site.completed_at and not site.current_group:
        return redirect(url_for("questionnaire.summary", token=token))
    target = next((g for g in visible if g.id == site.current_group), None)
    if target is None and site.current_group and questionnaire.group(site.current_group):
        # The group became hidden: continue with the next visible one.
        _, _, target = _neighbours(questionnaire, questionnaire.group(site.current_group), facts)
        if target is None:
            return redirect(url_for("questionnaire.summary", token=token))
    target = target or (visible[0] if visible else None)
    if target is None:
        return redirect(url_for("questionnaire.summary", token=token))
    return redirect(url_for("questionnaire.group", token=token, group_id=target.id))


@bp.route("/sites/<token>/questionnaire/<group_id>", methods=["GET", "POST"])
def group(token: str, group_id: str):
    site = get_site_or_404(token)
    questionnaire = get_questionnaire()
    group = questionnaire.group(group_id)
    if group is None:
        abort(404)
    facts = site_facts(site, questionnaire)
    visible, previous, following = _neighbours(questionnaire, group, facts)
    if group not in visible:
        flash(
            "Cette partie du questionnaire ne concerne pas votre site, compte tenu de vos réponses.", "info"
        )
        if following:
            return redirect(url_for("questionnaire.group", token=token, group_id=following.id))
        return redirect(url_for("questionnaire.summary", token=token))
    questions = questionnaire.visible_questions(group, facts)
    back_to_summary = request.values.get("retour") == "synthese"
    answers = {a.question_id: a for a in site.answers}
    raw_values: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    conflicts: dict[str, str] = {}
    revealed: list[str] = []

    if request.method == "POST":
        action = request.form.get("action", "suivant")
        # Visibility follows the answers being submitted, not only the saved ones.
        submission = evaluate_submission(
            group,
            facts,
            {q.id: request.form.getlist(q.id) for q in group.questions if q.type != LOCALISATION},
            site.answer_map(),
            read_seen(request.form.get(SEEN_FIELD)),
        )
        answered = set(submission.values) | set(submission.errors)
        raw_values = {  # shown again as typed (a follow-up hidden now keeps what it held)
            q.id: request.form.getlist(q.id)
            for q in group.questions
            if q.id in answered or (q.id in submission.ignored and q.id in request.form)
        }
        errors = dict(submission.errors)
        conflicts = save_answers(
            site, submission.values, questionnaire, read_origin(request.form.get(ORIGIN_FIELD))
        )
        errors.update(conflicts)
        revealed = [q.id for q in submission.revealed]
        if (action == "precedent" and not conflicts) or (not errors and not revealed):
            return _after_save(site, questionnaire, group, action, back_to_summary)
        db.session.commit()  # valid answers of the page are kept even when another one is wrong
        answers = {a.question_id: a for a in site.answers}
        questions = submission.visible

    shown_ids = {q.id for q in questions}
    dynamic = {q.id for q in conditional_questions(group)}
    page_questions = [q for q in group.questions if q.id in shown_ids or q.id in dynamic]
    fields = [
        build_field(
            q,
            answers.get(q.id),
            raw_values.get(q.id) if q.id not in revealed else None,
            errors.get(q.id),
            hidden=q.id not in shown_ids,
            new=q.id in revealed,
        )
        for q in page_questions
    ]
    summary_errors = [
        {"href": f["error_href"], "label": f["p"]["label"], "message": f["p"]["error"]}
        for f in fields
        if f["p"]["error"]
    ]
    commune = _commune(site)
    return render_template(
        "questionnaire/group.html",
        site=site,
        group=group,
        fields=fields,
        errors=summary_errors,
        revealed=revealed,
        page_number=visible.index(group) + 1,
        pages=len(visible),
        previous=previous,
        following=following,
        back_to_summary=back_to_summary,
        commune=commune,
        location_url=location_url(token),
        origin=form_origin(group.questions, answers),
        seen=",".join(q.id for q in questions),
        rules=json.dumps(client_rules(group, facts), ensure_ascii=False, separators=(",", ":")),
    ), (409 if conflicts else 422 if errors else 200)


# A « lecteur » reads the answers on the summary, as text (the pages of the questionnaire are forms).
readers_see("questionnaire.summary", "questionnaire.resume", "questionnaire.group")

SAVED = "Vos réponses sont enregistrées."


def _after_save(site, questionnaire, group, action, back_to_summary):
    token = site.token
    db.session.flush()
    facts = site_facts(site, questionnaire)
    visible, previous, following = _neighbours(questionnaire, group, facts)
    flash(SAVED, "success")
    if action == "precedent":
        db.session.commit()
        if previous is None:
            return redirect(location_url(token))
        return redirect(url_for("questionnaire.group", token=token, group_id=previous.id))
    answers = site.answer_map()
    if back_to_summary:
        db.session.commit()
        return redirect(url_for("questionnaire.summary", token=token))
    if following is None:
        site.current_group = None
        if site.completed_at is None:
            site.completed_at = utcnow()
            record(EventType.QUESTIONNAIRE_DONE, site, {"questions": len(answers)})
        db.session.commit()
        return redirect(url_for("questionnaire.summary", token=token))
    site.current_group = following.id
    db.session.commit()
    return redirect(url_for("questionnaire.group", token=token, group_id=following.id))


def _commune(site):
    return get_commune(site.commune_code) if site.commune_code else None


@bp.get("/sites/<token>/synthese")
def summary(token: str):
    site = get_site_or_404(token)
    questionnaire = get_questionnaire()
    answers = {a.question_id: a for a in site.answers}
    facts = site_facts(site, questionnaire)
    sections = []
    for g in questionnaire.visible_groups(facts):
        rows = []
        for q in questionnaire.visible_questions(g, facts):
            if q.type == LOCALISATION:
                continue
            a = answers.get(q.id)
            rows.append(
                {"question": q, "answer": a, "value": questionnaire.label_of(q.id, a.value) if a else None}
            )
        sections.append(
            {
                "group": g,
                "rows": rows,
                "has_location": any(
                    q.type == LOCALISATION for q in questionnaire.visible_questions(g, facts)
                ),
            }
        )
    effective = questionnaire.effective_answers(site.answer_map(), territory_of(site))
    ignored = [
        {
            "label": questionnaire.questions[a.question_id].label,
            "value": questionnaire.label_of(a.question_id, a.value),
        }
        for a in site.answers
        if a.question_id in questionnaire.questions and a.question_id not in effective
    ]
    retired = [
        {"label": a.question_label or a.question_id, "value": a.value_label or str(a.value)}
        for a in site.answers
        if a.question_id not in questionnaire.questions
    ]
    return render_template(
        "questionnaire/summary.html",
        site=site,
        sections=sections,
        ignored=ignored,
        retired=retired,
        commune=_commune(site),
        location_url=location_url(token),
    )
