"""Next actions, interlocutors, funding and phase progress (app/engine/plan.py) on the shipped
content and the audit's Loos-en-Gohelle journey, on a fixed day."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.engine import plan
from app.engine.catalogs import Calendar, Edition, SchemeStatus
from app.engine.parcours import ALWAYS
from app.engine.plan import DeadlineKind, Tracking
from tests.parcours import journey


@pytest.fixture(scope="module")
def path(content):
    return journey.compute(content)


def _with_calendar(content, scheme_id: str, calendar: Calendar):
    """The journey's path computed over the shipped catalogs with one scheme's calendar changed."""
    cat = content.catalogs
    schemes = dict(cat.schemes)
    schemes[scheme_id] = dataclasses.replace(schemes[scheme_id], calendar=calendar)
    changed = dataclasses.replace(cat, schemes=schemes)
    return journey.compute(dataclasses.replace(content, catalogs=changed))


def _edition(opens: date | None, closes: date | None) -> Calendar:
    return Calendar(
        "annuelle", Edition("https://www.ecologie.gouv.fr/", date(2026, 11, 1), 2027, opens, closes)
    )


def test_next_actions_are_the_first_three_steps_not_done_with_their_contacts(path):
    actions = plan.next_actions(path, {})
    assert [a.id for a in actions] == [s.id for s in path.steps[:3]]
    first = actions[0]
    assert first.step.step.title == "Rassembler ce que l'on sait déjà du site"
    # Contacts resolved for the territory: the Pas-de-Calais DDTM, not a national directory.
    assert "ddt-62" in [c.id for c in first.contacts]


def test_next_actions_skip_done_and_not_concerned_steps(path):
    ids = [s.id for s in path.steps]
    progress = {
        ids[0]: Tracking("fait", date(2026, 11, 3)),
        ids[1]: Tracking("non_concerne"),
        ids[2]: Tracking("en_cours"),
    }
    actions = plan.next_actions(path, progress)
    assert [a.id for a in actions] == ids[2:5]
    assert [a.in_progress for a in actions] == [True, False, False]


def test_steps_to_check_only_fill_in_when_applicable_ones_run_out(path):
    applicable = [s for s in path.steps if s.status == "applicable"]
    to_check = [s for s in path.steps if s.status == "a_verifier"]
    assert to_check, "the journey has steps « à vérifier » (ICPE unknown)"
    progress = {s.id: Tracking("fait") for s in applicable[:-1]}
    actions = plan.next_actions(path, progress)
    assert applicable[-1].id in [a.id for a in actions]
    assert len(actions) == 3
    assert [a.step.step.order for a in actions] == sorted(a.step.step.order for a in actions)


def test_unpublished_dates_are_said_so_never_invented(path):
    # On the audit's day no scheme of the journey has a published next date.
    first = plan.next_actions(path, {})[0]
    assert first.deadline.kind == DeadlineKind.UNPUBLISHED
    assert first.deadline.day is None
    assert first.deadline.label.startswith("Date non publiée")
    # A step with no scheme has no date at all.
    no_scheme = next(s for s in path.steps if not s.schemes)
    assert plan.step_deadline(no_scheme, {}, journey.TODAY).label == "Pas de date limite connue"


def test_nearest_deadline_is_the_soonest_published_closing_date(content):
    path = _with_calendar(
        content, "fonds-vert-recyclage-foncier", _edition(date(2026, 11, 15), date(2027, 3, 31))
    )
    step = next(s for s in path.steps if s.id == "acquisition-amiable")
    deadline = plan.step_deadline(step, {}, journey.TODAY)
    assert (deadline.kind, deadline.day) == (DeadlineKind.CLOSING, date(2027, 3, 31))
    assert deadline.label == "Date limite : 31/03/2027"
    assert deadline.scheme.id == "fonds-vert-recyclage-foncier"


def test_a_date_the_user_typed_wins_when_sooner_and_past_dates_are_ignored(content):
    path = _with_calendar(
        content, "fonds-vert-recyclage-foncier", _edition(date(2026, 11, 15), date(2027, 3, 31))
    )
    step = next(s for s in path.steps if s.id == "acquisition-amiable")
    planned = plan.step_deadline(step, {step.id: Tracking("en_cours", date(2027, 1, 20))}, journey.TODAY)
    assert (planned.kind, planned.label) == (DeadlineKind.PLANNED, "Date prévue : 20/01/2027")
    past = plan.step_deadline(step, {step.id: Tracking("en_cours", date(2026, 6, 1))}, journey.TODAY)
    assert past.kind == DeadlineKind.CLOSING


def test_confirmed_opening_date_of_an_upcoming_edition(content):
    path = _with_calendar(content, "detr", _edition(date(2027, 1, 10), None))
    scheme = next(s for s in path.schemes if s.id == "detr")
    assert scheme.status == SchemeStatus.UPCOMING
    deadline = plan.scheme_deadline(scheme, journey.TODAY)
    assert (deadline.kind, deadline.label) == (DeadlineKind.OPENING, "Ouverture le 10/01/2027")


def test_interlocutors_list_each_contact_once_grouped_by_role(path):
    roles = plan.interlocutors(path)
    listed = [i.contact.id for role in roles for i in role.contacts]
    assert len(listed) == len(set(listed))
    assert set(listed) == {c.id for s in path.steps for c in s.contacts}
    assert all(i.contact.type.id == role.type.id for role in roles for i in role.contacts)
    ddt = next(i for role in roles for i in role.contacts if i.contact.id == "ddt-62")
    assert [s.id for s in ddt.steps] == [s.id for s in path.steps if "ddt-62" in [c.id for c in s.contacts]]
    # The DDTM is needed on many steps (17 blocks in the audit): one entry with all of them.
    assert len(ddt.steps) >= 17
    assert ddt.anchor == "contact-ddt-62"
    # Roles come in the order the path first needs them.
    assert roles[0].type.id == path.steps[0].contacts[0].type.id


def test_funding_lists_each_scheme_once_with_the_steps_it_serves(path):
    lines = plan.funding(path)
    ids = [f.id for f in lines]
    assert len(ids) == len(set(ids))
    assert set(ids) == {f.id for s in path.steps for f in s.schemes}
    fonds_vert = next(f for f in lines if f.id == "fonds-vert-recyclage-foncier")
    assert [s.id for s in fonds_vert.steps] == [
        s.id for s in path.steps if "fonds-vert-recyclage-foncier" in [f.id for f in s.schemes]
    ]
    assert all(f.scheme.status != SchemeStatus.CLOSED for f in lines)


def test_funding_soonest_published_date_first_unknown_last(content):
    path = _with_calendar(content, "dsil", _edition(date(2026, 11, 1), date(2027, 2, 28)))
    lines = plan.funding(path)
    assert lines[0].id == "dsil"
    assert lines[0].deadline.label == "Date limite : 28/02/2027"
    kinds = [f.deadline.kind for f in lines]
    assert kinds[1:] == [DeadlineKind.UNPUBLISHED] * (len(lines) - 1)


def test_phase_summary_counts_and_current_phase(path):
    phases = plan.phase_summary(path, {})
    assert [p.phase.id for p in phases] == [
        "connaitre",
        "foncier",
        "diagnostiquer",
        "projet",
        "montage",
        "realiser",
    ]
    assert sum(p.total for p in phases) == len(path.steps)
    assert [p.current for p in phases] == [True] + [False] * 5
    first = phases[0]
    progress = {s.id: Tracking("fait") for s in first.steps}
    progress[phases[1].steps[0].id] = Tracking("non_concerne")
    again = plan.phase_summary(path, progress)
    assert (again[0].done, again[0].current) == (first.total, False)
    assert (again[1].done, again[1].current) == (1, True)


def test_all_done_means_no_current_phase(path):
    progress = {s.id: Tracking("fait") for s in path.steps}
    assert not any(p.current for p in plan.phase_summary(path, progress))
    assert plan.next_actions(path, progress) == []


def test_generic_reasons_are_said_once_per_phase_not_on_cards(path):
    for summary in plan.phase_summary(path, {}):
        for step in summary.steps:
            reason = plan.card_reason(step, summary.generic_reasons)
            assert reason not in summary.generic_reasons
            assert reason != ALWAYS
    connaitre = plan.phase_summary(path, {})[0]
    assert ALWAYS in connaitre.generic_reasons
