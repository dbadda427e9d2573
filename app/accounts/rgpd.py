"""Personal data: everything about an account or a site as JSON, and hard deletion.

Statistics events (``event``) carry no personal data: when a site is deleted they are kept,
detached from it (``site_id`` emptied), so that the public figures of the past do not change;
they still hold only territory codes and non-personal details."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Account, Invitation, LoginCode, ShareLink, SiteActivity, SiteMember
from app.accounts.service import actor_name
from app.extensions import db
from app.models import Event, Site


def _iso(value):
    return value.isoformat() if value is not None else None


def site_export(site: Site, with_members: bool) -> dict:
    link = ShareLink.query.filter_by(site_id=site.id).first()  # its secret is no data to export
    data = {
        "nom": site.nom,
        "cree_le": _iso(site.created_at),
        "modifie_le": _iso(site.updated_at),
        "commune": site.commune_code,
        "intercommunalite": site.epci_code,
        "departement": site.departement_code,
        "region": site.region_code,
        "point": site.point_geojson,
        "perimetre": site.perimeter_geojson,
        "surface_m2": site.surface_m2,
        "questionnaire_termine_le": _iso(site.completed_at),
        "reponses": [
            {
                "question": a.question_id,
                "intitule": a.question_label,
                "valeur": a.value,
                "valeur_affichee": a.value_label,
                "source": a.source,
                "modifiee_le": _iso(a.updated_at),
            }
            for a in sorted(site.answers, key=lambda a: a.question_id)
        ],
        "etapes": [
            {
                "etape": s.step_id,
                "etat": s.status,
                "date": _iso(s.date),
                "note": s.note,
                "modifiee_le": _iso(s.updated_at),
            }
            for s in sorted(site.steps, key=lambda s: s.step_id)
        ],
        "lien_de_lecture_cree_le": _iso(link.created_at) if link else None,
        "journal": [
            {"date": _iso(a.created_at), "qui": actor_name(a), "action": a.text}
            for a in SiteActivity.query.filter_by(site_id=site.id).order_by(SiteActivity.created_at)
        ],
    }
    if with_members:
        data["personnes"] = [
            {"courriel": m.account.email, "nom": m.account.nom, "role": m.role, "depuis": _iso(m.created_at)}
            for m in SiteMember.query.filter_by(site_id=site.id).order_by(SiteMember.created_at)
        ]
        data["invitations_en_attente"] = [
            {
                "courriel": i.email,
                "role": i.role,
                "envoyee_le": _iso(i.created_at),
                "expire_le": _iso(i.expires_at),
            }
            for i in Invitation.query.filter_by(site_id=site.id)
        ]
    return data


def account_export(account: Account, site_url) -> dict:
    return {
        "compte": {
            "courriel": account.email,
            "nom": account.nom,
            "cree_le": _iso(account.created_at),
            "derniere_connexion": _iso(account.last_login_at),
            "rappels_par_courriel": account.reminders_enabled,
        },
        "sites": [
            {
                "role": m.role,
                "depuis": _iso(m.created_at),
                "lien": site_url(m.site),
                "site": site_export(m.site, m.role == "proprietaire"),
            }
            for m in account.memberships
        ],
        "actions": [
            {"date": _iso(a.created_at), "action": a.text}
            for a in SiteActivity.query.filter_by(account_id=account.id).order_by(SiteActivity.created_at)
        ],
        "invitations_recues": [
            {"role": i.role, "envoyee_le": _iso(i.created_at), "expire_le": _iso(i.expires_at)}
            for i in Invitation.query.filter_by(email=account.email)
        ],
    }


def delete_site(site: Site) -> None:
    """Hard-delete a site and everything attached to it (answers, tracking, members,
    invitations, action log, portfolio lines, its projet inspirant and the readers' messages to
    it); its statistics events stay, detached."""
    from app.portfolio.models import PortfolioSite, SiteReference
    from app.reseau.models import MessageContact, ProjetInspirant

    Event.query.filter_by(site_id=site.id).update({"site_id": None}, synchronize_session=False)
    projets = select(ProjetInspirant.id).where(ProjetInspirant.site_id == site.id)
    MessageContact.query.filter(MessageContact.projet_id.in_(projets)).delete(synchronize_session=False)
    ProjetInspirant.query.filter_by(site_id=site.id).delete(synchronize_session=False)
    for model in (SiteActivity, Invitation, SiteMember, ShareLink, SiteReference):
        model.query.filter_by(site_id=site.id).delete(synchronize_session=False)
    for line in PortfolioSite.query.filter_by(site_id=site.id).all():
        db.session.delete(line)
    db.session.delete(site)


def sites_deleted_with(account: Account) -> list[Site]:
    """The sites the account is alone on: deleted with it."""
    return [m.site for m in account.memberships if SiteMember.query.filter_by(site_id=m.site_id).count() == 1]


def blocking_sites(account: Account) -> list[Site]:
    """Sites with other members where the account is the only owner: ownership must be handed
    over first (otherwise nobody could manage them)."""
    blocked = []
    for m in account.memberships:
        if m.role != "proprietaire":
            continue
        others = SiteMember.query.filter(SiteMember.site_id == m.site_id, SiteMember.account_id != account.id)
        if others.count() and not others.filter_by(role="proprietaire").count():
            blocked.append(m.site)
    return blocked


def delete_account(account: Account) -> None:
    """Hard-delete the account: its sites where it is alone, its memberships, the invitations
    it received or sent, its login codes; its name leaves the action logs."""
    for site in sites_deleted_with(account):
        delete_site(site)
    db.session.flush()
    SiteActivity.query.filter_by(account_id=account.id).update(
        {"account_id": None}, synchronize_session=False
    )
    Invitation.query.filter(
        (Invitation.email == account.email) | (Invitation.invited_by_id == account.id)
    ).delete(synchronize_session=False)
    LoginCode.query.filter_by(email=account.email).delete(synchronize_session=False)
    SiteMember.query.filter_by(account_id=account.id).delete(synchronize_session=False)
    db.session.expire(account, ["memberships"])
    db.session.delete(account)
