"""Sites (dossiers): creation (``POST /sites``) and the private dashboard ``/sites/<token>``."""

from flask import Blueprint

bp = Blueprint("sites", __name__)

from . import routes  # noqa: E402,F401
