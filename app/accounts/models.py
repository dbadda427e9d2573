"""Tables of accounts. Imported by :mod:`app.models` so that there is one metadata and one
migration chain.

Personal data lives here and only here: an account's e-mail address and optional name, the
address an invitation or a login code was sent to. Every row is hard-deleted with its account
or when it expires (login codes, invitations); statistics events never reference them.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Site, utcnow

ROLES = {
    "proprietaire": "Propriétaire",
    "editeur": "Éditeur",
    "lecteur": "Lecteur",
}
# what each role may do on a site: read < write < manage (members, link, deletion)
ROLE_LEVEL = {"lecteur": 1, "editeur": 2, "proprietaire": 3}
LEVELS = {"read": 1, "write": 2, "manage": 3}


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Account(db.Model):
    """A person, known by an e-mail address they proved they read (login code)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    nom: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of the session identifier: changing it ends every session of the account (logout).
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    # « Ne plus recevoir aucun rappel » (the link of every reminder, or the switch of /compte):
    # ``flask reminders send`` skips the account while it is false.
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    memberships: Mapped[list[SiteMember]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    # Flask-Login protocol
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_nonce}"

    @property
    def display_name(self) -> str:
        return self.nom or self.email


class LoginCode(db.Model):
    """A 6-digit code sent by e-mail. Only its keyed hash is stored; single use, short-lived,
    a few wrong tries end it. Rows are deleted when used or expired."""

    __tablename__ = "login_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SiteMember(db.Model):
    """Someone's role on a site."""

    __tablename__ = "site_member"
    __table_args__ = (UniqueConstraint("site_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    account: Mapped[Account] = relationship(back_populates="memberships")
    site: Mapped[Site] = relationship()


class Invitation(db.Model):
    """An invitation sent to an address; accepted only by the account of that address. The
    link's secret is stored hashed."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    site: Mapped[Site] = relationship()
    invited_by: Mapped[Account | None] = relationship()


class SiteActivity(db.Model):
    """The site's action log (« Marie a marqué l'étape … faite »). ``account_id`` is emptied
    when the account is deleted; ``text`` never holds an e-mail address."""

    __tablename__ = "site_activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    account: Mapped[Account | None] = relationship()


class ShareLink(db.Model):
    """A site's read-only share link (opt-in, one per site, revocable). Its secret is an HMAC
    of ``nonce`` under the service's ``SECRET_KEY``, so that the owners can copy it again from
    the « Personnes et accès » page; the database holds only the nonce and the keyed hash the
    link is looked up by: a copy of the database does not give the link. A new nonce (« Régénérer »)
    ends the old link; deleting the row (« Supprimer ») ends it too."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    site: Mapped[Site] = relationship()
