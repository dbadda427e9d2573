"""Reminders that respect people: ``flask reminders send`` (cron-friendly, e.g. once a day)
e-mails the owners of a site inactive for ``REMINDER_WEEKS`` weeks (4 by default) — at most
once every ``REMINDER_WEEKS`` weeks per site — with its next action and nearest date, and a
one-click unsubscribe link for that site and one for every reminder (« Ne plus recevoir aucun
rappel », also in the ``List-Unsubscribe`` header, RFC 8058 one-click). What was sent, and who
unsubscribed from a site, is kept in the site's action log: the log line « rappel » dates the
last reminder, a « rappels » line with ``{"compte": id, "actif": false}`` is an owner's
unsubscription from that site. The global choice is ``Account.reminders_enabled`` (also switched
on /compte).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func

from app.accounts.models import Account, SiteActivity, SiteMember
from app.extensions import db
from app.models import Site, utcnow

SENT_KIND = "rappel"
OPT_KIND = "rappels"
QUIET_KINDS = (SENT_KIND, OPT_KIND)  # they are no activity of the people of the site


def weeks() -> int:
    return int(current_app.config.get("REMINDER_WEEKS") or 4)


def unsubscribe_key(site: Site, account_id: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"rappels\x1f{site.id}\x1f{account_id}".encode(), hashlib.sha256)
    return f"{site.id}-{account_id}-{digest.hexdigest()[:32]}"


def read_unsubscribe_key(key: str, secret: str) -> tuple[Site, int] | None:
    parts = key.split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    site = db.session.get(Site, int(parts[0]))
    if site is None or not hmac.compare_digest(unsubscribe_key(site, int(parts[1]), secret), key):
        return None
    return site, int(parts[1])


def account_key(account_id: int, secret: str) -> str:
    """The key of the « Ne plus recevoir aucun rappel » link of an account."""
    digest = hmac.new(secret.encode(), f"rappels-tous\x1f{account_id}".encode(), hashlib.sha256)
    return f"{account_id}-{digest.hexdigest()[:32]}"


def read_account_key(key: str, secret: str) -> Account | None:
    account_id, _, _ = key.partition("-")
    if not account_id.isdigit() or len(account_id) > 18:
        return None
    if not hmac.compare_digest(account_key(int(account_id), secret), key):
        return None
    return db.session.get(Account, int(account_id))


def subscribed(site: Site, account_id: int) -> bool:
    for line in (
        SiteActivity.query.filter_by(site_id=site.id, kind=OPT_KIND)
        .order_by(SiteActivity.created_at.desc(), SiteActivity.id.desc())
        .all()
    ):
        if (line.data or {}).get("compte") == account_id:
            return bool(line.data.get("actif"))
    return True


def last_activity(site: Site) -> datetime:
    latest = (
        SiteActivity.query.filter(SiteActivity.site_id == site.id, SiteActivity.kind.notin_(QUIET_KINDS))
        .order_by(SiteActivity.created_at.desc())
        .first()
    )
    return _latest(site, latest.created_at if latest is not None else None)


def last_activities(sites: list[Site]) -> dict[int, datetime]:
    """:func:`last_activity` of many sites (« Mes sites », the advisers' view): their action
    logs read in one query per 500 sites instead of one per site."""
    logged: dict[int, datetime] = {}
    ids = [site.id for site in sites]
    for start in range(0, len(ids), 500):
        rows = (
            db.session.query(SiteActivity.site_id, func.max(SiteActivity.created_at))
            .filter(SiteActivity.site_id.in_(ids[start : start + 500]), SiteActivity.kind.notin_(QUIET_KINDS))
            .group_by(SiteActivity.site_id)
        )
        logged.update({site_id: at for site_id, at in rows if at is not None})
    return {site.id: _latest(site, logged.get(site.id)) for site in sites}


def _latest(site: Site, logged: datetime | None) -> datetime:
    """The latest of the site's own update, its answers', its steps' and ``logged`` (its
    latest action-log line that is not a reminder)."""
    stamps = [site.updated_at, logged]
    stamps += [a.updated_at for a in site.answers if a.updated_at]
    stamps += [s.updated_at for s in site.steps if s.updated_at]
    return max(s for s in stamps if s is not None)


def last_sent(site: Site) -> datetime | None:
    line = (
        SiteActivity.query.filter_by(site_id=site.id, kind=SENT_KIND)
        .order_by(SiteActivity.created_at.desc())
        .first()
    )
    return line.created_at if line else None


def due(site: Site, now: datetime) -> bool:
    quiet = timedelta(weeks=weeks())
    sent = last_sent(site)
    return last_activity(site) <= now - quiet and (sent is None or sent <= now - quiet)


def _message(site: Site, site_url: str, unsubscribe_url: str, all_url: str) -> tuple[str, str]:
    from app.engine.plan import DeadlineKind, next_actions
    from app.parcours.service import compute_for_site

    path, _ = compute_for_site(site)
    actions = next_actions(path, {p.step_id: p for p in site.steps}, n=1)
    name = f"« {site.nom} »" if site.nom else "de friche"
    lines = [f"Bonjour,\n\nVotre site {name} n'a pas bougé depuis {weeks()} semaines dans Parcours Friches."]
    if actions:
        action = actions[0]
        lines.append(f"Prochaine action : {action.step.step.title}.")
        if action.deadline.kind != DeadlineKind.NONE:
            lines.append(f"Calendrier : {action.deadline.label}.")  # as on the site's page
    else:
        lines.append("Toutes les étapes de votre parcours sont faites ou écartées : bravo.")
    lines.append(f"\nReprendre votre parcours : {site_url}")
    lines.append(
        f"\nVous ne recevrez pas d'autre rappel pour ce site avant {weeks()} semaines. "
        f"Pour ne plus en recevoir du tout pour ce site : {unsubscribe_url}\n"
        f"\nNe plus recevoir aucun rappel, pour aucun site : {all_url}\n"
    )
    return f"Votre site {name} vous attend", "\n".join(lines)


def send_due(now: datetime | None = None) -> int:
    """Send every reminder due; returns how many e-mails left."""
    from app.accounts.service import log
    from app.mail import MailError, send_mail
    from app.sites.service import public_url

    now = now or utcnow()
    secret = current_app.config["SECRET_KEY"]
    sent = 0
    site_ids = [row[0] for row in db.session.query(SiteMember.site_id).distinct()]
    for site in Site.query.filter(Site.id.in_(site_ids)).order_by(Site.id):
        if not due(site, now):
            continue
        owners = SiteMember.query.filter_by(site_id=site.id, role="proprietaire").all()
        recipients = [m for m in owners if m.account.reminders_enabled and subscribed(site, m.account_id)]
        if not recipients:
            continue
        for member in recipients:
            key = unsubscribe_key(site, member.account_id, secret)
            all_url = public_url("accounts.unsubscribe_all", cle=account_key(member.account_id, secret))
            subject, body = _message(
                site,
                public_url("sites.show", token=site.token),
                public_url("accounts.unsubscribe", cle=key),
                all_url,
            )
            # RFC 2369 / RFC 8058: the mail client's own « Se désabonner » posts to the same link
            headers = {
                "List-Unsubscribe": f"<{all_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            try:
                send_mail(member.account.email, subject, body, headers=headers)
                sent += 1
            except MailError:
                continue
        log(
            site, None, SENT_KIND, "Parcours Friches a envoyé un rappel aux propriétaires", {"via": "service"}
        )
        db.session.commit()
    return sent


@click.group("reminders", help="Rappels aux propriétaires des sites inactifs.")
def reminders_cli():
    pass


@reminders_cli.command("send")
@with_appcontext
def send_command():
    """Envoie les rappels dus (à lancer chaque jour, par exemple par cron)."""
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or None):
        count = send_due()
    click.echo(f"{count} rappel(s) envoyé(s).")
