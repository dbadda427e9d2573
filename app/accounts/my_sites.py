"""The lines of « Mes sites »: each site of an account with its path progress (the portfolio's
summary: phase reached, steps done), its next action and nearest date (the path page's
:func:`app.engine.plan.next_actions`), its last update, sorted and filtered as asked."""

from __future__ import annotations

from app.accounts.models import Account
from app.accounts.reminders import last_activity
from app.engine.plan import DeadlineKind, next_actions
from app.geo import get_commune
from app.models import Site
from app.parcours.service import compute_for_site
from app.portfolio_core.summary import summarise


def line(site: Site, role: str) -> dict:
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
        "updated": last_activity(site),
    }


def lines_for(
    account: Account, sort: str = "activite", role: str = "", text: str = "", phase: str = ""
) -> tuple[list[dict], list]:
    """(lines, phases of the account's sites) for ``account``; ``role``, ``phase`` (phase id
    reached) and ``text`` (in the name or the commune) filter."""
    lines = [line(m.site, m.role) for m in account.memberships if not role or m.role == role]
    phases = sorted({(item["phase"]["index"], item["phase"]["id"], item["phase"]["title"]) for item in lines})
    if phase:
        lines = [item for item in lines if item["phase"]["id"] == phase]
    if text:
        needle = text.lower()
        lines = [
            item
            for item in lines
            if needle in (item["site"].nom or "").lower()
            or needle in (getattr(item["commune"], "nom", "") or "").lower()
        ]
    if sort == "nom":
        lines.sort(key=lambda item: ((item["site"].nom or "").lower(), item["site"].id))
    elif sort == "avancement":
        lines.sort(key=lambda item: (-item["percent"], item["site"].id))
    else:
        lines.sort(key=lambda item: item["updated"], reverse=True)
    return lines, phases
