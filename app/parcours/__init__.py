"""The path page of a saved site (``/sites/<token>/parcours``) and step tracking."""

from flask import Blueprint

bp = Blueprint("parcours", __name__)

from . import routes  # noqa: E402,F401
