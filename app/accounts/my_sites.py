"""The lines of « Mes sites »: each site of an account with its path progress (the portfolio's
summary: phase reached, steps done), its next action and nearest date (the path page's
:func:`app.engine.plan.next_actions`), its last update, sorted and filtered as asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import selectinload

from app.accounts.models import Account, SiteMember
from app.accounts.reminders import last_activities, last_activity
from app.engine.plan import DeadlineKind, next_actions
from app.geo import get_commune
from app.models import Site
from app.parcours.service import compute_for_site
from app.portfolio_core.summary import summarise


def line(site: Site, role: str, updated: datetime | None = None) -> dict:
    """The line of ``site``; ``updated`` is its :func:`last_activity` when already known."""
    path, _ = compute_for_site(site)
    progress = {p.step_id: p.status for p in site.steps}
    summary = summarise(path, progress, site.answer_map())
    actions = next_actions(path, {p.step_id: p for p in site.steps}, n=1)
    action = actions[0] if actions else None
    commune = get_commune(site.commune_code) if site.commune_code else None
    return {
        "site": site,
        "role": role,
        "commune": commune,
        "phase": summary["phase"],
        # the path page's own next action (app.engine.plan) and its nearest date
        "next_step": {"id": action.step.id, "title": action.step.step.title} if action else None,
        "next_deadline": action.deadline.label
        if action and action.deadline.kind != DeadlineKind.NONE
        else None,
        "done": summary["done"],
        "to_check": summary["to_check"],
        "steps": summary["steps"],
        "percent": round(100 * summary["done"] / summary["steps"]) if summary["steps"] else 0,
        "updated": updated if updated is not None else last_activity(site),
    }


WITH_TRACKING = (selectinload(Site.answers), selectinload(Site.steps))


def lines_of(pairs: list[tuple[Site, str]]) -> list[dict]:
    """The lines of many (site, role) pairs, the sites loaded with their answers and tracking
    (:data:`WITH_TRACKING`): a fixed number of queries, whatever the number of sites."""
    updated = last_activities([site for site, _ in pairs])
    return [line(site, role, updated[site.id]) for site, role in pairs]


def lines_for(
    account: Account, sort: str = "activite", role: str = "", text: str = "", phase: str = ""
) -> tuple[list[dict], list]:
    """(lines, phases of the account's sites) for ``account``; ``role``, ``phase`` (phase id
    reached) and ``text`` (in the name or the commune) filter."""
    memberships = (
        SiteMember.query.filter_by(account_id=account.id)
        .options(*(selectinload(SiteMember.site).options(option) for option in WITH_TRACKING))
        .order_by(SiteMember.id)
    )
    items = lines_of([(m.site, m.role) for m in memberships if not role or m.role == role])
    phases = sorted({(item["phase"]["index"], item["phase"]["id"], item["phase"]["title"]) for item in items})
    if phase:
        items = [item for item in items if item["phase"]["id"] == phase]
    if text:
        needle = text.lower()
        items = [
            item
            for item in items
            if needle in (item["site"].nom or "").lower()
            or needle in (getattr(item["commune"], "nom", "") or "").lower()
        ]
    if sort == "nom":
        items.sort(key=lambda item: ((item["site"].nom or "").lower(), item["site"].id))
    elif sort == "avancement":
        items.sort(key=lambda item: (-item["percent"], item["site"].id))
    else:
        items.sort(key=lambda item: item["updated"], reverse=True)
    return items, phases
