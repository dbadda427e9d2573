"""``/sites/<token>/synthese.pdf``: the council summary, generated on each request (private,
never stored by a cache), rate-limited per client (app.limits: CPU-heavy)."""

from __future__ import annotations

import re
import unicodedata

from flask import Response

from app.sites.service import get_site_or_404

from . import bp
from .pdf import render_pdf


def filename_for(site) -> str:
    name = unicodedata.normalize("NFKD", site.nom or "site").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60] or "site"
    return f"synthese-{slug}.pdf"


@bp.get("/sites/<token>/synthese.pdf")
def pdf(token: str):
    site = get_site_or_404(token)
    response = Response(render_pdf(site), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename_for(site)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
