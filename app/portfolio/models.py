"""Portfolio tables (imported with app.models, so SQLAlchemy and Alembic see them).

A portfolio is reached, like a site, by an unguessable token (192 random bits) and nothing
else; attaching it to an account later is one nullable foreign key on ``portfolio``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Answer, Site, StepProgress, new_token, utcnow


class Portfolio(db.Model):
    __tablename__ = "portfolio"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True, default=new_token)
    nom: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    items: Mapped[list[PortfolioSite]] = relationship(
        back_populates="portfolio", cascade="all, delete-orphan"
    )
    imports: Mapped[list[PortfolioImport]] = relationship(
        back_populates="portfolio", cascade="all, delete-orphan", order_by="PortfolioImport.id"
    )


class PortfolioSite(db.Model):
    """One line of a portfolio: the figures of a site's path (recomputed when the site, its
    answers or its tracking change, or on a new day), in narrow columns that the portfolio
    page sorts, filters and counts; the CNIG record and the texts are in
    :class:`PortfolioSiteData` (kept out of these scans: a wide row costs ten times more)."""

    __tablename__ = "portfolio_site"
    __table_args__ = (UniqueConstraint("portfolio_id", "cnig_site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolio.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    cnig_site_id: Mapped[str] = mapped_column(String(200))
    # Denormalised for sorting, filtering and the summary figures (one indexed query per page).
    nom: Mapped[str | None] = mapped_column(String(200))
    commune_code: Mapped[str | None] = mapped_column(String(5), index=True)
    commune_nom: Mapped[str | None] = mapped_column(String(200))
    statut: Mapped[str | None] = mapped_column(String(60))
    usage: Mapped[str | None] = mapped_column(String(60))
    pollution: Mapped[str | None] = mapped_column(String(60))
    surface_m2: Mapped[float | None] = mapped_column(Float)
    phase_index: Mapped[int | None] = mapped_column(Integer)
    phase_title: Mapped[str | None] = mapped_column(String(200))
    next_step_id: Mapped[str | None] = mapped_column(String(100))
    next_step_title: Mapped[str | None] = mapped_column(String(300))
    next_deadline: Mapped[date | None] = mapped_column(Date)
    score: Mapped[int | None] = mapped_column(Integer, index=True)
    computed_on: Mapped[date | None] = mapped_column(Date)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime)
    content_version: Mapped[str | None] = mapped_column(String(64))
    # The Cartofriches site this one matches, when known (kept for the export).
    cartofriches_id: Mapped[str | None] = mapped_column(String(100))

    portfolio: Mapped[Portfolio] = relationship(back_populates="items")
    site: Mapped[Site] = relationship()
    data: Mapped[PortfolioSiteData | None] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin", uselist=False
    )

    def _data(self) -> PortfolioSiteData:
        if self.data is None:
            self.data = PortfolioSiteData()
        return self.data

    @property
    def cnig(self) -> dict:
        return self.data.cnig if self.data else {}

    @property
    def notes(self) -> list | None:
        return self.data.notes if self.data else None

    @property
    def imported_location(self) -> dict | None:
        return self.data.imported_location if self.data else None

    @property
    def summary(self) -> dict | None:
        return self.data.summary if self.data else None

    @summary.setter
    def summary(self, value: dict | None) -> None:
        self._data().summary = value


class PortfolioSiteData(db.Model):
    """The wide part of a portfolio line: the CNIG record as imported, the import's remarks,
    the location saved at import (to tell whether the site was moved since) and the summary
    with its explanation."""

    __tablename__ = "portfolio_site_data"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_site.id", ondelete="CASCADE"), primary_key=True
    )
    cnig: Mapped[dict] = mapped_column(JSON)  # the CNIG columns as text, as imported
    notes: Mapped[list | None] = mapped_column(JSON)  # French remarks of the import
    imported_location: Mapped[dict | None] = mapped_column(JSON)  # {point, perimeter} saved at import
    summary: Mapped[dict | None] = mapped_column(JSON)

    item: Mapped[PortfolioSite] = relationship(back_populates="data")


IMPORT_STATUSES = {
    "en_attente": "En attente",
    "analyse": "Vérification du fichier",
    "analyse_terminee": "Vérification terminée",
    "refuse": "Fichier refusé",
    "import_demande": "Import demandé",
    "import": "Import et calcul des parcours",
    "termine": "Import terminé",
    "echec": "Échec",
}


class PortfolioImport(db.Model):
    """One uploaded file and its background work. The file is kept in the database (workers
    may run on another machine) until the import ends; ``processed`` is the progress, and the
    work resumes from it after a restart."""

    __tablename__ = "portfolio_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolio.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(30), default="en_attente", index=True)
    # « valides »: import only the valid rows; « tout »: import only if every row is valid.
    mode: Mapped[str | None] = mapped_column(String(10))
    auto_import: Mapped[bool] = mapped_column(Boolean, default=False)  # API: import right after the check
    total: Mapped[int] = mapped_column(Integer, default=0)
    valid: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict | None] = mapped_column(JSON)  # format, encoding, columns, file errors
    report: Mapped[list | None] = mapped_column(JSON)  # rows with errors or remarks
    message: Mapped[str | None] = mapped_column(Text)  # French, shown to the user
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    portfolio: Mapped[Portfolio] = relationship(back_populates="imports")

    @property
    def running(self) -> bool:
        return self.status in ("en_attente", "analyse", "import_demande", "import")

    @property
    def percent(self) -> int:
        if self.status in ("termine",):
            return 100
        if self.status == "import" and self.valid:
            return min(99, round(100 * self.processed / max(1, self.valid)))
        return 0


# Indexes on the ``updated_at`` of the site tables: the portfolio page reads only what changed
# since its figures were computed (app.portfolio.service.stale_items).
Index("ix_site_updated_at", Site.updated_at)
Index("ix_answer_updated_at", Answer.updated_at)
Index("ix_step_progress_updated_at", StepProgress.updated_at)


class SiteReference(db.Model):
    """An id of the site in another public inventory (Cartofriches), kept with the site."""

    __tablename__ = "site_reference"
    __table_args__ = (UniqueConstraint("site_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
