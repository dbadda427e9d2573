"""Database models. One place for every table so migrations stay a single, readable chain.

No personal data is stored: a site is reached by an unguessable token, events carry only
territory codes and ids.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_token() -> str:
    """192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


class Site(db.Model):
    """A friche file (dossier): the questionnaire answers, the location and the step tracking."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True, default=new_token)
    nom: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Territory, resolved offline from the location (app.geo).
    commune_code: Mapped[str | None] = mapped_column(String(5), index=True)
    epci_code: Mapped[str | None] = mapped_column(String(9))
    departement_code: Mapped[str | None] = mapped_column(String(3))
    region_code: Mapped[str | None] = mapped_column(String(3))
    # Geometry as GeoJSON (WGS84); surface in m² computed in the right local projection.
    point_geojson: Mapped[dict | None] = mapped_column(JSON)
    perimeter_geojson: Mapped[dict | None] = mapped_column(JSON)
    surface_m2: Mapped[float | None] = mapped_column(Float)
    # Last enrichment from public APIs: per source, its status, date and French warning
    # (no personal data; the pre-filled values themselves are stored as answers).
    enrichissement: Mapped[dict | None] = mapped_column(JSON)
    # Questionnaire progress.
    current_group: Mapped[str | None] = mapped_column(String(100))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    answers: Mapped[list[Answer]] = relationship(back_populates="site", cascade="all, delete-orphan")
    steps: Mapped[list[StepProgress]] = relationship(back_populates="site", cascade="all, delete-orphan")

    def answer_map(self) -> dict:
        return {a.question_id: a.value for a in self.answers}


class Answer(db.Model):
    """One answer. The question label and value label shown at answer time are kept, so an
    answer stays readable after the question is reworded or removed from the content."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("site_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[object] = mapped_column(JSON)
    question_label: Mapped[str] = mapped_column(Text, default="")
    value_label: Mapped[str] = mapped_column(Text, default="")
    # None when typed by the user; the source name ("API Carto GPU"…) when pre-filled.
    source: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship(back_populates="answers")


STEP_STATUSES = {
    "a_faire": "À faire",
    "en_cours": "En cours",
    "fait": "Fait",
    "non_concerne": "Non concerné",
}


class StepProgress(db.Model):
    """The user's own status on one step of their path."""

    __tablename__ = "step_progress"
    __table_args__ = (UniqueConstraint("site_id", "step_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="a_faire")
    date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship(back_populates="steps")


class EventType(StrEnum):
    """Every kind of product event (``Event.type``); written by :mod:`app.events`, read by
    :mod:`app.stats.indicators`."""

    SITE_CREATED = "site_cree"
    QUESTIONNAIRE_DONE = "questionnaire_termine"
    PATH_VIEWED = "parcours_consulte"
    PATH_API = "parcours_api"  # a path computed through POST /api/v1/parcours
    STEP_STATUS = "etape_statut"
    VOTE = "avis"  # « utile ? » on a step, a scheme or a resource
    PORTFOLIO_IMPORTED = "portefeuille_importe"
    EXPORT = "export"  # a path summary downloaded: only the demo data write it so far
    RESOURCE_VIEWED = "ressource_vue"
    RESOURCE_DOWNLOADED = "ressource_telechargee"  # a shipped template downloaded
    STEP_VIEWED = "etape_vue"  # a step page shown
    PROJECT_VIEWED = "projet_vue"  # a published projet inspirant shown


class Event(db.Model):
    """A product event for the public statistics. Never personal data: ids and territory codes only.

    ``type`` is an :class:`EventType`; ``data`` holds small non-personal details (step id, phase,
    new status, vote…).
    """

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    epci_code: Mapped[str | None] = mapped_column(String(9))
    departement_code: Mapped[str | None] = mapped_column(String(3))
    region_code: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    data: Mapped[dict | None] = mapped_column(JSON)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


def upsert(model, keys: dict, values: dict) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET values, in the current session: two requests
    saving the same row for the first time at the same moment both succeed, the last one's
    values stay (SQLite and PostgreSQL; a plain INSERT made the second one a 500)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values = {**values, "updated_at": utcnow()}
    statement = insert(model).values(**keys, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))


# Accounts, roles, invitations and the action log (issue 15) live in their own module.
from app.accounts import models as _accounts_models  # noqa: E402,F401
