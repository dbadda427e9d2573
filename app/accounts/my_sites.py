"""The lines of « Mes sites »: each site of an account with its path progress (the portfolio's
own summary: phase reached, next step, next deadline, steps done), its last update, sorted and
filtered as asked."""

from __future__ import annotations

from datetime import date

from app.accounts.models import Account, SiteActivity
from app.geo import get_commune
from app.models import Site
from app.parcours.service import compute_for_site
from app.portfolio_core.summary import summarise


def last_update(site: Site):
    stamps = [site.updated_at]
    stamps += [a.updated_at for a in site.answers if a.updated_at]
    stamps += [s.updated_at for s in site.steps if s.updated_at]
    latest = SiteActivity.query.filter_by(site_id=site.id).order_by(SiteActivity.created_at.desc()).first()
    if latest is not None:
        stamps.append(latest.created_at)
    return max(s for s in stamps if s is not None)


def line(site: Site, role: str) -> dict:
    path, _ = compute_for_site(site)
    progress = {p.step_id: p.status for p in site.steps}
    summary = summarise(path, progress, site.answer_map())
    commune = get_commune(site.commune_code) if site.commune_code else None
    return {
        "site": site,
        "role": role,
        "commune": commune,
        "phase": summary["phase"],
        "next_step": summary["next_step"],
        "next_deadline": (
            date.fromisoformat(summary["next_deadline"]).strftime("%d/%m/%Y")
            if summary["next_deadline"]
            else None
        ),
        "next_deadline_scheme": summary["next_deadline_scheme"],
        "done": summary["done"],
        "steps": summary["steps"],
        "percent": round(100 * summary["done"] / summary["steps"]) if summary["steps"] else 0,
        "updated": last_update(site),
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
