"""JSON bodies of the public API, one function per kind of object: the only place where API
field names (French, CNIG vocabulary) are written. Editors' notes (``redaction``) are never
served."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.engine import plan
from app.engine.catalogs import Catalogs, Contact, Item, Resource, Scheme, Step
from app.engine.parcours import PathResult, SchemeResult, missing_keys


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def provenance(item: Item) -> dict:
    """What every catalog item says about where it comes from."""
    return {
        "sources": [{"url": s.url, "titre": s.title} for s in item.sources],
        "verifie_le": _iso(item.checked_on),
        "verifie": item.verified,
        "note": item.note,
        "a_confirmer": item.to_confirm,
    }


def timing(scheme: Scheme, today: date) -> dict:
    t = scheme.timing(today)
    return {
        "statut": t.status,
        "calendrier_confirme": t.confirmed,
        "date_ouverture": _iso(t.opens),
        "date_limite": _iso(t.closes),
        "derniere_date_limite": _iso(t.last_deadline),
        "recurrence": scheme.calendar.recurrence,
    }


# --- POST /api/v1/parcours ----------------------------------------------------------------------


def path_body(result: PathResult, territoire: Mapping | None) -> dict:
    """The API contract's response body for a computed path."""
    return {
        "territoire": territoire,
        "etapes": [
            {
                "id": s.step.id,
                "phase": s.phase.title,
                "phase_id": s.phase.id,
                "titre": s.step.title,
                "description": s.step.objective,
                "actions": list(s.step.actions),
                "qui": s.step.who,
                "statut": s.status,
                "pourquoi": s.reasons,
                "questions_a_preciser": missing_keys(s.missing),
                "contacts": [c.id for c in s.contacts],
                "financements": [f.id for f in s.schemes],
                "ressources": [r.id for r in s.resources],
                "note": s.step.note,
                "a_confirmer": s.step.to_confirm,
                "verifie": s.step.verified,
            }
            for s in result.steps
        ],
        "contacts": [
            {
                "id": c.id,
                "nom": c.name,
                "type": c.type.id,
                "role": c.role,
                "url": c.url,
                "annuaire": c.directory,
                "verifie": c.verified,
                "remarque": c.note,
            }
            for c in result.contacts
        ],
        "financements": [scheme_result_body(s, result.today) for s in result.schemes],
        "ressources": [
            {"id": r.id, "titre": r.title, "description": r.description, "url": r.url, "type": r.kind}
            for r in result.resources
        ],
        "avertissements": result.warnings,
        **plan_summaries(result),
    }


def deadline_body(d: plan.Deadline) -> dict:
    return {
        "type": d.kind.value,
        "date": _iso(d.day),
        "libelle": d.label,
        "financement": d.scheme.id if d.scheme else None,
    }


def plan_summaries(result: PathResult) -> dict:
    """What to do first (app.engine.plan): the API knows no tracking, so the next actions are the
    first steps of the path; contacts once by role; schemes once, soonest date first."""
    return {
        "prochaines_actions": [
            {
                "etape": a.id,
                "contacts": [c.id for c in a.contacts],
                "echeance": deadline_body(a.deadline),
            }
            for a in plan.next_actions(result, {})
        ],
        "interlocuteurs": [
            {
                "type": role.type.id,
                "role": role.type.role,
                "contacts": [{"id": i.contact.id, "etapes": [s.id for s in i.steps]} for i in role.contacts],
            }
            for role in plan.interlocutors(result)
        ],
        "calendrier_financements": [
            {"financement": f.id, "echeance": deadline_body(f.deadline), "etapes": [s.id for s in f.steps]}
            for f in plan.funding(result)
        ],
    }


def scheme_result_body(s: SchemeResult, today: date) -> dict:
    sch = s.scheme
    return {
        "id": sch.id,
        "nom": sch.name,
        "financeur": sch.funder,
        "nature": sch.nature,
        "finance": list(sch.finances),
        **timing(sch, today),
        "jours_restants": s.days_left,
        "eligibilite": s.eligibility,
        "pourquoi": s.reasons,
        "questions_a_preciser": missing_keys(s.missing),
        "taux": sch.rate,
        "plafond": sch.ceiling,
        "candidater": sch.how_to_apply,
        "url": sch.url,
        "note": sch.note,
        "a_confirmer": sch.to_confirm,
        "verifie": sch.verified,
    }


# --- /api/v1/catalogue/… ------------------------------------------------------------------------


def step_body(s: Step) -> dict:
    return {
        "id": s.id,
        "phase": s.phase,
        "titre": s.title,
        "objectif": s.objective,
        "actions": list(s.actions),
        "qui": s.who,
        "duree": s.duration,
        "cout": s.cost,
        "si": s.condition,
        "apres": list(s.after),
        "contacts": list(s.contact_types),
        "financements": list(s.schemes),
        "ressources": list(s.resources),
        **provenance(s),
    }


def scheme_body(f: Scheme, today: date) -> dict:
    return {
        "id": f.id,
        "nom": f.name,
        "financeur": f.funder,
        "nature": f.nature,
        "finance": list(f.finances),
        "beneficiaires": list(f.beneficiaries),
        "usages": list(f.uses),
        "si": f.condition,
        "taux": f.rate,
        "plafond": f.ceiling,
        **timing(f, today),
        "candidater": f.how_to_apply,
        "url": f.url,
        **provenance(f),
    }


def contact_body(c: Contact) -> dict:
    return {
        "id": c.id,
        "type": c.type,
        "nom": c.name,
        "url": c.url,
        "couvre": {k: sorted(v) for k, v in c.covers.items()},
        "statut_epf": c.epf_status,
        "perimetre_partiel": c.partial_perimeter,
        **provenance(c),
    }


def resource_body(r: Resource) -> dict:
    return {
        "id": r.id,
        "titre": r.title,
        "description": r.description,
        "url": r.url,
        "type": r.kind,
        **provenance(r),
    }


def steps_catalogue(cat: Catalogs) -> dict:
    return {
        "phases": [{"id": p.id, "titre": p.title} for p in cat.phases],
        "etapes": [step_body(s) for s in cat.steps],
    }


def schemes_catalogue(cat: Catalogs, today: date) -> dict:
    return {"financements": [scheme_body(f, today) for f in cat.schemes.values()]}


def contacts_catalogue(cat: Catalogs) -> dict:
    return {
        "types": [
            {"id": t.id, "nom": t.name, "role": t.role, "annuaire": t.directory_code}
            for t in cat.contact_types.values()
        ],
        "contacts": [contact_body(c) for c in cat.contacts],
    }


def resources_catalogue(cat: Catalogs) -> dict:
    return {"ressources": [resource_body(r) for r in cat.resources.values()]}
