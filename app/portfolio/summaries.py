"""ZIP of the council summaries: one document per site of the portfolio.

Each site's document is its council summary PDF (:func:`app.synthese.pdf.render_pdf`, the
same as « Télécharger la synthèse (PDF) » on the site's pages). Where WeasyPrint's system
libraries are missing, a self-contained, printable HTML page of the same content (the site, its
next step, its steps by phase with their funding and deadlines, its contacts).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date

from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.models import Site, StepProgress

from .models import Portfolio, PortfolioSite

MAX_SITES = 200


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "site"


def site_document(site: Site, item: PortfolioSite | None = None) -> tuple[str, bytes]:
    """(file extension, content) of one site's council summary."""
    from app.synthese.pdf import PdfUnavailable, render_pdf

    try:
        return "pdf", render_pdf(site)
    except PdfUnavailable:  # WeasyPrint's system libraries missing: the printable HTML page
        pass
    from app.geo import get_commune
    from app.parcours.service import compute_for_site

    result, block = compute_for_site(site)
    progress = {
        p.step_id: p.status
        for p in db.session.execute(select(StepProgress).where(StepProgress.site_id == site.id)).scalars()
    }
    commune = get_commune(site.commune_code) if site.commune_code else None
    html = render_template(
        "portfolio/synthese.html",
        site=site,
        item=item,
        commune=commune,
        territoire=block,
        result=result,
        progress=progress,
        today=date.today(),
    )
    return "html", html.encode("utf-8")


def summaries_zip(portfolio: Portfolio, limit: int = MAX_SITES) -> bytes:
    items = (
        db.session.execute(
            select(PortfolioSite)
            .where(PortfolioSite.portfolio_id == portfolio.id)
            .order_by(PortfolioSite.score.desc(), PortfolioSite.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used = set()
        for rank, item in enumerate(items, start=1):
            ext, content = site_document(item.site, item)
            name = f"{rank:04d}-{_slug(item.nom or item.cnig_site_id)}.{ext}"
            while name in used:
                name = name.replace(f".{ext}", f"-bis.{ext}")
            used.add(name)
            archive.writestr(name, content)
        archive.writestr(
            "LISEZMOI.txt",
            "Synthèses des sites du portefeuille, une par site, classées du site par lequel "
            "commencer au plus lourd (« par où commencer »).\r\n"
            f"{len(items)} site(s) ; au plus {limit} par archive.\r\n",
        )
    return buffer.getvalue()
