"""What to do next on a computed path: the next actions, the interlocutors listed once, the
funding listed once, and the progress of each phase. No Flask import.

Every function reads a :class:`app.engine.parcours.PathResult` (already resolved for the
site's territory) and, where it matters, the site's step tracking: a mapping step id → an
object with ``status`` and ``date`` (a ``StepProgress`` row or a :class:`Tracking`).

Dates are never invented: a deadline comes from a scheme's published calendar (a confirmed
closing or opening date) or from a date the user typed on a step; otherwise it says « Date non
publiée ». ``today`` is always the path's own date unless given, never the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from app.engine.catalogs import ContactType, Phase, SchemeStatus
from app.engine.parcours import ALWAYS, APPLICABLE, ContactResult, PathResult, SchemeResult, StepResult

DONE = frozenset({"fait", "non_concerne"})
GENERIC_MIN = 3  # a reason shared by this many steps of a phase is said once, in its intro


class Tracked(Protocol):
    """A step's tracking as the site stores it."""

    @property
    def status(self) -> str: ...

    @property
    def date(self) -> date | None: ...


@dataclass(frozen=True)
class Tracking:
    """A step's tracking without the database (tests, API)."""

    status: str
    date: date | None = None


Progress = Mapping[str, Tracked]


class DeadlineKind(StrEnum):
    CLOSING = "cloture"  # a published closing date of an open call
    OPENING = "ouverture"  # a published opening date of a confirmed edition
    PLANNED = "prevue"  # a date the user typed on the step
    PERMANENT = "permanent"  # open with no closing date (statutory or permanent offer)
    UNPUBLISHED = "non_publiee"  # the next date is not published
    NONE = "aucune"  # nothing on this step carries a date


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    day: date | None = None
    scheme: SchemeResult | None = None  # the scheme whose calendar gives the date, if any
    last_deadline: date | None = None  # for an unpublished date: the last known one

    @property
    def label(self) -> str:
        """One French phrase, e.g. « Date limite : 30/04/2027 » or « Date non publiée »."""
        if self.kind == DeadlineKind.CLOSING and self.day:
            return f"Date limite : {_fr(self.day)}"
        if self.kind == DeadlineKind.OPENING and self.day:
            return f"Ouverture le {_fr(self.day)}"
        if self.kind == DeadlineKind.PLANNED and self.day:
            return f"Date prévue : {_fr(self.day)}"
        if self.kind == DeadlineKind.PERMANENT:
            return "Sans date limite"
        if self.kind == DeadlineKind.UNPUBLISHED:
            if self.last_deadline:
                return f"Date non publiée (l'édition précédente s'est close le {_fr(self.last_deadline)})"
            return "Date non publiée"
        return "Pas de date limite connue"

    def sort_key(self) -> tuple:
        """Dated first (soonest first), then permanent, then unpublished, then none."""
        rank = {
            DeadlineKind.PERMANENT: 1,
            DeadlineKind.UNPUBLISHED: 2,
            DeadlineKind.NONE: 3,
        }.get(self.kind, 0)
        return (rank, self.day or date.max)


NO_DEADLINE = Deadline(DeadlineKind.NONE)


def scheme_deadline(scheme: SchemeResult, today: date) -> Deadline:
    """The next date of a scheme from its calendar as computed for ``today``."""
    t = scheme.timing
    if t.status == SchemeStatus.OPEN:
        if t.closes and t.closes >= today:
            return Deadline(DeadlineKind.CLOSING, t.closes, scheme)
        if t.closes is None and scheme.scheme.calendar.recurrence == "permanent":
            return Deadline(DeadlineKind.PERMANENT, scheme=scheme)
    elif t.status == SchemeStatus.UPCOMING and t.confirmed and t.opens and t.opens >= today:
        return Deadline(DeadlineKind.OPENING, t.opens, scheme)
    return Deadline(DeadlineKind.UNPUBLISHED, scheme=scheme, last_deadline=t.last_deadline)


def is_done(step_id: str, progress: Progress) -> bool:
    entry = progress.get(step_id)
    return entry is not None and entry.status in DONE


def step_deadline(step: StepResult, progress: Progress, today: date) -> Deadline:
    """The nearest date of a step: a future date the user typed, or the soonest date of its
    funding schemes; « Date non publiée » when its schemes publish none."""
    candidates = [scheme_deadline(s, today) for s in step.schemes]
    entry = progress.get(step.id)
    if entry is not None and entry.date and entry.date >= today and entry.status not in DONE:
        candidates.append(Deadline(DeadlineKind.PLANNED, entry.date))
    return min(candidates, key=Deadline.sort_key, default=NO_DEADLINE)


