"""The advisers' view (DDT(M), EPF, Cerema, intercommunality staff): which territories each
adviser follows is decided by the service team in a YAML file (``ADVISERS_FILE``, outside the
repository: it holds e-mail addresses) edited with ``flask conseillers …``, never declared by
the adviser. An adviser sees only the sites of those territories **whose owners chose to share
them** (opt-in per site, revocable); consent is the site's action log itself: the latest
« partage » line decides, and says who chose it and when.

File format::

    conseillers:
      - courriel: agent@ddt-62.gouv.fr
        organisme: DDT du Pas-de-Calais
        departements: ["62"]
        epci: []        # SIREN codes, optional
        communes: []    # INSEE codes, optional
"""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts.models import SiteActivity
from app.accounts.service import normalize_email
from app.extensions import db
from app.models import Site

SHARE_KIND = "partage"
COMMENT_KIND = "commentaire"


def advisers_file() -> Path:
    configured = current_app.config.get("ADVISERS_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "conseillers.yaml"


_parsed: dict[Path, tuple[bytes, dict[str, dict]]] = {}


def load_advisers(path: Path) -> dict[str, dict]:
    """E-mail → {organisme, departements, epci, communes}. A missing file means no adviser.
    The file is read each time (a few hundred bytes) but parsed once per content: every
    logged-in view of a path page asks whether the visitor is an adviser. Returns a copy."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    cached = _parsed.get(path)
    if cached is None or cached[0] != data:
        cached = (data, _parse(path, data))
        _parsed[path] = cached
    return dict(cached[1])


def _parse(path: Path, data: bytes) -> dict[str, dict]:
    raw = yaml.safe_load(data.decode("utf-8")) or {}
    advisers = {}
    for entry in raw.get("conseillers") or []:
        email = normalize_email(str(entry.get("courriel", "")))
        if email is None:
            raise ValueError(f"{path}: adresse invalide « {entry.get('courriel')} »")
        advisers[email] = {
            "organisme": str(entry.get("organisme") or ""),
            "departements": {str(c) for c in entry.get("departements") or []},
            "epci": {str(c) for c in entry.get("epci") or []},
            "communes": {str(c) for c in entry.get("communes") or []},
        }
    return advisers


def adviser(email: str) -> dict | None:
    return load_advisers(advisers_file()).get(email)


def is_shared(site: Site) -> bool:
    latest = (
        SiteActivity.query.filter_by(site_id=site.id, kind=SHARE_KIND)
        .order_by(SiteActivity.created_at.desc(), SiteActivity.id.desc())
        .first()
    )
    return bool(latest and (latest.data or {}).get("actif"))


def in_territory(site: Site, entry: dict) -> bool:
    return (
        (site.departement_code or "") in entry["departements"]
        or (site.epci_code or "") in entry["epci"]
        or (site.commune_code or "") in entry["communes"]
    )


def shared_sites(entry: dict, *options) -> list[Site]:
    """The sites of the adviser's territories shared with advisers, newest first; ``options``
    are loader options of the sites (e.g. their answers). One query for the sites and their
    latest « partage » line (a correlated subquery), whatever their number."""
    latest_share = (
        select(SiteActivity.id)
        .where(SiteActivity.site_id == Site.id, SiteActivity.kind == SHARE_KIND)
        .order_by(SiteActivity.created_at.desc(), SiteActivity.id.desc())
        .limit(1)
        .correlate(Site)
        .scalar_subquery()
    )
    query = (
        db.session.query(Site, SiteActivity.data)
        .join(SiteActivity, SiteActivity.id == latest_share)
        .filter(
            Site.departement_code.in_(entry["departements"] or {"-"})
            | Site.epci_code.in_(entry["epci"] or {"-"})
            | Site.commune_code.in_(entry["communes"] or {"-"})
        )
        .filter(Site.is_demo.is_(False))
        .options(*options)
        .order_by(Site.updated_at.desc())
    )
    return [site for site, data in query if (data or {}).get("actif")]


def visible_to(site: Site | None, entry: dict | None) -> bool:
    return site is not None and entry is not None and in_territory(site, entry) and is_shared(site)


# --- CLI: flask conseillers … ---------------------------------------------------------------------


@click.group("conseillers", help="Conseillers (DDT, EPF, Cerema…) et territoires qu'ils suivent.")
def advisers_cli():
    pass


def _write(path: Path, advisers: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "conseillers": [
            {
                "courriel": email,
                "organisme": entry["organisme"],
                "departements": sorted(entry["departements"]),
                "epci": sorted(entry["epci"]),
                "communes": sorted(entry["communes"]),
            }
            for email, entry in sorted(advisers.items())
        ]
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@advisers_cli.command("ajouter")
@click.argument("courriel")
@click.option("--organisme", required=True, help="par ex. « DDT du Pas-de-Calais »")
@click.option("--departement", "departements", multiple=True, help="code du département (répétable)")
@click.option("--epci", "epcis", multiple=True, help="SIREN de l'intercommunalité (répétable)")
@click.option("--commune", "communes", multiple=True, help="code INSEE (répétable)")
@with_appcontext
def add_adviser(courriel, organisme, departements, epcis, communes):
    """Ajoute (ou remplace) un conseiller et ses territoires."""
    email = normalize_email(courriel)
    if email is None:
        raise click.ClickException("Adresse électronique invalide.")
    if not (departements or epcis or communes):
        raise click.ClickException("Indiquez au moins un territoire (--departement, --epci ou --commune).")
    path = advisers_file()
    advisers = load_advisers(path)
    advisers[email] = {
        "organisme": organisme,
        "departements": set(departements),
        "epci": set(epcis),
        "communes": set(communes),
    }
    _write(path, advisers)
    click.echo(f"Conseiller enregistré dans {path}.")


@advisers_cli.command("retirer")
@click.argument("courriel")
@with_appcontext
def remove_adviser(courriel):
    """Retire un conseiller : il ne voit plus aucun site."""
    path = advisers_file()
    advisers = load_advisers(path)
    if advisers.pop(normalize_email(courriel) or "", None) is None:
        raise click.ClickException("Ce conseiller n'est pas dans le fichier.")
    _write(path, advisers)
    click.echo("Conseiller retiré.")


@advisers_cli.command("liste")
@with_appcontext
def list_advisers():
    """Liste les conseillers et leurs territoires."""
    for email, entry in sorted(load_advisers(advisers_file()).items()):
        territories = ", ".join(
            [f"département {c}" for c in sorted(entry["departements"])]
            + [f"EPCI {c}" for c in sorted(entry["epci"])]
            + [f"commune {c}" for c in sorted(entry["communes"])]
        )
        click.echo(f"{email} — {entry['organisme']} — {territories}")
