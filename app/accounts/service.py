"""Accounts without Flask views: e-mail normalisation, login codes, memberships, invitations,
the action log. The caller commits."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from app.accounts.models import Account, Invitation, LoginCode, SiteActivity, SiteMember
from app.extensions import db
from app.models import Site, utcnow

CODE_MINUTES = 15
CODE_MAX_ATTEMPTS = 5
INVITATION_DAYS = 14
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")


def normalize_email(raw: str | None) -> str | None:
    """A lower-cased, trimmed address, or None when it does not look like one."""
    value = (raw or "").strip().lower()
    if len(value) > 254 or not EMAIL.match(value):
        return None
    return value


def _keyed_hash(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


# --- login codes ------------------------------------------------------------------------------


def purge_expired_codes(now: datetime | None = None) -> None:
    LoginCode.query.filter(LoginCode.expires_at < (now or utcnow())).delete(synchronize_session=False)


def issue_code(email: str, secret: str, now: datetime | None = None) -> tuple[LoginCode, str]:
    """A new 6-digit code for ``email`` (its previous codes stop working). Returns the row and the
    code in clear, to be mailed and forgotten."""
    now = now or utcnow()
    purge_expired_codes(now)
    LoginCode.query.filter_by(email=email).delete(synchronize_session=False)
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = LoginCode(
        email=email,
        code_hash=_keyed_hash(secret, "login", email, code),
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    db.session.add(row)
    db.session.flush()
    return row, code


def check_code(
    code_id: int | None, typed: str, secret: str, now: datetime | None = None
) -> tuple[str | None, str]:
    """(e-mail, "") when ``typed`` is the code of row ``code_id`` — the row is then deleted,
    so a code works once; else (None, French reason). A wrong try counts; the fifth ends the
    code."""
    now = now or utcnow()
    row = db.session.get(LoginCode, code_id) if code_id else None
    if row is None:
        return None, "Ce code n'est plus valable. Demandez un nouveau code."
    if row.expires_at < now:
        db.session.delete(row)
        return None, "Ce code a expiré (il est valable 15 minutes). Demandez un nouveau code."
    digits = re.sub(r"\s", "", typed or "")
    if hmac.compare_digest(row.code_hash, _keyed_hash(secret, "login", row.email, digits)):
        email = row.email
        db.session.delete(row)
        return email, ""
    row.attempts += 1
    if row.attempts >= CODE_MAX_ATTEMPTS:
        db.session.delete(row)
        return None, "Trop d'essais avec ce code. Demandez un nouveau code."
    return None, "Ce code n'est pas le bon. Vérifiez le dernier courriel reçu et réessayez."


def account_for(email: str, now: datetime | None = None) -> Account:
    """The account of a proven address (created on first login)."""
    account = Account.query.filter_by(email=email).first()
    if account is None:
        account = Account(email=email)
        db.session.add(account)
    account.last_login_at = now or utcnow()
    db.session.flush()
    return account


# --- memberships and invitations --------------------------------------------------------------


def attach(site: Site, account: Account) -> SiteMember:
    member = SiteMember(site_id=site.id, account_id=account.id, role="proprietaire")
    db.session.add(member)
    return member


def owners(site: Site) -> list[SiteMember]:
    return SiteMember.query.filter_by(site_id=site.id, role="proprietaire").all()


def invite(site: Site, email: str, role: str, by: Account, secret: str, now: datetime | None = None) -> str:
    """A pending invitation (the previous one to the same address on this site is replaced);
    returns the link's secret in clear, to be mailed."""
    now = now or utcnow()
    Invitation.query.filter_by(site_id=site.id, email=email).delete(synchronize_session=False)
    token = secrets.token_urlsafe(24)
    db.session.add(
        Invitation(
            site_id=site.id,
            email=email,
            role=role,
            token_hash=_keyed_hash(secret, "invitation", token),
            invited_by_id=by.id,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
    )
    return token


def find_invitation(token: str, secret: str, now: datetime | None = None) -> Invitation | None:
    invitation = Invitation.query.filter_by(token_hash=_keyed_hash(secret, "invitation", token)).first()
    if invitation is None or invitation.expires_at < (now or utcnow()):
        return None
    return invitation


def accept(invitation: Invitation, account: Account) -> SiteMember:
    """The invited account joins the site (a member keeps the higher of the two roles)."""
    from app.accounts.models import ROLE_LEVEL

    member = SiteMember.query.filter_by(site_id=invitation.site_id, account_id=account.id).first()
    if member is None:
        member = SiteMember(site_id=invitation.site_id, account_id=account.id, role=invitation.role)
        db.session.add(member)
    elif ROLE_LEVEL[invitation.role] > ROLE_LEVEL[member.role]:
        member.role = invitation.role
    db.session.delete(invitation)
    return member


# --- action log -------------------------------------------------------------------------------


def log(site: Site, account: Account | None, kind: str, text: str, data: dict | None = None) -> None:
    """One line of the site's action log. ``text`` is the action without its author, who is
    shown from the account at display time (so deleting the account removes the name)."""
    if account is None:
        data = {"via": "lien", **(data or {})}
    db.session.add(
        SiteActivity(
            site_id=site.id, account_id=account.id if account else None, kind=kind, text=text, data=data
        )
    )


def actor_name(activity: SiteActivity) -> str:
    if activity.account is not None:
        return activity.account.display_name
    if (activity.data or {}).get("via") == "service":
        return ""
    if (activity.data or {}).get("via") == "lien":
        return "Une personne ayant le lien du site"
    return "Un ancien membre"
