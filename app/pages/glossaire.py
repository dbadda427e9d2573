"""The glossary page (``/glossaire``) and the ``glossaire`` Jinja filter.

``{{ text|glossaire }}`` links the first use on the page of each known acronym to its
definition (``<a href="/glossaire#icpe"><abbr title="…">ICPE</abbr></a>``); later uses stay
plain. « First on the page » is tracked per request in ``flask.g``, so every template of one
response (page, includes, macros) shares it. The glossary itself is the checked content bundle's
(``data/glossaire.yaml``, :mod:`app.engine.glossary`).
"""

from __future__ import annotations

from flask import g, has_request_context, render_template, url_for
from markupsafe import Markup

from app.content import current_content
from app.pages import bp


def seen_terms() -> set[str]:
    """Ids of the terms already linked in the response being rendered."""
    if not has_request_context():
        return set()
    if not hasattr(g, "glossaire_vus"):
        g.glossaire_vus = set()
    return g.glossaire_vus


@bp.app_template_filter("glossaire")
def glossaire_filter(text) -> Markup:
    """The text (escaped, or Markup as is) with the first use of each term linked."""
    if text is None:
        return Markup("")
    if not has_request_context():
        page = "/glossaire"
    else:
        page = g.get("glossaire_url") or url_for("pages.glossaire")
    return current_content().glossary.annotate(text, seen_terms(), page_url=page)


class separate_document:
    """``with separate_document(url):`` renders a document of its own inside a request (a PDF,
    one document per site of a ZIP): first uses counted afresh, glossary links absolute."""

    def __init__(self, glossary_url: str):
        self.url = glossary_url

    def __enter__(self):
        self.saved = (g.get("glossaire_vus"), g.get("glossaire_url"))
        g.glossaire_vus, g.glossaire_url = set(), self.url
        return self

    def __exit__(self, *exc):
        seen, url = self.saved
        g.glossaire_vus = seen if seen is not None else set()
        g.glossaire_url = url
        return False


@bp.route("/glossaire")
def glossaire():
    return render_template("pages/glossaire.html", terms=current_content().glossary.sorted())
