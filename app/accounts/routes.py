"""Views of accounts: login by e-mail code, « Mes sites », the people of a site, invitations,
the link, the personal-data export and deletion."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from app.accounts import advisers, oidc, permissions, service, share
from app.accounts.activity import log_site_write
from app.accounts.models import ROLES, Account, Invitation, SiteActivity, SiteMember, new_nonce
from app.accounts.permissions import LINK, require_site_access, site_role
from app.accounts.rgpd import (
    account_export,
    blocking_sites,
    delete_account,
    delete_site,
    site_export,
    sites_deleted_with,
)
from app.extensions import csrf, db
from app.mail import MailError, send_mail
from app.mail import settings as mail_settings
from app.models import Site, new_token
from app.sites.service import PRIVATE_LINK, public_url

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"

PENDING = "pf_login_code"  # session key: the login code being typed
NEXT = "pf_login_next"
OIDC_SESSION = "pf_oidc"  # (provider, ID token) of a ProConnect / FranceConnect login, for logout


def init_accounts(app) -> None:
    """Mail settings from the environment (unless the app's config gives them), Flask-Login,
    the access check of every site route and the action log."""
    for key, value in mail_settings(os.environ).items():
        app.config.setdefault(key, value)
    for key in ("RATELIMIT_LOGIN_IP", "RATELIMIT_LOGIN_EMAIL", "RATELIMIT_CODE_IP", "RATELIMIT_INVITATIONS"):
        if os.environ.get(key):
            app.config.setdefault(key, os.environ[key])
    login_manager.init_app(app)
    oidc.init_oidc(app)
    app.config.setdefault("ADVISERS_FILE", os.environ.get("ADVISERS_FILE", ""))
    app.config.setdefault(
        "ADVISERS_REQUIRE_PROCONNECT", os.environ.get("ADVISERS_REQUIRE_PROCONNECT", "1") != "0"
    )
    app.cli.add_command(advisers.advisers_cli)
    app.config.setdefault("REMINDER_WEEKS", int(os.environ.get("REMINDER_WEEKS", 4) or 4))
    from app.accounts.reminders import reminders_cli

    app.cli.add_command(reminders_cli)

    @app.before_request
    def fresh_request_state():
        # ``g`` belongs to the app context, which a request reuses when one is already pushed
        # (tests, CLI): the logged-in user and the roles are read again for each request.
        g.pop("_login_user", None)
        g.pop("_site_roles", None)
        g.pop("site_role", None)

    app.before_request(permissions.check_site_request)
    app.before_request(permissions.check_read_only_request)
    app.teardown_request(lambda error: g.pop("read_only", None))
    app.after_request(log_site_write)
    # First in the list, so run last (Flask runs them in reverse): after Talisman, whose
    # Referrer-Policy (same-origin) the read-only pages replace with no-referrer.
    app.after_request_funcs.setdefault(None, []).insert(0, permissions.read_only_headers)

    @app.after_request
    def logged_in_pages_are_not_stored(response):
        # every page seen logged in carries the account (header, « Mes sites », adviser view)
        if current_user.is_authenticated or request.path.startswith(("/connexion", "/invitations/")):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def account_helpers():
        def is_adviser() -> bool:
            return current_user.is_authenticated and advisers.adviser(current_user.email) is not None

        return {
            "site_role": site_role,
            "ROLES": ROLES,
            "is_adviser": is_adviser,
            "calendar_url": calendar_url,
            "read_only": g.get("read_only"),
            "may_write": permissions.may_write(),
            "share_url": share_url,
        }


@login_manager.user_loader
def load_account(session_id: str):
    """``<id>.<nonce>``: a session ends when the account's nonce changes (logout)."""
    account_id, _, nonce = (session_id or "").partition(".")
    if not account_id.isdigit() or not nonce:
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or account.session_nonce != nonce:
        return None
    return account


def safe_next(target: str | None) -> str | None:
    """A path of this service to go back to after login, or None: never another site
    (``//evil.example``, ``https://…``, ``/\\evil``, control characters)."""
    if not target or len(target) > 2000:
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _mail(to: str, subject: str, body: str) -> bool:
    try:
        send_mail(to, subject, body)
    except MailError:
        return False
    return True


# --- login ------------------------------------------------------------------------------------


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    nxt = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(nxt or url_for("accounts.my_sites"))
    error, typed = None, ""
    if request.method == "POST":
        typed = (request.form.get("email") or "").strip()[:254]
        email = service.normalize_email(typed)
        if email is None:
            error = "Saisissez une adresse électronique valide, par exemple nom@commune.fr."
        else:
            row, code = service.issue_code(email, _secret())
            db.session.commit()
            sent = _mail(
                email,
                f"Votre code de connexion à Parcours Friches : {code}",
                f"Bonjour,\n\nVotre code de connexion à Parcours Friches est : {code}\n\n"
                "Il est valable 15 minutes et ne sert qu'une fois.\n\n"
                "Si vous n'avez pas demandé ce code, ignorez ce message : personne ne peut se "
                "connecter à votre place sans lui.\n",
            )
            if not sent:
                error = "Le courriel n'a pas pu être envoyé. Réessayez dans quelques minutes."
            else:
                session[PENDING] = row.id
                session[NEXT] = nxt
                return redirect(url_for("accounts.login_code"), code=303)
    providers = [(name, oidc.PROVIDERS[name]["label"]) for name in oidc.PROVIDERS if oidc.enabled(name)]
    return render_template("accounts/login.html", error=error, email=typed, next=nxt, providers=providers), (
        422 if error else 200
    )


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    if PENDING not in session:
        return redirect(url_for("accounts.login"))
    error = None
    if request.method == "POST":
        email, error = service.check_code(session.get(PENDING), request.form.get("code", ""), _secret())
        if email is None:
            db.session.commit()  # the wrong try counts
        else:
            nxt = safe_next(session.get(NEXT))
            account = service.account_for(email)
            db.session.commit()
            return _start_session(account, nxt)
    return render_template("accounts/code.html", error=error), (422 if error else 200)


def _start_session(account: Account, nxt: str | None, extra: dict | None = None):
    """A new session: nothing set before the login (by anyone) survives it."""
    session.clear()
    session.permanent = True
    session.update(extra or {})
    login_user(account)
    flash("Vous êtes connecté·e.", "success")
    return redirect(nxt or url_for("accounts.my_sites"), code=303)


@bp.get("/connexion/<provider>")
def oidc_login(provider: str):
    if provider not in oidc.PROVIDERS or not oidc.enabled(provider):
        abort(404)
    session[NEXT] = safe_next(request.args.get("next"))
    try:
        return oidc.client(provider).authorize_redirect(
            public_url("accounts.oidc_callback", provider=provider), **oidc.authorize_params(provider)
        )
    except (OSError, ValueError) as error:  # the provider cannot be reached
        current_app.logger.warning("OIDC %s: %s", provider, type(error).__name__)
        flash(
            f"{oidc.PROVIDERS[provider]['label']} ne répond pas. Réessayez ou recevez un code par courriel.",
            "error",
        )
        return redirect(url_for("accounts.login"), code=303)


@bp.get("/connexion/<provider>/retour")
def oidc_callback(provider: str):
    if provider not in oidc.PROVIDERS or not oidc.enabled(provider):
        abort(404)
    nxt = safe_next(session.get(NEXT))
    try:
        raw_email, token = oidc.finish_login(provider)
    except oidc.OIDCError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.login"), code=303)
    except OSError as error:
        current_app.logger.warning("OIDC %s: %s", provider, type(error).__name__)
        flash(
            f"{oidc.PROVIDERS[provider]['label']} ne répond pas. Réessayez ou recevez un code par courriel.",
            "error",
        )
        return redirect(url_for("accounts.login"), code=303)
    email = service.normalize_email(raw_email)
    if email is None:
        flash("L'adresse électronique transmise n'est pas valide.", "error")
        return redirect(url_for("accounts.login"), code=303)
    account = service.account_for(email)
    db.session.commit()
    return _start_session(account, nxt, {OIDC_SESSION: [provider, token.get("id_token", "")]})


@bp.post("/deconnexion")
def logout():
    if current_user.is_authenticated:
        current_user.session_nonce = new_nonce()  # every session of the account ends
        db.session.commit()
    provider, id_token = (session.get(OIDC_SESSION) or [None, None])[:2]
    logout_user()
    session.clear()
    if provider in oidc.PROVIDERS and oidc.enabled(provider) and id_token:
        try:
            url = oidc.logout_url(provider, id_token, public_url("pages.accueil"))
        except (OSError, ValueError):
            url = None
        if url:
            return redirect(url, code=303)  # the provider ends its own session, then comes back
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("pages.accueil"), code=303)