# --- next actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    step: StepResult
    contacts: tuple[ContactResult, ...]
    deadline: Deadline
    in_progress: bool  # the user marked it « en cours »

    @property
    def id(self) -> str:
        return self.step.id


def next_actions(path: PathResult, progress: Progress, n: int = 3, today: date | None = None) -> list[Action]:
    """The next ``n`` steps not done, in path order: applicable steps first considered, steps
    « à vérifier » only when fewer than ``n`` applicable ones remain."""
    today = today or path.today
    todo = [s for s in path.steps if not is_done(s.id, progress)]
    chosen = [s for s in todo if s.status == APPLICABLE][:n]
    if len(chosen) < n:
        chosen += [s for s in todo if s.status != APPLICABLE][: n - len(chosen)]
        chosen.sort(key=lambda s: s.step.order)
    return [_action(s, progress, today) for s in chosen]


def _action(step: StepResult, progress: Progress, today: date) -> Action:
    entry = progress.get(step.id)
    return Action(
        step,
        tuple(step.contacts),
        step_deadline(step, progress, today),
        entry is not None and entry.status == "en_cours",
    )


# --- interlocutors -------------------------------------------------------------------------------


def contact_anchor(contact: ContactResult) -> str:
    """The HTML id of a contact in the interlocutors section (contact ids are URL-safe)."""
    return f"contact-{contact.id}"


@dataclass
class Interlocutor:
    contact: ContactResult
    steps: list[StepResult] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return contact_anchor(self.contact)


@dataclass
class Role:
    """The contacts of one kind of organisation (contact type), each once."""

    type: ContactType
    contacts: list[Interlocutor] = field(default_factory=list)


def interlocutors(path: PathResult) -> list[Role]:
    """Every contact of the path once, grouped by contact type, types in order of first need;
    each with the steps that name it, in path order."""
    roles: dict[str, Role] = {}
    seen: dict[str, Interlocutor] = {}
    for step in path.steps:
        for contact in step.contacts:
            found = seen.get(contact.id)
            if found is None:
                found = seen[contact.id] = Interlocutor(contact)
                roles.setdefault(contact.type.id, Role(contact.type)).contacts.append(found)
            if step not in found.steps:
                found.steps.append(step)
    return list(roles.values())


# --- funding -------------------------------------------------------------------------------------


@dataclass
class Funding:
    scheme: SchemeResult
    deadline: Deadline
    steps: list[StepResult] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.scheme.id


def funding(path: PathResult, today: date | None = None) -> list[Funding]:
    """The schemes attached to the path's steps (available ones: the engine never attaches a
    closed scheme), each once with its next date and the steps it serves; soonest date first,
    schemes without a published date last."""
    today = today or path.today
    lines: dict[str, Funding] = {}
    for step in path.steps:
        for scheme in step.schemes:
            line = lines.get(scheme.id)
            if line is None:
                line = lines[scheme.id] = Funding(scheme, scheme_deadline(scheme, today))
            line.steps.append(step)
    order = {sid: i for i, sid in enumerate(lines)}
    return sorted(lines.values(), key=lambda f: (f.deadline.sort_key(), order[f.id]))


def closed_schemes(path: PathResult) -> list[SchemeResult]:
    """Eligible schemes that are closed: cited for context only."""
    return [s for s in path.schemes if s.status == SchemeStatus.CLOSED]


# --- phases --------------------------------------------------------------------------------------


@dataclass
class PhaseSummary:
    phase: Phase
    steps: list[StepResult]
    done: int
    current: bool  # the first phase with a step not done
    generic_reasons: list[str]  # said once in the phase intro, not on each card

    @property
    def total(self) -> int:
        return len(self.steps)


def generic_reasons(steps: Iterable[StepResult]) -> list[str]:
    """Reasons said once for a group of steps: the default « useful for every site » reason and
    any reason shared by at least :data:`GENERIC_MIN` of them, in order of first use."""
    counts: dict[str, int] = {}
    for step in steps:
        for reason in dict.fromkeys(step.reasons):
            counts[reason] = counts.get(reason, 0) + 1
    return [r for r, n in counts.items() if r == ALWAYS or n >= GENERIC_MIN]


def phase_summary(path: PathResult, progress: Progress) -> list[PhaseSummary]:
    out: list[PhaseSummary] = []
    current_found = False
    for group in path.by_phase():
        done = sum(1 for s in group.steps if is_done(s.id, progress))
        current = not current_found and done < len(group.steps)
        current_found = current_found or current
        out.append(PhaseSummary(group.phase, group.steps, done, current, generic_reasons(group.steps)))
    return out


def card_reason(step: StepResult, generic: Iterable[str] = ()) -> str | None:
    """The one reason shown on a step's card: its first reason not said in the phase intro."""
    said = set(generic)
    return next((r for r in step.reasons if r not in said), None)
