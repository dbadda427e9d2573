"""The council summary as a PDF: :func:`render_pdf(site) <render_pdf>` → bytes.

WeasyPrint lays out ``synthese/document.html`` (the partials of ``app/templates/synthese/``,
shared with the site dashboard). It never fetches a URL: its fetcher serves only
files of the app's static folder under the ``pf-static:`` scheme (the DSFR Marianne fonts), and
refuses everything else (:func:`local_fetcher`) — links in the document are only written, never followed.
The document holds the site's private link: the route serves it ``no-store``.
"""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path

from flask import current_app, render_template

from app.content import current_content
from app.geo import get_commune
from app.pages.glossaire import separate_document
from app.parcours.service import compute_for_site, site_answers
from app.sites.service import public_url

from .summary import Summary, summarise

SCHEME = "pf-static:"


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango…) are not installed (``make setup`` says which)."""


def _weasyprint():
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(f"WeasyPrint indisponible : {exc}") from exc
    return weasyprint, URLFetcher, URLFetcherResponse


def local_fetcher(root: str | Path):
    """A WeasyPrint URL fetcher that serves only ``pf-static:/path`` from ``root`` (the static
    folder) and refuses any other URL — http, https, file, data, or a path escaping ``root``."""
    _, URLFetcher, URLFetcherResponse = _weasyprint()

    class LocalStaticFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=())
            self.root = Path(root).resolve()
            self.served: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):  # noqa: ARG002 - WeasyPrint's signature
            path = (self.root / url[len(SCHEME) :].lstrip("/")).resolve() if url.startswith(SCHEME) else None
            if path is None or not path.is_relative_to(self.root) or not path.is_file():
                self.refused.append(url)
                raise ValueError(f"ressource refusée : {url[:80]}")
            self.served.append(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return LocalStaticFetcher()


def _answer_labels(site) -> dict[str, str]:
    """Answer labels of the questions the questionnaire shows now (hidden answers left out),
    worded by the current questionnaire (never a stored code)."""
    questionnaire = current_content().questionnaire
    answers = site_answers(site)
    return {qid: questionnaire.label_of(qid, v) for qid, v in answers.items() if v not in (None, "", [])}


def site_lines(site, territoire: dict | None) -> list[tuple[str, str]]:
    """(label, value) lines describing the site, only what is known."""
    answers = _answer_labels(site)
    lines: list[tuple[str, str]] = []
    commune = territoire["commune"] if territoire else None
    if commune:
        lines.append(("Commune", f"{commune['nom']} ({commune['code']})"))
    elif site.commune_code and (c := get_commune(site.commune_code)):
        lines.append(("Commune", f"{c.nom} ({c.code})"))
    epci = (territoire or {}).get("epci") or {}
    if epci.get("nom"):
        lines.append(("Intercommunalité", epci["nom"]))
    surface = site.surface_m2 or _number(site.answer_map().get("unite_fonciere_surface"))
    if surface:
        lines.append(("Surface", surface_text(surface)))
    for qid, label in (
        ("site_type", "Type de friche"),
        ("activite_libelle", "Ancienne activité"),
        ("bati_etat", "État des bâtiments"),
        ("sol_pollution_existe", "Pollution des sols"),
        ("proprietaire", "Propriétaire"),
        ("usage", "Projet envisagé"),
    ):
        if answers.get(qid):
            lines.append((label, answers[qid]))
    return lines


def _number(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def surface_text(m2: float) -> str:
    """« 20 087 m² (2,0 ha) » with non-breaking spaces."""
    text = f"{round(m2):,}".replace(",", "\u202f") + "\u00a0m²"
    if m2 >= 10_000:
        text += f" ({m2 / 10_000:.1f}".replace(".", ",") + "\u00a0ha)"
    return text


def summary_for(site, today: date | None = None) -> tuple[Summary, dict | None]:
    """The site's :class:`Summary` and its ``territoire`` block (for the PDF and the dashboard)."""
    result, territoire = compute_for_site(site, today=today)
    return summarise(result, {p.step_id: p for p in site.steps}), territoire


def context_for(site, today: date | None = None) -> dict:
    """Everything the PDF shows; links are absolute (``PUBLIC_URL``)."""
    from app.accounts.permissions import is_attached

    summary, territoire = summary_for(site, today)
    return {
        "site": site,
        "attached": is_attached(site),
        "summary": summary,
        "lines": site_lines(site, territoire),
        "site_url": public_url("sites.show", token=site.token),
        "parcours_url": public_url("parcours.show", token=site.token),
        "step_url": lambda step_id: public_url("parcours.step_page", token=site.token, step_id=step_id),
    }


def render_html(site, today: date | None = None) -> str:
    with separate_document(public_url("pages.glossaire")):
        return render_template("synthese/document.html", **context_for(site, today))


def render_pdf(site, today: date | None = None) -> bytes:
    """The council summary of ``site`` as PDF bytes (2 to 5 A4 pages)."""
    weasyprint, _, _ = _weasyprint()
    html = render_html(site, today)
    fetcher = local_fetcher(current_app.static_folder)
    # PDF/UA: a tagged PDF (headings, lists, tables, reading order, language) that screen
    # readers can read, as RGAA asks of documents offered for download.
    return weasyprint.HTML(string=html, base_url=SCHEME + "/", url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )
