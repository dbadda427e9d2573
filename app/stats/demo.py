"""Demonstration data: clearly labelled fictitious sites and events so that a fresh install shows
a living /stats page. Every row is marked (``Site.is_demo``, ``Event.is_demo``, names starting
with « [Démo] ») and ``flask demo clear`` removes exactly those rows.

Demo data COUNT in the public figures (the page and every other page say so with a banner).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import delete, func, select

from app.models import Answer, Event, EventType, Site, StepProgress

PREFIX = "[Démo]"

# (commune, EPCI or None, département, région) — real codes, so names and zoning resolve.
COMMUNES = [
    ("59350", "200093201", "59", "32"),
    ("59512", "200093201", "59", "32"),
    ("42218", "244200770", "42", "84"),
    ("42095", "244200770", "42", "84"),
    ("71153", "247100290", "71", "27"),
    ("71306", "247100290", "71", "27"),
    ("59172", "200042190", "59", "32"),
    ("18279", "200090561", "18", "24"),
    ("19272", "241927201", "19", "75"),
    ("12089", "200067064", "12", "76"),
    ("62498", "246200364", "62", "32"),
    ("62510", "246200364", "62", "32"),
    ("03082", "200071512", "03", "84"),
    ("08185", "240800821", "08", "44"),
    ("12218", "241200641", "12", "76"),
    ("19070", "241900133", "19", "75"),
    ("58194", "245804406", "58", "27"),
    ("23096", "200034825", "23", "75"),
    ("29155", None, "29", "53"),
    ("22016", None, "22", "53"),  # islands in no EPCI
]
FRICHES = [
    "ancienne filature",
    "friche ferroviaire",
    "ancienne usine textile",
    "garage désaffecté",
    "ancien collège",
    "friche commerciale",
    "site minier",
    "ancienne caserne",
    "dépôt pétrolier",
    "scierie",
    "ancienne laiterie",
    "hôpital désaffecté",
]
USAGES = [
    "habitat",
    "habitat",
    "mixte",
    "équipement public",
    "aménagement d'espace public",
    "renaturation",
    "commerce",
    "industrie",
    "autres activités économiques",
    "panneaux photovoltaïques",
]
STEPS = [  # (step id, phase), in path order
    ("inventaire-site", "connaitre"),
    ("identifier-proprietaire", "foncier"),
    ("visite-regard-exterieur", "connaitre"),
    ("avis-domaine", "foncier"),
    ("acquisition-amiable", "foncier"),
    ("pollution-etude-historique", "diagnostiquer"),
    ("pollution-diagnostic", "diagnostiquer"),
    ("diagnostic-technique-bati", "diagnostiquer"),
    ("etude-faisabilite", "projet"),
    ("programmation", "projet"),
    ("bilan-amenagement", "montage"),
    ("demandes-financement", "montage"),
    ("desamiantage", "realiser"),
    ("deconstruction-reemploi", "realiser"),
]
SCHEMES = [
    "fonds-vert-recyclage-foncier",
    "ademe-friches-polluees-etudes",
    "foncier-prets",
    "europe-regions-programmes",
    "etat-ademe",
]
RESOURCES = ["cartofriches", "mutafriches", "benefriches", "georisques", "urbanvitaliz"]


def seed(session, today: date, sites: int = 48, rng_seed: int = 2026) -> dict[str, int]:
    """Add ``sites`` demo sites with their events over the 12 months ending ``today``."""
    rng = random.Random(rng_seed)
    counts = {"sites": 0, "evenements": 0}
    for i in range(sites):
        commune, epci, dep, reg = COMMUNES[i % len(COMMUNES)]
        created = datetime.combine(
            today - timedelta(days=rng.randint(0, 360)), time(rng.randint(8, 18), rng.randint(0, 59))
        )
        site = Site(
            nom=f"{PREFIX} {FRICHES[i % len(FRICHES)].capitalize()} n° {i + 1}",
            created_at=created,
            commune_code=commune,
            epci_code=epci,
            departement_code=dep,
            region_code=reg,
            surface_m2=rng.choice([None, rng.randint(2_000, 60_000)]),
            is_demo=True,
        )
        session.add(site)
        session.flush()
        counts["sites"] += 1
        events: list[tuple[EventType, datetime, dict | None]] = [(EventType.SITE_CREATED, created, None)]
        session.add(
            Answer(
                site_id=site.id,
                question_id="usage",
                value=rng.choice(USAGES),
                question_label="Quel usage envisagez-vous pour le site ?",
            )
        )
        if site.surface_m2 is None and rng.random() < 0.7:
            session.add(
                Answer(
                    site_id=site.id,
                    question_id="unite_fonciere_surface",
                    value=rng.randint(1_000, 80_000),
                    question_label="Quelle est la surface totale du terrain ?",
                )
            )
        if rng.random() < 0.8:
            site.completed_at = created + timedelta(minutes=rng.randint(6, 90))
            events.append(
                (EventType.QUESTIONNAIRE_DONE, site.completed_at, {"questions": rng.randint(15, 35)})
            )
        # Visits: a few sessions spread over the following weeks, each viewing the path and
        # sometimes moving a step forward, voting or exporting.
        visit = site.completed_at or created
        step_index = 0
        for _ in range(rng.randint(0, 7)):
            if visit.date() > today:
                break
            events.append(
                (
                    EventType.PATH_VIEWED,
                    visit + timedelta(minutes=1),
                    {
                        "financements": rng.sample(SCHEMES, rng.randint(1, 3)),
                        "nb_etapes": rng.randint(20, 40),
                    },
                )
            )
            if step_index < len(STEPS) and rng.random() < 0.7:
                step_id, phase = STEPS[step_index]
                status = "fait" if rng.random() < 0.75 else "en_cours"
                events.append(
                    (
                        EventType.STEP_STATUS,
                        visit + timedelta(minutes=5),
                        {"etape": step_id, "phase": phase, "statut": status},
                    )
                )
                if status == "fait":
                    session.add(
                        StepProgress(site_id=site.id, step_id=step_id, status="fait", date=visit.date())
                    )
                    step_index += rng.randint(1, 3)
            if rng.random() < 0.4:
                kind = rng.choice(["etape", "ressource"])
                item = STEPS[min(step_index, len(STEPS) - 1)][0] if kind == "etape" else rng.choice(RESOURCES)
                events.append(
                    (
                        EventType.VOTE,
                        visit + timedelta(minutes=6),
                        {"type": kind, "id": item, "utile": rng.random() < 0.8},
                    )
                )
            if rng.random() < 0.15:
                events.append((EventType.EXPORT, visit + timedelta(minutes=8), {"format": "pdf"}))
            visit += timedelta(days=rng.randint(3, 30), hours=rng.randint(0, 6))
        now = datetime.combine(today, time(23, 59))
        for kind, at, data in events:
            if at > now:
                continue
            session.add(
                Event(
                    type=kind.value,
                    site_id=site.id,
                    created_at=at,
                    data=data,
                    commune_code=commune,
                    epci_code=epci,
                    departement_code=dep,
                    region_code=reg,
                    is_demo=True,
                )
            )
            counts["evenements"] += 1
    session.commit()
    return counts


def clear(session) -> dict[str, int]:
    """Remove every demonstration row (children first, so SQLite without FK cascade is fine too)."""
    demo_ids = select(Site.id).where(Site.is_demo.is_(True))
    counts = {
        "sites": session.execute(
            select(func.count()).select_from(Site).where(Site.is_demo.is_(True))
        ).scalar()
    }
    counts["evenements"] = session.execute(
        delete(Event).where((Event.is_demo.is_(True)) | Event.site_id.in_(demo_ids))
    ).rowcount
    session.execute(delete(Answer).where(Answer.site_id.in_(demo_ids)))
    session.execute(delete(StepProgress).where(StepProgress.site_id.in_(demo_ids)))
    session.execute(delete(Site).where(Site.is_demo.is_(True)))
    session.commit()
    return counts


demo_cli = AppGroup("demo", help="Données de démonstration de la page /stats.")


def _after_change() -> None:
    from flask import current_app

    from app.stats import forget_demo_flag
    from app.stats.routes import CACHE

    CACHE.clear()
    forget_demo_flag(current_app)


@demo_cli.command("seed")
@click.option("--sites", default=48, show_default=True, help="Nombre de sites de démonstration.")
def seed_command(sites: int) -> None:
    """Crée des sites et événements de démonstration (remplace ceux qui existent)."""
    from app.extensions import db

    removed = clear(db.session)
    counts = seed(db.session, datetime.now(UTC).date(), sites=sites)
    _after_change()
    click.echo(
        f"Démonstration : {counts['sites']} sites et {counts['evenements']} événements créés"
        + (f" ({removed['sites']} sites de démonstration remplacés)." if removed["sites"] else ".")
    )
    click.echo(
        "Ils sont comptés dans /stats ; un bandeau le signale sur chaque page. Retirez-les avec « flask demo clear »."
    )


@demo_cli.command("clear")
def clear_command() -> None:
    """Supprime toutes les données de démonstration."""
    from app.extensions import db

    counts = clear(db.session)
    _after_change()
    click.echo(f"Démonstration supprimée : {counts['sites']} sites et {counts['evenements']} événements.")