# --- account ------------------------------------------------------------------------------------


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    error = None
    if request.method == "POST":
        nom = " ".join((request.form.get("nom") or "").split())
        if len(nom) > 120:
            error = "Le nom affiché fait au plus 120 caractères."
        else:
            current_user.nom = nom or None
            db.session.commit()
            flash("Votre nom affiché est enregistré.", "success")
            return redirect(url_for("accounts.account"), code=303)
    return _account_page(error=error), (422 if error else 200)


def _account_page(error=None, delete_error=None):
    return render_template(
        "accounts/compte.html",
        error=error,
        delete_error=delete_error,
        deleted_sites=sites_deleted_with(current_user),
        blocked_sites=blocking_sites(current_user),
    )


@bp.get("/compte/donnees.json")
@login_required
def export_account():
    data = account_export(current_user, lambda site: public_url("sites.show", token=site.token))
    response = jsonify(data)
    response.headers["Content-Disposition"] = "attachment; filename=mes-donnees-parcours-friches.json"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/compte/supprimer")
@login_required
def delete_my_account():
    if request.form.get("confirmation") != "oui":
        # Shown next to the box itself (not as a banner at the top of a long page).
        return _account_page(
            delete_error="Cochez la case pour confirmer la suppression de votre compte."
        ), 422
    if blocking_sites(current_user):
        flash("Donnez d'abord le rôle de propriétaire à une autre personne sur les sites listés.", "error")
        return redirect(url_for("accounts.account"), code=303)
    delete_account(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("Votre compte et vos données personnelles sont supprimés.", "success")
    return redirect(url_for("pages.accueil"), code=303)


# --- Mes sites ------------------------------------------------------------------------------------

SORTS = {
    "activite": "Dernière mise à jour",
    "nom": "Nom du site",
    "avancement": "Avancement du parcours",
}


@bp.get("/mes-sites")
@login_required
def my_sites():
    from app.accounts.my_sites import lines_for

    sort = request.args.get("tri", "activite")
    if sort not in SORTS:
        sort = "activite"
    role = request.args.get("role", "")
    if role not in ROLES:
        role = ""
    text = (request.args.get("q") or "").strip()[:100]
    phase = (request.args.get("phase") or "")[:100]
    lines, phases = lines_for(current_user, sort=sort, role=role, text=text, phase=phase)
    return render_template(
        "accounts/mes_sites.html",
        lines=lines,
        phases=phases,
        sorts=SORTS,
        sort=sort,
        role=role,
        text=text,
        phase=phase,
        total=len(current_user.memberships),
    )


# --- a site's link, attachment, people --------------------------------------------------------


def _site(token: str) -> Site:
    return Site.query.filter_by(token=token).first_or_404()


@bp.post("/sites/<token>/rattacher")
def attach_site(token: str):
    site = _site(token)
    if not current_user.is_authenticated:
        flash("Connectez-vous, puis rattachez le site à votre compte.", "info")
        return redirect(url_for("accounts.login", next=url_for("sites.show", token=token)), code=303)
    role = site_role(site)
    if role is None:
        abort(404)
    if role != LINK:
        require_site_access(site, "manage")
        flash("Ce site est déjà rattaché à votre compte.", "info")
        return redirect(url_for("sites.show", token=token), code=303)
    service.attach(site, current_user)
    service.log(site, current_user, "rattachement", "a rattaché le site à son compte")
    db.session.commit()
    flash(
        "Le site est rattaché à votre compte : retrouvez-le dans « Mes sites ». Désormais, il faut "
        "être connecté·e et invité·e pour l'ouvrir ; le lien seul ne suffit plus.",
        "success",
    )
    return redirect(url_for("sites.show", token=token), code=303)


permissions.SELF_CHECKED.add("accounts.attach_site")


@bp.post("/sites/<token>/lien/regenerer")
def regenerate_link(token: str):
    site = _site(token)
    require_site_access(site, "manage")
    site.token = new_token()
    service.log(
        site, current_user if current_user.is_authenticated else None, "lien", "a changé le lien du site"
    )
    db.session.commit()
    flash(
        f"Le lien du site a changé : l'ancien ne fonctionne plus. Voici le nouveau — {PRIVATE_LINK}",
        "success",
    )
    return redirect(url_for("sites.show", token=site.token), code=303)


def _actor():
    return current_user if current_user.is_authenticated else None


@bp.post("/sites/<token>/acces/lecture")
def renew_share_link(token: str):
    """Create the read-only share link, or replace it (the old one stops working)."""
    site = _site(token)
    require_site_access(site, "manage")
    _, existed = share.renew(site, _secret())
    text = "a remplacé le lien de lecture seule" if existed else "a créé un lien de lecture seule"
    service.log(site, _actor(), "lien_lecture", text, {"actif": True})
    db.session.commit()
    flash(
        "Le nouveau lien de lecture seule est prêt : l'ancien ne fonctionne plus."
        if existed
        else "Le lien de lecture seule est créé : copiez-le ci-dessous et transmettez-le.",
        "success",
    )
    return redirect(url_for("accounts.access", token=token, _anchor="lecture"), code=303)


@bp.post("/sites/<token>/acces/lecture/supprimer")
def revoke_share_link(token: str):
    site = _site(token)
    require_site_access(site, "manage")
    if share.revoke(site):
        service.log(site, _actor(), "lien_lecture", "a supprimé le lien de lecture seule", {"actif": False})
        db.session.commit()
    flash("Le lien de lecture seule est supprimé : il ne fonctionne plus.", "success")
    return redirect(url_for("accounts.access", token=token, _anchor="lecture"), code=303)


def share_url(site: Site) -> str | None:
    """The address of the site's read-only share link, or None (for the page of its managers)."""
    secret = share.secret_of(site, _secret())
    return public_url("lecture.site", secret=secret) if secret else None


def _render_access(
    site: Site, role: str, error=None, invite_email="", invite_role="editeur", comment_error=None, comment=""
):
    log_lines = (
        SiteActivity.query.filter(SiteActivity.site_id == site.id, SiteActivity.kind != advisers.COMMENT_KIND)
        .order_by(SiteActivity.created_at.desc(), SiteActivity.id.desc())
        .limit(100)
        .all()
    )
    invitations = Invitation.query.filter_by(site_id=site.id).order_by(Invitation.created_at).all()
    return render_template(
        "accounts/acces.html",
        site=site,
        role=role,
        members=permissions.members_of(site),
        invitations=invitations if role == "proprietaire" else [],
        log_lines=log_lines,
        shared=advisers.is_shared(site),
        comments=_comments(site),
        actor_name=service.actor_name,
        comment_author=_comment_author(),
        error=error,
        invite_email=invite_email,
        invite_role=invite_role,
        comment_error=comment_error,
        comment=comment,
    ), (422 if error or comment_error else 200)


@bp.get("/sites/<token>/acces")
def access(token: str):
    site = _site(token)
    return _render_access(site, require_site_access(site, "read"))


@bp.post("/sites/<token>/acces/inviter")
def invite(token: str):
    site = _site(token)
    role = require_site_access(site, "manage")
    if role == LINK:
        flash("Rattachez d'abord ce site à votre compte pour inviter des personnes.", "error")
        return redirect(url_for("accounts.access", token=token), code=303)
    typed = (request.form.get("email") or "").strip()[:254]
    email = service.normalize_email(typed)
    invite_role = request.form.get("role", "")
    error = None
    if email is None:
        error = "Saisissez l'adresse électronique de la personne à inviter, par exemple nom@commune.fr."
    elif invite_role not in ROLES:
        error = "Choisissez le rôle de la personne invitée."
    elif SiteMember.query.join(Account).filter(SiteMember.site_id == site.id, Account.email == email).first():
        error = "Cette personne a déjà accès au site."
    if error is None:
        secret = service.invite(site, email, invite_role, current_user, _secret())
        link = public_url("accounts.invitation", token=secret)
        who = current_user.display_name
        name = f"« {site.nom} »" if site.nom else "de friche"
        sent = _mail(
            email,
            "Invitation à travailler sur un site de Parcours Friches",
            f"Bonjour,\n\n{who} vous invite à travailler sur le site {name} dans Parcours Friches, "
            f"avec le rôle « {ROLES[invite_role]} ».\n\nPour accepter, ouvrez ce lien puis connectez-vous "
            f"avec cette adresse électronique (un code vous sera envoyé) :\n{link}\n\n"
            "Ce lien est valable 14 jours. Si vous ne connaissez pas cette personne, ignorez ce message.\n",
        )
        if sent:
            service.log(
                site, current_user, "invitation", f"a invité une personne comme {ROLES[invite_role].lower()}"
            )
            db.session.commit()
            flash(f"Invitation envoyée à {email}.", "success")
            return redirect(url_for("accounts.access", token=token), code=303)
        db.session.rollback()
        error = "Le courriel d'invitation n'a pas pu être envoyé. Réessayez dans quelques minutes."
    return _render_access(site, role, error, typed, invite_role)


def _member(site: Site, member_id: int) -> SiteMember:
    member = SiteMember.query.filter_by(id=member_id, site_id=site.id).first()
    if member is None:
        abort(404)
    return member


def _last_owner(site: Site, member: SiteMember) -> bool:
    return member.role == "proprietaire" and len(service.owners(site)) == 1


@bp.post("/sites/<token>/acces/<int:member_id>/role")
def change_role(token: str, member_id: int):
    site = _site(token)
    require_site_access(site, "manage")
    member = _member(site, member_id)
    new_role = request.form.get("role", "")
    if new_role not in ROLES:
        flash("Choisissez un rôle.", "error")
    elif _last_owner(site, member) and new_role != "proprietaire":
        flash(
            "Le site doit garder au moins un propriétaire : donnez d'abord ce rôle à une autre personne.",
            "error",
        )
    else:
        member.role = new_role
        service.log(
            site,
            current_user,
            "role",
            f"a donné le rôle {ROLES[new_role].lower()} à {member.account.display_name}",
        )
        db.session.commit()
        flash("Le rôle est modifié.", "success")
    return redirect(url_for("accounts.access", token=token), code=303)


@bp.post("/sites/<token>/acces/<int:member_id>/retirer")
def remove_member(token: str, member_id: int):
    site = _site(token)
    own = (
        current_user.is_authenticated
        and SiteMember.query.filter_by(id=member_id, site_id=site.id, account_id=current_user.id).first()
    )
    require_site_access(site, "read" if own else "manage")
    member = _member(site, member_id)
    if _last_owner(site, member):
        flash(
            "Le site doit garder au moins un propriétaire : donnez d'abord ce rôle à une autre personne.",
            "error",
        )
        return redirect(url_for("accounts.access", token=token), code=303)
    name = member.account.display_name
    db.session.delete(member)
    service.log(site, current_user, "retrait", "a quitté le site" if own else f"a retiré l'accès de {name}")
    db.session.commit()
    if own:
        flash("Vous n'avez plus accès à ce site.", "info")
        return redirect(url_for("accounts.my_sites"), code=303)
    flash(f"{name} n'a plus accès au site.", "success")
    return redirect(url_for("accounts.access", token=token), code=303)


permissions.SELF_CHECKED.add("accounts.remove_member")


@bp.post("/sites/<token>/acces/invitations/<int:invitation_id>/annuler")
def cancel_invitation(token: str, invitation_id: int):
    site = _site(token)
    require_site_access(site, "manage")
    invitation = Invitation.query.filter_by(id=invitation_id, site_id=site.id).first_or_404()
    db.session.delete(invitation)
    db.session.commit()
    flash("L'invitation est annulée : son lien ne fonctionne plus.", "success")
    return redirect(url_for("accounts.access", token=token), code=303)


# --- invitations ------------------------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = service.find_invitation(token, _secret())
    if found is None:
        return render_template(
            "errors/error.html",
            code=404,
            title="Invitation introuvable",
            message="Ce lien d'invitation n'est plus valable : il a expiré, a été annulé ou a déjà servi. "
            "Demandez une nouvelle invitation à la personne qui vous l'a envoyée.",
        ), 404
    if not current_user.is_authenticated:
        return render_template(
            "accounts/invitation.html",
            invitation=found,
            login_url=url_for("accounts.login", next=request.path),
        )
    if current_user.email != found.email:
        return render_template("accounts/invitation.html", invitation=found, wrong_account=True), 403
    if request.method == "POST":
        site = found.site
        role = found.role
        service.accept(found, current_user)
        service.log(site, current_user, "acceptation", f"a rejoint le site comme {ROLES[role].lower()}")
        db.session.commit()
        flash("Vous avez rejoint le site.", "success")
        return redirect(url_for("sites.show", token=site.token), code=303)
    return render_template("accounts/invitation.html", invitation=found)


# --- a site's data ------------------------------------------------------------------------------------


@bp.get("/sites/<token>/donnees.json")
def export_site(token: str):
    site = _site(token)
    role = require_site_access(site, "read")
    response = jsonify(site_export(site, with_members=role == "proprietaire"))
    response.headers["Content-Disposition"] = "attachment; filename=site-parcours-friches.json"
    return response


@bp.route("/sites/<token>/supprimer", methods=["GET", "POST"])
def delete_site_view(token: str):
    site = _site(token)
    require_site_access(site, "manage")
    if request.method == "POST":
        if request.form.get("confirmation") != "oui":
            return render_template(
                "accounts/supprimer_site.html",
                site=site,
                error="Cochez la case pour confirmer la suppression.",
            ), 422
        delete_site(site)
        db.session.commit()
        flash("Le site et ses données sont supprimés définitivement.", "success")
        return redirect(
            url_for("accounts.my_sites") if current_user.is_authenticated else url_for("pages.accueil"),
            code=303,
        )
    return render_template("accounts/supprimer_site.html", site=site, error=None)


# --- sharing with the advisers of the territory, comments -------------------------------------


def _comments(site: Site) -> list[SiteActivity]:
    return (
        SiteActivity.query.filter_by(site_id=site.id, kind=advisers.COMMENT_KIND)
        .order_by(SiteActivity.created_at, SiteActivity.id)
        .all()
    )


def _comment_author():
    """Names a comment's author, with the organisation of an adviser (« … (DDT du Pas-de-Calais) »)
    so that a commune knows who wrote; the advisers' file is read once per page."""
    table = advisers.load_advisers(advisers.advisers_file())

    def name(activity: SiteActivity) -> str:
        shown = service.actor_name(activity)
        entry = table.get(activity.account.email) if activity.account is not None else None
        return f"{shown} ({entry['organisme']})" if entry and entry["organisme"] else shown

    return name


def _comment_text() -> tuple[str | None, str | None]:
    text = (request.form.get("commentaire") or "").strip()
    if not text:
        return None, "Écrivez votre message."
    if len(text) > 5000:
        return None, "Le message fait au plus 5 000 caractères."
    return text, None


@bp.post("/sites/<token>/partage-conseillers")
def share_with_advisers(token: str):
    site = _site(token)
    role = require_site_access(site, "manage")
    if role == LINK:
        flash("Rattachez d'abord ce site à votre compte pour le partager avec les conseillers.", "error")
        return redirect(url_for("accounts.access", token=token), code=303)
    active = request.form.get("actif") == "oui"
    text = (
        "a partagé le site avec les conseillers de son territoire"
        if active
        else "a arrêté le partage du site avec les conseillers"
    )
    service.log(site, current_user, advisers.SHARE_KIND, text, {"actif": active})
    db.session.commit()
    flash(
        "Le site est visible des conseillers de l'État et de ses opérateurs qui suivent votre territoire."
        if active
        else "Les conseillers ne voient plus ce site.",
        "success",
    )
    return redirect(url_for("accounts.access", token=token), code=303)


@bp.post("/sites/<token>/commentaires")
def comment_as_member(token: str):
    site = _site(token)
    role = require_site_access(site, "write")
    text, error = _comment_text()
    if error:
        # next to the text area, with what was typed, rather than a banner at the top of the page
        return _render_access(
            site, role, comment_error=error, comment=(request.form.get("commentaire") or "")[:6000]
        )
    if not advisers.is_shared(site):
        flash("Les échanges avec les conseillers demandent que le site leur soit partagé.", "error")
    else:
        service.log(site, current_user, advisers.COMMENT_KIND, text)
        db.session.commit()
        flash("Votre message est publié.", "success")
    return redirect(url_for("accounts.access", token=token, _anchor="echanges"), code=303)


def _adviser_or_abort():
    """The adviser entry of the logged-in account; advisers log in with ProConnect."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("accounts.login", next=request.path)))
    entry = advisers.adviser(current_user.email)
    if entry is None:
        # still a 404 (nothing to see here), but one that tells an agent how to get access
        abort(
            make_response(
                render_template(
                    "errors/error.html",
                    code=404,
                    title="Page réservée aux conseillers",
                    message="Cette page montre aux conseillers de l'État, de ses opérateurs (DDT, EPF, Cerema…) "
                    "et des intercommunalités les sites que les communes de leur territoire ont choisi de "
                    "leur partager. Votre adresse n'est pas inscrite comme conseiller : l'équipe du service "
                    "inscrit les conseillers et leurs territoires, écrivez-lui pour être ajouté·e"
                    + (
                        f" ({current_app.config['CONTACT_EMAIL']})."
                        if current_app.config.get("CONTACT_EMAIL")
                        else "."
                    ),
                ),
                404,
            )
        )
    if (
        current_app.config.get("ADVISERS_REQUIRE_PROCONNECT", True)
        and (session.get(OIDC_SESSION) or [None])[0] != "proconnect"
    ):
        flash("La vue des conseillers demande une connexion avec ProConnect.", "info")
        abort(redirect(url_for("accounts.login", next=request.path)))
    return entry


@bp.get("/conseiller")
def adviser_view():
    from app.accounts.my_sites import WITH_TRACKING, lines_of
    from app.maps import adviser_points

    entry = _adviser_or_abort()
    lines = lines_of([(site, "") for site in advisers.shared_sites(entry, *WITH_TRACKING)])
    points, missing = adviser_points(lines)
    return render_template(
        "accounts/conseiller.html", entry=entry, lines=lines, points=points, missing=missing
    )


@bp.route("/conseiller/sites/<int:site_id>", methods=["GET", "POST"])
def adviser_site(site_id: int):
    from app.accounts.my_sites import line

    entry = _adviser_or_abort()
    site = db.session.get(Site, site_id)
    if not advisers.visible_to(site, entry):
        abort(404)  # outside the territory, not shared, or unknown: the same answer
    error = None
    if request.method == "POST":
        text, error = _comment_text()
        if error is None:
            service.log(site, current_user, advisers.COMMENT_KIND, text)
            db.session.commit()
            flash("Votre message est publié.", "success")
            return redirect(url_for("accounts.adviser_site", site_id=site_id, _anchor="echanges"), code=303)
    return render_template(
        "accounts/conseiller_site.html",
        item=line(site, ""),
        comments=_comments(site),
        actor_name=service.actor_name,
        comment_author=_comment_author(),
        error=error,
    ), (422 if error else 200)


# --- calendar feed ------------------------------------------------------------------------------


@bp.get("/calendriers/<cle>.ics")
def calendar_feed(cle: str):
    from urllib.parse import urlsplit

    from app.accounts import calendar
    from app.models import utcnow
    from app.parcours.service import compute_for_site

    site = calendar.site_for_key(cle, _secret())
    if site is None:
        abort(404)
    path, _ = compute_for_site(site)
    host = urlsplit(public_url("pages.accueil")).hostname or "parcours-friches"
    response = make_response(calendar.ics(site, path, host, utcnow()))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response


def calendar_url(site: Site) -> str:
    from app.accounts import calendar

    return public_url("accounts.calendar_feed", cle=calendar.feed_key(site, _secret()))


# --- reminders ------------------------------------------------------------------------------------


@bp.route("/rappels/desabonner/<cle>", methods=["GET", "POST"])
def unsubscribe(cle: str):
    """One click (the button of this page; a GET never changes anything, so that a mail
    scanner following links unsubscribes nobody)."""
    from app.accounts import reminders

    found = reminders.read_unsubscribe_key(cle, _secret())
    if found is None:
        abort(404)
    site, account_id = found
    if request.method == "POST":
        if reminders.subscribed(site, account_id):
            account = db.session.get(Account, account_id)
            service.log(
                site,
                account,
                reminders.OPT_KIND,
                "ne reçoit plus de rappels pour ce site",
                {"compte": account_id, "actif": False},
            )
            db.session.commit()
        return render_template("accounts/desabonnement.html", site=site, done=True)
    return render_template(
        "accounts/desabonnement.html", site=site, done=not reminders.subscribed(site, account_id)
    )


@bp.route("/rappels/tous/<cle>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client posts « List-Unsubscribe=One-Click » without a token
def unsubscribe_all(cle: str):
    """« Ne plus recevoir aucun rappel »: the link of every reminder and its ``List-Unsubscribe``
    header. The signed key is the authorisation; a GET only shows the button (mail scanners
    open links), a POST — the button, or the mail client's one-click — switches reminders off."""
    from app.accounts import reminders

    account = reminders.read_account_key(cle, _secret())
    if account is None:
        abort(404)
    if request.method == "POST":
        account.reminders_enabled = False
        db.session.commit()
        return render_template("accounts/desabonnement_tous.html", done=True)
    return render_template("accounts/desabonnement_tous.html", done=not account.reminders_enabled)


@bp.post("/compte/rappels")
@login_required
def reminders_switch():
    """The switch of /compte: every reminder off, or on again."""
    current_user.reminders_enabled = request.form.get("actif") == "oui"
    db.session.commit()
    flash(
        "Vous recevrez de nouveau les rappels des sites dont vous êtes propriétaire."
        if current_user.reminders_enabled
        else "Vous ne recevrez plus aucun rappel par courriel.",
        "success",
    )
    return redirect(url_for("accounts.account", _anchor="rappels"), code=303)
