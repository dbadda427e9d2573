"""What the council summary says, computed from a site's path (no Flask import).

:func:`summarise` turns the computed path (:class:`~app.engine.parcours.PathResult`), the step
tracking and the answers into one :class:`Summary`: the site in a few lines, progress, the next
three actions (whom to call, nearest deadline), every contact once grouped by role, the funding
that is not closed with its status and deadline (soonest first), and the open questions (the
answers that would settle the steps still « à vérifier »).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.engine.catalogs import SchemeStatus
from app.engine.parcours import PathResult, SchemeResult, StepResult

DONE = ("fait", "non_concerne")
NEXT_ACTIONS = 3
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(value: date) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


@dataclass
class Deadline:
    day: date
    what: str  # « Fonds vert — clôture »

    @property
    def label(self) -> str:
        return f"{self.what} le {french_date(self.day)}"


@dataclass
class Action:
    step_id: str
    title: str
    phase: str
    to_check: bool
    reason: str | None
    contacts: list[str]
    deadline: Deadline | None
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
            return f"Prochaine édition non publiée — dernière date limite : {french_date(t.last_deadline)}"
        return "Prochaine édition non publiée"
    if f.status == SchemeStatus.OPEN:
        return f"Ouvert jusqu'au {french_date(t.closes)}" if t.closes else "Ouvert"
    return "Clos"


def scheme_deadline(f: SchemeResult) -> Deadline | None:
    """The next date that matters for a scheme: its closing when open, its opening when a
    confirmed edition is coming; None when no date is known."""
    t = f.timing
    if f.status == SchemeStatus.OPEN and t.closes:
        return Deadline(t.closes, f"{f.scheme.name} — clôture")
    if f.status == SchemeStatus.UPCOMING and t.confirmed and t.opens:
        return Deadline(t.opens, f"{f.scheme.name} — ouverture")
    return None


def _nearest(step: StepResult) -> Deadline | None:
    found = [d for d in (scheme_deadline(f) for f in step.schemes) if d is not None]
    return min(found, key=lambda d: d.day) if found else None


def _reason(step: StepResult) -> str | None:
    return step.reasons[0] if step.reasons else None


def summarise(result: PathResult, tracking: dict[str, str]) -> Summary:
    """``tracking``: step id → state (à faire, en cours, fait, non concerné)."""
    steps = result.steps
    done = sum(1 for s in steps if tracking.get(s.id) in DONE)
    todo = [s for s in steps if tracking.get(s.id) not in DONE]
    actions = [
        Action(
            s.id,
            s.step.title,
            s.phase.title,
            s.status == "a_verifier",
            _reason(s),
            [c.name for c in s.contacts],
            _nearest(s),
            tracking.get(s.id) or "a_faire",
        )
        for s in todo[:NEXT_ACTIONS]
    ]
    # Every contact once, in the order of the path, grouped by role (order of first meeting).
    lines: dict[str, ContactLine] = {}
    groups_by_type: dict[str, ContactGroup] = {}
    for s in steps:
        for c in s.contacts:
            line = lines.get(c.id)
            if line is None:
                line = lines[c.id] = ContactLine(c.id, c.name, c.url, c.note, c.directory)
                group = groups_by_type.get(c.type.id)
                if group is None:
                    group = groups_by_type[c.type.id] = ContactGroup(
                        c.type.id, " ".join(c.type.name.split()), " ".join((c.role or "").split()), []
                    )
                group.contacts.append(line)
            if s.step.title not in line.steps:
                line.steps.append(s.step.title)
    groups = list(groups_by_type.values())
    # Funding: what is not closed, soonest date first (no date last), each once.
    used: dict[str, list[str]] = {}
    for s in steps:
        for f in s.schemes:
            used.setdefault(f.id, []).append(s.step.title)
    funding = [
        Funding(
            f.id,
            f.scheme.name,
            f.scheme.funder,
            str(f.status),
            scheme_status_label(f),
            d.day if (d := scheme_deadline(f)) else None,
            f.eligibility == "a_verifier",
            f.scheme.url,
            used.get(f.id, []),
        )
        for f in result.schemes
        if f.available
    ]
    funding.sort(key=lambda f: (f.deadline is None, f.deadline or date.max, f.name))
    # Open questions: the answers that would settle the steps still « à vérifier ».
    questions: dict[str, OpenQuestion] = {}
    for s in todo:
        for m in s.missing:
            q = questions.setdefault(m.key, OpenQuestion(m.label, []))
            if s.step.title not in q.steps:
                q.steps.append(s.step.title)
    phases = [
        PhaseLine(g.phase.title, sum(1 for s in g.steps if tracking.get(s.id) in DONE), len(g.steps))
        for g in result.by_phase()
    ]
    return Summary(
        today=result.today,
        total=len(steps),
        done=done,
        next_title=todo[0].step.title if todo else None,
        actions=actions,
        contacts=groups,
        funding=funding,
        questions=list(questions.values()),
        to_check=[s.step.title for s in todo if s.status == "a_verifier"],
        phases=phases,
        warnings=list(result.warnings),
    )
