"""The published projects (« projets inspirants ») and the readers' messages to their owners.

A project stores only what the owner chose to show, as a snapshot taken when they publish: never
a name, an e-mail or the site's token. A message (:class:`MessageContact`) holds its sender's
name and address only while it waits for moderation: they are erased, with its text, as soon as
it is relayed or rejected, or after ``RETENTION_DAYS`` (app.reseau.contact)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Site, utcnow

STATUSES = {
    "en_attente": "En attente de relecture",
    "publie": "Publié",
    "refuse": "Refusé",
    "retire": "Retiré par son auteur",
}


def new_public_id() -> str:
    return secrets.token_urlsafe(9)


class ProjetInspirant(db.Model):
    __tablename__ = "projet_inspirant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), unique=True)
    public_id: Mapped[str] = mapped_column(String(20), unique=True, index=True, default=new_public_id)
    statut: Mapped[str] = mapped_column(String(20), default="en_attente", index=True)
    titre: Mapped[str] = mapped_column(String(120))
    recit: Mapped[str] = mapped_column(Text, default="")
    financements: Mapped[str] = mapped_column(Text, default="")
    enseignements: Mapped[str] = mapped_column(Text, default="")
    # Snapshot of the facts the owner chose to show (None = not shown).
    usage: Mapped[str | None] = mapped_column(String(60))
    phase: Mapped[str | None] = mapped_column(String(40))
    surface_m2: Mapped[float | None] = mapped_column(Float)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    departement_code: Mapped[str | None] = mapped_column(String(3))
    region_code: Mapped[str | None] = mapped_column(String(3))
    signalements: Mapped[int] = mapped_column(Integer, default=0)
    # The owner accepts readers' messages, relayed by the service (they may turn it off).
    contact_ouvert: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    motif_refus: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    publie_le: Mapped[datetime | None] = mapped_column(DateTime)

    site: Mapped[Site] = relationship()


MESSAGE_STATUSES = {
    "en_attente": "En attente de relecture",
    "relaye": "Transmis au porteur du projet",
    "refuse": "Refusé",
    "expire": "Effacé sans être relu",
}


class MessageContact(db.Model):
    """A reader's message to the owners of a published project, waiting for the team."""

    __tablename__ = "message_contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    projet_id: Mapped[int] = mapped_column(ForeignKey("projet_inspirant.id", ondelete="CASCADE"), index=True)
    statut: Mapped[str] = mapped_column(String(20), default="en_attente", index=True)
    # Personal data: None once the message is relayed, rejected or expired.
    nom: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    organisation: Mapped[str | None] = mapped_column(String(120))
    texte: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    traite_le: Mapped[datetime | None] = mapped_column(DateTime)

    projet: Mapped[ProjetInspirant] = relationship()
