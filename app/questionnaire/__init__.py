"""The questionnaire flow: one group per page, resumable, summary with « Modifier » links."""

from flask import Blueprint

bp = Blueprint("questionnaire", __name__)

from . import routes  # noqa: E402,F401
