"""Error pages: DSFR HTML for people, JSON for API clients (Accept: application/json or /api/…)."""

from __future__ import annotations

from flask import Blueprint, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: ("Requête invalide", "La requête n'a pas pu être comprise."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: (
        "Page non trouvée",
        "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.",
    ),
    405: ("Méthode non autorisée", "Cette adresse n'accepte pas ce type de requête."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée."),
    422: ("Données invalides", "Les données envoyées ne sont pas valides."),
    429: ("Trop de requêtes", "Merci de patienter quelques instants avant de réessayer."),
    500: (
        "Erreur inattendue",
        "Désolé, le service rencontre un problème. Nous travaillons à le résoudre le plus rapidement possible.",
    ),
    503: ("Service indisponible", "Le service est momentanément indisponible. Merci de réessayer plus tard."),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _respond(code: int, detail: str | None = None, headers: dict | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        response = jsonify(erreur=title, message=detail or message, code=code)
    else:
        response = make_response(
            render_template("errors/error.html", code=code, title=title, message=detail or message)
        )
    response.status_code = code
    response.headers.update(headers or {})
    return response


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _respond(
        400,
        "Le formulaire a expiré ou n'a pas pu être vérifié. Revenez en arrière, rechargez la page et réessayez.",
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    # keep the headers the error carries (Allow on a 405, Retry-After on a 429…)
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return _respond(error.code or 500, headers=headers)


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    from flask import current_app

    from app.database import UNAVAILABLE
    from app.extensions import db
    from app.privacy import mask_tokens

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone: the pool replaces it
        db.session.invalidate()
    if isinstance(error, UNAVAILABLE):
        # the database is down, frozen or locked: the service's own 503, and a short log line
        current_app.logger.error(
            "database unavailable on %s %s: %s",
            request.method,
            mask_tokens(request.path),
            type(getattr(error, "orig", None) or error).__name__,
        )
        return _respond(503, headers={"Retry-After": "30"})
    current_app.logger.exception("unhandled error on %s %s", request.method, mask_tokens(request.path))
    return _respond(500)
