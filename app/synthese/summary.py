"""What the council summary says, computed from a site's path (no Flask import).

A thin layer over :mod:`app.engine.plan` (the same next actions, interlocutors, funding and
phase progress as the path page), shaped for the summary templates: :func:`summarise` turns the
computed path, the step tracking and the answers into one :class:`Summary` — progress, the next
three actions (whom to call, nearest date), every contact once grouped by kind of body, the
funding listed once with its status and date (soonest first), and the open questions (the
answers that would settle the steps still « à vérifier »).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.engine import plan
from app.engine.catalogs import SchemeStatus
from app.engine.parcours import APPLICABLE, PathResult, SchemeResult
from app.pages.formats import date_fr

NEXT_ACTIONS = 3


def french_date(value: date) -> str:
    return date_fr(value)  # one French date format for pages and the PDF (app/pages/formats.py)


@dataclass
class Action:
    step_id: str
    title: str
    phase: str
    to_check: bool
    reason: str | None
    contacts: list[str]
    deadline: plan.Deadline | None  # None when nothing on the step carries a date
    state: str  # a_faire | en_cours


@dataclass
class ContactLine:
    id: str
    name: str
    url: str
    note: str | None
    directory: bool
    steps: list[str] = field(default_factory=list)


@dataclass
class ContactGroup:
    type_id: str
    title: str  # the kind of body (« Préfecture », « Établissement public foncier »…)
    role: str  # what it does for a friche, in one sentence
    contacts: list[ContactLine]


@dataclass
class Funding:
    id: str
    name: str
    funder: str
    status: str  # ouvert | a_venir
    status_label: str
    deadline: date | None
    to_check: bool
    url: str
    steps: list[str]


@dataclass
class OpenQuestion:
    label: str
    steps: list[str]


@dataclass
class PhaseLine:
    title: str
    done: int
    total: int
    current: bool


@dataclass
class Summary:
    today: date
    total: int
    done: int
    next_title: str | None
    actions: list[Action]
    contacts: list[ContactGroup]
    funding: list[Funding]
    questions: list[OpenQuestion]
    to_check: list[str]  # titles of the steps still « à vérifier »
    phases: list[PhaseLine]
    warnings: list[str]


def scheme_status_label(f: SchemeResult) -> str:
    """The scheme's status in words, as on the path page's badges."""
    t = f.timing
    if f.status == SchemeStatus.UPCOMING:
        if t.confirmed:
            return f"À venir — ouverture le {french_date(t.opens)}" if t.opens else "À venir"
        if f.scheme.calendar.recurrence == "permanent":
            return "Disponibilité à confirmer auprès du financeur"
        if t.last_deadline:
            return (
                f"Prochaine édition non publiée — la précédente s'est close le {french_date(t.last_deadline)}"
            )
        return "Prochaine édition non publiée"
    if f.status == SchemeStatus.OPEN:
        return f"Ouvert jusqu'au {french_date(t.closes)}" if t.closes else "Ouvert"
    return "Clos"


def _words(text: str) -> str:
    return " ".join((text or "").split())


def summarise(result: PathResult, progress: Mapping[str, plan.Tracked]) -> Summary:
    """``progress``: step id → its tracking (a ``StepProgress`` row or a :class:`plan.Tracking`)."""
    phases = plan.phase_summary(result, progress)
    generic = {s.id: p.generic_reasons for p in phases for s in p.steps}
    actions = [
        Action(
            a.id,
            a.step.step.title,
            a.step.phase.title,
            a.step.status != APPLICABLE,
            plan.card_reason(a.step, generic.get(a.id, ())),
            [c.name for c in a.contacts],
            a.deadline if a.deadline.kind != plan.DeadlineKind.NONE else None,
            "en_cours" if a.in_progress else "a_faire",
        )
        for a in plan.next_actions(result, progress, NEXT_ACTIONS)
    ]
    groups = [
        ContactGroup(
            role.type.id,
            _words(role.type.name),
            _words(role.type.role),
            [
                ContactLine(
                    i.contact.id,
                    i.contact.name,
                    i.contact.url,
                    i.contact.note,
                    i.contact.directory,
                    [s.step.title for s in i.steps],
                )
                for i in role.contacts
            ],
        )
        for role in plan.interlocutors(result)
    ]
    funding = [
        Funding(
            f.id,
            f.scheme.scheme.name,
            f.scheme.scheme.funder,
            str(f.scheme.status),
            scheme_status_label(f.scheme),
            f.deadline.day
            if f.deadline.kind in (plan.DeadlineKind.CLOSING, plan.DeadlineKind.OPENING)
            else None,
            f.scheme.eligibility == "a_verifier",
            f.scheme.scheme.url,
            [s.step.title for s in f.steps],
        )
        for f in plan.funding(result)
    ]
    todo = [s for s in result.steps if not plan.is_done(s.id, progress)]
    questions: dict[str, OpenQuestion] = {}
    for s in todo:
        for m in s.missing:
            q = questions.setdefault(m.key, OpenQuestion(m.label, []))
            if s.step.title not in q.steps:
                q.steps.append(s.step.title)
    return Summary(
        today=result.today,
        total=len(result.steps),
        done=sum(p.done for p in phases),
        next_title=actions[0].title if actions else None,
        actions=actions,
        contacts=groups,
        funding=funding,
        # The answers that settle the most steps first (stable: path order among equals).
        questions=sorted(questions.values(), key=lambda q: -len(q.steps)),
        to_check=[s.step.title for s in todo if s.status != APPLICABLE],
        phases=[PhaseLine(p.phase.title, p.done, p.total, p.current) for p in phases],
        warnings=list(result.warnings),
    )
