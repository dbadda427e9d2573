"""Public API ``/api/v1`` (contract: shared api-contract.md) and its human documentation page.

CSRF-exempt (no session, no cookie is read) and open to every origin (CORS) under ``/api``.
"""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from . import routes  # noqa: E402,F401
