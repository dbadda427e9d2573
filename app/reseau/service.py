"""Publishing, moderating and matching projets inspirants (Flask-free apart from the session)."""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import Site, StepProgress, utcnow
from app.reseau.models import ProjetInspirant

TEXT_LIMITS = {"titre": 120, "recit": 3000, "financements": 1500, "enseignements": 3000}
# Surfaces are « similar » when the larger is at most this many times the smaller.
SIZE_RATIO = 3.0
MAX_COMPARABLES = 3


def usage_label(content, value) -> str | None:
    info = content.vocabulary.get(("question", "usage"))
    if isinstance(value, list):  # the site's own answer: several uses may be chosen
        labels = [usage_label(content, v) for v in value]
        return ", ".join(label for label in labels if label) or None
    if value in (None, "", "inconnu"):
        return None
    return (info.choices.get(value) if info else None) or str(value)


def site_usages(site: Site) -> list[str]:
    """The intended uses answered for the site. « usage » is a multiple-choice question (a list),
    older or imported answers may hold one value; unknown and empty answers are dropped."""
    value = site.answer_map().get("usage")
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if v not in (None, "", "inconnu")]


def phase_reached(site: Site, catalogs) -> str | None:
    """The latest phase in which the owner marked a step « fait »."""
    order = {p.id: p.index for p in catalogs.phases}
    done = StepProgress.query.filter_by(site_id=site.id, status="fait").all()
    phases = [catalogs.steps_by_id[p.step_id].phase for p in done if p.step_id in catalogs.steps_by_id]
    return max(phases, key=lambda ph: order.get(ph, -1)) if phases else None


def site_surface(site: Site) -> float | None:
    if site.surface_m2:
        return float(site.surface_m2)
    value = site.answer_map().get("unite_fonciere_surface")
    return float(value) if isinstance(value, int | float) and value > 0 else None


def validate(form) -> tuple[dict, dict]:
    """(clean values, errors by field): texts trimmed and bounded, the consent required."""
    values, errors = {}, {}
    for key, limit in TEXT_LIMITS.items():
        text = (form.get(key) or "").strip().replace("\r\n", "\n")
        values[key] = text
        if len(text) > limit:
            errors[key] = f"Ce texte ne doit pas dépasser {limit} caractères (actuellement {len(text)})."
    if not values["titre"]:
        errors["titre"] = (
            "Donnez un titre au projet, par exemple « Une ancienne filature devenue médiathèque »."
        )
    if not values["recit"]:
        errors["recit"] = (
            "Racontez le projet en quelques lignes : c'est ce que liront les autres territoires."
        )
    for key in ("montrer_commune", "montrer_surface", "montrer_usage", "montrer_phase"):
        values[key] = form.get(key) == "oui"
    if form.get("accord") != "oui":
        errors["accord"] = "Cochez la case pour accepter que ces informations soient publiées."
    return values, errors


def publish(site: Site, content, values: dict) -> ProjetInspirant:
    """Create or update the publication; it (re)enters the moderation queue."""
    projet = ProjetInspirant.query.filter_by(site_id=site.id).first() or ProjetInspirant(site_id=site.id)
    for key in TEXT_LIMITS:
        setattr(projet, key, values[key])
    # One use per published project (its list filter and the comparables match on it): the
    # first one the owner chose, as ordered in the questionnaire.
    usages = site_usages(site)
    projet.usage = usages[0] if values["montrer_usage"] and usages else None
    projet.phase = phase_reached(site, content.catalogs) if values["montrer_phase"] else None
    projet.surface_m2 = site_surface(site) if values["montrer_surface"] else None
    shown = values["montrer_commune"]
    projet.commune_code = site.commune_code if shown else None
    projet.departement_code = site.departement_code
    projet.region_code = site.region_code
    projet.statut = "en_attente"
    projet.motif_refus = None
    projet.publie_le = None
    db.session.add(projet)
    return projet


def withdraw(site: Site) -> bool:
    projet = ProjetInspirant.query.filter_by(site_id=site.id).first()
    if projet is None or projet.statut == "retire":
        return False
    projet.statut = "retire"
    projet.publie_le = None
    from app.reseau.contact import drop_pending

    drop_pending(projet)
    return True


def approve(projet: ProjetInspirant) -> None:
    projet.statut = "publie"
    projet.publie_le = utcnow()
    projet.motif_refus = None


def reject(projet: ProjetInspirant, reason: str) -> None:
    projet.statut = "refuse"
    projet.publie_le = None
    projet.motif_refus = reason


def published():
    return ProjetInspirant.query.filter_by(statut="publie").order_by(ProjetInspirant.publie_le.desc())


@dataclass(frozen=True)
class Comparable:
    projet: ProjetInspirant
    reasons: tuple[str, ...]
    rank: tuple


def _ha(m2: float) -> str:
    return f"{m2 / 10000:.1f} ha".replace(".", ",")


def comparables(site: Site, content, limit: int = MAX_COMPARABLES) -> list[Comparable]:
    """Published projects with the same intended use and a similar size (when both are known),
    nearest first (same commune, département, région, then elsewhere), with the reasons."""
    usages = site_usages(site)
    if not usages:
        return []
    surface = site_surface(site)
    out = []
    for p in published().filter(ProjetInspirant.usage.in_(usages), ProjetInspirant.site_id != site.id):
        label = usage_label(content, p.usage)
        reasons = [f"même usage : {label.lower() if label else p.usage}"]
        size_gap = 0.0
        if surface and p.surface_m2:
            ratio = max(surface, p.surface_m2) / min(surface, p.surface_m2)
            if ratio > SIZE_RATIO:
                continue
            size_gap = ratio
            reasons.append(f"surface proche ({_ha(p.surface_m2)}, votre site {_ha(surface)})")
        if p.commune_code and p.commune_code == site.commune_code:
            near, reasons_near = 0, "même commune"
        elif p.departement_code and p.departement_code == site.departement_code:
            near, reasons_near = 1, "même département"
        elif p.region_code and p.region_code == site.region_code:
            near, reasons_near = 2, "même région"
        else:
            near, reasons_near = 3, None
        if reasons_near:
            reasons.append(reasons_near)
        out.append(
            Comparable(p, tuple(reasons), (near, size_gap, -(p.publie_le.timestamp() if p.publie_le else 0)))
        )
    out.sort(key=lambda c: c.rank)
    return out[:limit]
