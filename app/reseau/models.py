"""The published projects (« projets inspirants »). Only what the owner chose to show is stored
here, as a snapshot taken when they publish: never a name, an e-mail or the site's token."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
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
    motif_refus: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    publie_le: Mapped[datetime | None] = mapped_column(DateTime)

    site: Mapped[Site] = relationship()
