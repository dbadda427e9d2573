"""Views of a read-only share link: the same templates as the private pages, in their read-only
mode (``read_only`` in the template context). ``GET`` only; the site comes from ``g.read_only``,
set by the check that runs before every request under ``/lecture/<secret>``.

Statistics: a step page shown here counts one « etape_vue » like any step page (the step id,
never the site: app.ressources.routes.count_step_views). The site and path pages count nothing:
every event tied to a site makes it « active » on /stats, and a reader is not the site's team."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, g

from app.parcours.routes import render_path, render_step, step_or_404
from app.sites.routes import render_site

from . import bp


def _read_only():
    read_only = g.get("read_only")
    if read_only is None:  # never without the check (app.accounts.permissions)
        abort(404)
    return read_only


@bp.get("/lecture/<secret>")
def site(secret: str):
    read_only = _read_only()
    return render_site(read_only.site, read_only)


@bp.get("/lecture/<secret>/parcours")
def path(secret: str):
    html, _ = render_path(_read_only().site, date.today())
    return Response(html, mimetype="text/html")


@bp.get("/lecture/<secret>/parcours/etapes/<step_id>")
def step(secret: str, step_id: str):
    site = _read_only().site
    found, territoire = step_or_404(site, step_id)
    return render_step(site, found, territoire)
