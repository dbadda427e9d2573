"""Every blueprint of the service, registered explicitly (one line each)."""

from __future__ import annotations

from flask import Flask

from app.accounts.routes import bp as accounts_bp
from app.accounts.routes import init_accounts
from app.api import bp as api_bp
from app.errors import bp as errors_bp
from app.lecture import bp as lecture_bp
from app.localisation import bp as localisation_bp
from app.pages import bp as pages_bp
from app.parcours import bp as parcours_bp
from app.portfolio.routes import bp as portfolio_bp
from app.questionnaire import bp as questionnaire_bp
from app.reseau import bp as reseau_bp
from app.ressources import bp as ressources_bp
from app.sites import bp as sites_bp
from app.stats import bp as stats_bp
from app.synthese import bp as synthese_bp


def register_blueprints(app: Flask) -> None:
    for bp in (
        errors_bp,
        pages_bp,
        localisation_bp,
        sites_bp,
        questionnaire_bp,
        api_bp,
        parcours_bp,
        stats_bp,
        portfolio_bp,
        synthese_bp,
        accounts_bp,
        ressources_bp,
        reseau_bp,
        lecture_bp,
    ):
        app.register_blueprint(bp)
    init_accounts(app)  # Flask-Login, the access check of site routes, the action log
