"""The council summary (« synthèse ») of a site: 2 to 5 A4 pages, as a PDF made server-side
with WeasyPrint from the templates of ``app/templates/synthese/`` (``/sites/<token>/synthese.pdf``)."""

from flask import Blueprint

bp = Blueprint("synthese", __name__)

from . import routes  # noqa: E402,F401
