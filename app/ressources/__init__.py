"""The resource library (« boîte à outils »): /ressources, one page per resource, template
downloads and the anonymous « utile ? » vote. Views are thin: the library is parsed and checked
with the content (:mod:`app.engine.resources`); figures for /stats in :mod:`.evaluation`."""

from flask import Blueprint

bp = Blueprint("ressources", __name__)

from app.ressources import routes  # noqa: E402,F401
