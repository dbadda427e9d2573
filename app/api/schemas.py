"""Marshmallow schemas of the public API: they validate requests (French messages) and generate
the OpenAPI document (apispec), so the documentation cannot drift from the code.

Unknown fields are ignored (partners may send a whole CNIG record); ``null`` means unknown.
"""

from __future__ import annotations

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from app.engine.vocabulaire import AVANCEMENTS, CNIG_ENUMS, ICPE, PORTEURS, PROPRIETAIRES, USAGES, YEAR_FIELDS
from app.geo.geometry import MAX_AREA_M2, MAX_EXTENT_M, MAX_PARTS, MAX_VERTICES, WKT_POINT_PATTERN

YEAR_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
INSEE_RE = r"^(\d{5}|2[AB]\d{3})$"


def _choice(values, description: str = "") -> fields.String:
    listed = ", ".join(f"« {v} »" for v in values)
    return fields.String(
        allow_none=True,
        validate=validate.OneOf(
            values, error=f"Valeur inconnue « {{input}} ». Valeurs possibles : {listed}."
        ),
        error_messages={"invalid": "Une valeur texte est attendue."},
        metadata={"description": description} if description else {},
    )


class Surface(fields.Float):
    """A non-negative JSON number (strings and booleans are refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Un nombre est attendu (en m², sans unité).")
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError("Un nombre fini est attendu.")
        if value < 0:
            raise ValidationError("Le nombre doit être positif ou nul.")
        return float(value)


class Year(fields.Field):
    """A year (CNIG fields typed ``date``): an integer, or a text ``AAAA`` / ``AAAA-MM-JJ``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Une année est attendue (par exemple 1950).")
        if isinstance(value, int) and 0 <= value <= 9999:
            return value
        if isinstance(value, str) and YEAR_RE.match(value):
            return int(value[:4])
        raise ValidationError("Une année est attendue (par exemple 1950 ou « 1950-01-01 »).")


def year_property(converter, field, **kwargs) -> dict:
    """apispec attribute function: document Year as integer-or-text."""
    if isinstance(field, Year):
        return {
            "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": 9999},
                {"type": "string", "pattern": YEAR_RE.pattern},
            ]
        }
    return {}


class Usages(fields.Field):
    """``projet.usage``: one CNIG ``site_reconv_type`` value, or a list of them when the project
    mixes several uses (logements + parc). A text stays a text; a list is deduplicated, in the
    order given (an empty list is unknown)."""

    def _deserialize(self, value, attr, data, **kwargs):
        listed = ", ".join(f"« {v} »" for v in USAGES)
        if isinstance(value, str):
            if value not in USAGES:
                raise ValidationError(f"Valeur inconnue « {value} ». Valeurs possibles : {listed}.")
            return value
        if not isinstance(value, list):
            raise ValidationError("Une valeur texte ou une liste de valeurs texte est attendue.")
        if len(value) > len(USAGES):
            raise ValidationError(f"Au plus {len(USAGES)} valeurs.")
        for item in value:
            if not isinstance(item, str):
                raise ValidationError("Chaque valeur de la liste doit être un texte.")
            if item not in USAGES:
                raise ValidationError(f"Valeur inconnue « {item} ». Valeurs possibles : {listed}.")
        uses = list(dict.fromkeys(value))
        if "inconnu" in uses and len(uses) > 1:
            raise ValidationError("« inconnu » ne peut pas être combiné avec un usage.")
        return uses or None


def usage_property(converter, field, **kwargs) -> dict:
    """apispec attribute function: document Usages as text-or-list of CNIG values."""
    if isinstance(field, Usages):
        values = list(USAGES)
        return {
            "oneOf": [
                {"type": "string", "enum": values},
                {"type": "array", "items": {"type": "string", "enum": values}, "uniqueItems": True},
            ]
        }
    return {}


class _Lenient(Schema):
    error_messages = {"type": "Un objet JSON est attendu."}

    class Meta:
        unknown = EXCLUDE


_SITE_FIELDS: dict[str, fields.Field] = {
    "comm_insee": fields.String(
        allow_none=True,
        validate=validate.Regexp(INSEE_RE, error="Code INSEE invalide (5 caractères, ex. « 62528 »)."),
        metadata={"description": "Code INSEE de la commune.", "example": "62528"},
    ),
    "geompoint": fields.String(
        allow_none=True,
        metadata={
            "description": "Point WKT en WGS84, longitude d'abord. Utilisé si comm_insee est absent.",
            "example": "POINT(2.7766 50.4567)",
            "pattern": WKT_POINT_PATTERN,
        },
    ),
    "geomsurf": fields.Dict(
        allow_none=True,
        metadata={
            "description": (
                "Géométrie GeoJSON (WGS84). Utilisée si comm_insee et geompoint sont absents. Un site, "
                f"pas un territoire : au plus {MAX_VERTICES} sommets, {MAX_PARTS} polygones, "
                f"{MAX_EXTENT_M // 1000} km d'extension et {MAX_AREA_M2 // 10_000} ha ; sinon 422."
            )
        },
    ),
    "unite_fonciere_surface": Surface(allow_none=True, metadata={"description": "m²"}),
    "bati_surface": Surface(allow_none=True, metadata={"description": "m²"}),
    "bati_nombre": Surface(allow_none=True),
    "proprietaire": _choice(PROPRIETAIRES, "Extension du standard : propriétaire du site."),
    "icpe": _choice(ICPE, "Extension du standard : ancienne installation classée."),
}
_SITE_FIELDS.update(
    {name: _choice(values) for name, values in CNIG_ENUMS.items() if name != "site_reconv_type"}
)
_SITE_FIELDS.update({name: Year(allow_none=True) for name in YEAR_FIELDS if name != "site_reconv_annee"})
# The site, in CNIG « Friches » vocabulary (field names and values verbatim) plus two extensions.
SiteSchema = _Lenient.from_dict(_SITE_FIELDS, name="SiteSchema")


class ProjetSchema(_Lenient):
    usage = Usages(
        allow_none=True,
        metadata={
            "description": (
                "Usage envisagé : une valeur CNIG site_reconv_type, ou une liste de valeurs quand le "
                'projet en combine plusieurs (par exemple ["habitat", "aménagement d\'espace '
                'public"] pour des logements et un parc). Une étape ou un financement réservé à un '
                "usage s'applique dès que la liste le contient."
            ),
            "example": ["habitat", "aménagement d'espace public"],
        },
    )
    porteur = _choice(PORTEURS)
    avancement = _choice(AVANCEMENTS)


class ParcoursRequestSchema(_Lenient):
    site = fields.Nested(
        SiteSchema, allow_none=True, metadata={"description": "Champs CNIG, tous facultatifs."}
    )
    projet = fields.Nested(ProjetSchema, allow_none=True)


# --- responses (documentation and contract tests; the views build plain dicts) --------------------


class CodeNomSchema(Schema):
    code = fields.String(required=True)
    nom = fields.String(required=True, allow_none=True)


class CommuneSchema(CodeNomSchema):
    population = fields.Integer(required=True, allow_none=True)


class TerritoireSchema(Schema):
    commune = fields.Nested(CommuneSchema, required=True)
    epci = fields.Nested(CodeNomSchema, required=True, allow_none=True)
    departement = fields.Nested(CodeNomSchema, required=True)
    region = fields.Nested(CodeNomSchema, required=True)
    zonage_abc = fields.String(required=True, allow_none=True)


class EtapeSchema(Schema):
    id = fields.String(required=True)
    phase = fields.String(required=True, metadata={"description": "Titre de la phase."})
    phase_id = fields.String(required=True)
    titre = fields.String(required=True)
    description = fields.String(required=True)
    actions = fields.List(fields.String(), required=True)
    qui = fields.String(required=True)
    statut = fields.String(required=True, validate=validate.OneOf(["applicable", "a_verifier"]))
    pourquoi = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Conditions remplies et, pour « a_verifier », les questions qui trancheraient."
        },
    )
    questions_a_preciser = fields.List(fields.String(), required=True)
    contacts = fields.List(fields.String(), required=True)
    financements = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Dispositifs ouverts ou à venir pour cette étape (jamais les dispositifs clos)."
        },
    )
    ressources = fields.List(fields.String(), required=True)
    note = fields.String(
        required=True, allow_none=True, metadata={"description": "Remarque utile à l'utilisateur."}
    )
    a_confirmer = fields.String(
        required=True, allow_none=True, metadata={"description": "Ce qui reste à confirmer (doute ouvert)."}
    )
    verifie = fields.Boolean(
        required=True,
        metadata={
            "description": "Vrai seulement si l'élément a une date de vérification et aucun doute ouvert."
        },
    )


class ContactSchema(Schema):
    id = fields.String(required=True)
    nom = fields.String(required=True)
    type = fields.String(required=True)
    role = fields.String(required=True)
    url = fields.String(required=True)
    annuaire = fields.Boolean(
        required=True,
        metadata={
            "description": "Vrai : « url » ouvre la recherche de l'Annuaire de l'administration, "
            "pas le site propre de l'organisme."
        },
    )
    verifie = fields.Boolean(
        required=True,
        metadata={
            "description": "Vrai seulement pour une page propre vérifiée, sans doute ouvert et au périmètre certain."
        },
    )
    remarque = fields.String(required=True, allow_none=True)


STATUTS_FINANCEMENT = ["ouvert", "a_venir", "clos"]


class FinancementSchema(Schema):
    id = fields.String(required=True)
    nom = fields.String(required=True)
    financeur = fields.String(required=True)
    nature = fields.String(required=True)
    finance = fields.List(fields.String(), required=True)
    statut = fields.String(
        required=True,
        validate=validate.OneOf(STATUTS_FINANCEMENT),
        metadata={
            "description": "« ouvert » seulement avec une édition en cours confirmée par une source datée, "
            "ou un fondement légal permanent ; « a_venir » quand la prochaine édition n'est pas publiée "
            "(calendrier_confirme faux) ; « clos » après la fin du dispositif."
        },
    )
    calendrier_confirme = fields.Boolean(
        required=True,
        metadata={"description": "Vrai quand les dates données sont celles de l'édition en cours."},
    )
    date_ouverture = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    date_limite = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "format": "date",
            "description": "Date limite de l'édition en cours ; null si non publiée.",
        },
    )
    derniere_date_limite = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "format": "date",
            "description": "Dernière date limite connue quand l'édition en cours n'est pas publiée.",
        },
    )
    recurrence = fields.String(
        required=True, validate=validate.OneOf(["permanent", "annuelle", "ponctuelle"])
    )
    jours_restants = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Jours avant la clôture quand elle est proche (30 jours ou moins)."},
    )
    eligibilite = fields.String(required=True, validate=validate.OneOf(["applicable", "a_verifier"]))
    pourquoi = fields.List(fields.String(), required=True)
    questions_a_preciser = fields.List(fields.String(), required=True)
    taux = fields.String(required=True, allow_none=True)
    plafond = fields.String(required=True, allow_none=True)
    candidater = fields.String(required=True)
    url = fields.String(required=True)
    note = fields.String(
        required=True, allow_none=True, metadata={"description": "Remarque utile à l'utilisateur."}
    )
    a_confirmer = fields.String(
        required=True, allow_none=True, metadata={"description": "Ce qui reste à confirmer (doute ouvert)."}
    )
    verifie = fields.Boolean(
        required=True,
        metadata={
            "description": "Vrai seulement si l'élément a une date de vérification et aucun doute ouvert."
        },
    )


class RessourceSchema(Schema):
    id = fields.String(required=True)
    titre = fields.String(required=True)
    description = fields.String(required=True)
    url = fields.String(required=True)
    type = fields.String(required=True)


TYPES_ECHEANCE = ["cloture", "ouverture", "prevue", "permanent", "non_publiee", "aucune"]


class EcheanceSchema(Schema):
    type = fields.String(
        required=True,
        validate=validate.OneOf(TYPES_ECHEANCE),
        metadata={
            "description": "« cloture » : date limite publiée d'un appel ouvert ; « ouverture » : "
            "ouverture publiée d'une édition confirmée ; « permanent » : ouvert sans date limite ; "
            "« non_publiee » : prochaine date non publiée (jamais devinée) ; « aucune » : aucun "
            "financement daté pour cette étape."
        },
    )
    date = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    libelle = fields.String(required=True, metadata={"example": "Date non publiée"})
    financement = fields.String(
        required=True, allow_none=True, metadata={"description": "Le dispositif qui donne la date."}
    )


class ProchaineActionSchema(Schema):
    etape = fields.String(required=True)
    contacts = fields.List(fields.String(), required=True, metadata={"description": "Ids de « contacts »."})
    echeance = fields.Nested(EcheanceSchema, required=True)


class InterlocuteurContactSchema(Schema):
    id = fields.String(required=True)
    etapes = fields.List(fields.String(), required=True, metadata={"description": "Étapes qui le citent."})


class InterlocuteurSchema(Schema):
    type = fields.String(required=True)
    role = fields.String(required=True)
    contacts = fields.List(fields.Nested(InterlocuteurContactSchema), required=True)


class CalendrierFinancementSchema(Schema):
    financement = fields.String(required=True)
    echeance = fields.Nested(EcheanceSchema, required=True)
    etapes = fields.List(fields.String(), required=True)


class ParcoursResponseSchema(Schema):
    territoire = fields.Nested(TerritoireSchema, required=True, allow_none=True)
    etapes = fields.List(fields.Nested(EtapeSchema), required=True)
    contacts = fields.List(fields.Nested(ContactSchema), required=True)
    financements = fields.List(fields.Nested(FinancementSchema), required=True)
    ressources = fields.List(fields.Nested(RessourceSchema), required=True)
    avertissements = fields.List(fields.String(), required=True)
    prochaines_actions = fields.List(
        fields.Nested(ProchaineActionSchema),
        required=True,
        metadata={
            "description": "Les 3 premières étapes du parcours, qui contacter et l'échéance la plus proche."
        },
    )
    interlocuteurs = fields.List(
        fields.Nested(InterlocuteurSchema),
        required=True,
        metadata={"description": "Chaque contact une fois, groupé par type, avec les étapes qui le citent."},
    )
    calendrier_financements = fields.List(
        fields.Nested(CalendrierFinancementSchema),
        required=True,
        metadata={
            "description": "Chaque dispositif rattaché à une étape une fois, l'échéance publiée la plus "
            "proche d'abord, les dates non publiées en dernier."
        },
    )


class ErreursSchema(Schema):
    erreurs = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": "Un message en français par champ invalide (ex. « site.sol_pollution_existe »).",
            "example": {"site.sol_pollution_existe": "Valeur inconnue « polluée »."},
        },
    )


# --- catalogue (open data) --------------------------------------------------------------------------


class SourceSchema(Schema):
    url = fields.String(required=True)
    titre = fields.String(required=True)


class _Item(Schema):
    id = fields.String(required=True)
    sources = fields.List(fields.Nested(SourceSchema), required=True)
    verifie_le = fields.String(
        required=True,
        allow_none=True,
        metadata={"format": "date", "description": "Jour où l'élément a été vérifié sur ses sources."},
    )
    note = fields.String(
        required=True, allow_none=True, metadata={"description": "Remarque utile à l'utilisateur."}
    )
    a_confirmer = fields.String(
        required=True, allow_none=True, metadata={"description": "Ce qui reste à confirmer (doute ouvert)."}
    )
    verifie = fields.Boolean(
        required=True,
        metadata={
            "description": "Vrai seulement si l'élément a une date de vérification et aucun doute ouvert."
        },
    )


class PhaseSchema(Schema):
    id = fields.String(required=True)
    titre = fields.String(required=True)


class CatalogueEtapeSchema(_Item):
    phase = fields.String(required=True)
    titre = fields.String(required=True)
    objectif = fields.String(required=True)
    actions = fields.List(fields.String(), required=True)
    qui = fields.String(required=True)
    duree = fields.String(required=True, allow_none=True)
    cout = fields.String(required=True, allow_none=True)
    si = fields.Raw(required=True, allow_none=True, metadata={"description": "Condition d'applicabilité."})
    apres = fields.List(fields.String(), required=True)
    contacts = fields.List(fields.String(), required=True, metadata={"description": "Types de contacts."})
    financements = fields.List(fields.String(), required=True)
    ressources = fields.List(fields.String(), required=True)


class CatalogueEtapesSchema(Schema):
    phases = fields.List(fields.Nested(PhaseSchema), required=True)
    etapes = fields.List(fields.Nested(CatalogueEtapeSchema), required=True)


class CatalogueFinancementSchema(_Item):
    nom = fields.String(required=True)
    financeur = fields.String(required=True)
    nature = fields.String(required=True)
    finance = fields.List(fields.String(), required=True)
    beneficiaires = fields.List(fields.String(), required=True)
    usages = fields.List(fields.String(), required=True)
    si = fields.Raw(required=True, allow_none=True)
    taux = fields.String(required=True, allow_none=True)
    plafond = fields.String(required=True, allow_none=True)
    statut = fields.String(
        required=True,
        validate=validate.OneOf(STATUTS_FINANCEMENT),
        metadata={
            "description": "« ouvert » seulement avec une édition en cours confirmée par une source datée, "
            "ou un fondement légal permanent ; « a_venir » quand la prochaine édition n'est pas publiée "
            "(calendrier_confirme faux) ; « clos » après la fin du dispositif."
        },
    )
    calendrier_confirme = fields.Boolean(
        required=True,
        metadata={"description": "Vrai quand les dates données sont celles de l'édition en cours."},
    )
    date_ouverture = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    date_limite = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "format": "date",
            "description": "Date limite de l'édition en cours ; null si non publiée.",
        },
    )
    derniere_date_limite = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "format": "date",
            "description": "Dernière date limite connue quand l'édition en cours n'est pas publiée.",
        },
    )
    recurrence = fields.String(
        required=True, validate=validate.OneOf(["permanent", "annuelle", "ponctuelle"])
    )
    candidater = fields.String(required=True)
    url = fields.String(required=True)


class CatalogueFinancementsSchema(Schema):
    financements = fields.List(fields.Nested(CatalogueFinancementSchema), required=True)


class ContactTypeSchema(Schema):
    id = fields.String(required=True)
    nom = fields.String(required=True)
    role = fields.String(required=True)
    annuaire = fields.String(required=True, allow_none=True)


class CatalogueContactSchema(_Item):
    type = fields.String(required=True)
    nom = fields.String(required=True)
    url = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Site propre de l'organisme ; null : le parcours renvoie vers l'Annuaire de l'administration."
        },
    )
    couvre = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    statut_epf = fields.String(required=True, allow_none=True)
    perimetre_partiel = fields.Boolean(required=True)


class CatalogueContactsSchema(Schema):
    types = fields.List(fields.Nested(ContactTypeSchema), required=True)
    contacts = fields.List(fields.Nested(CatalogueContactSchema), required=True)


class NoticeSchema(Schema):
    objectifs = fields.String(required=True)
    contenus = fields.String(required=True)
    mise_en_oeuvre = fields.String(required=True)
    duree = fields.String(required=True)


class CatalogueRessourceSchema(_Item):
    titre = fields.String(required=True)
    description = fields.String(required=True)
    url = fields.String(
        required=True,
        metadata={"description": "Page de la ressource : la source officielle, ou sa page sur ce service."},
    )
    type = fields.String(required=True, metadata={"description": "outil, guide, texte, donnees ou modele."})
    # The library's classification (absent for the older, unclassified links).
    page = fields.String(metadata={"description": "Page de la ressource sur ce service (notice)."})
    famille = fields.String(
        metadata={
            "enum": ["pedagogique", "animation", "gestion_de_projet"],
            "description": "Tiroir de la boîte à outils.",
        }
    )
    phases = fields.List(
        fields.String(), metadata={"description": "Phases du parcours où la ressource sert."}
    )
    public = fields.List(
        fields.String(metadata={"enum": ["elus", "agents", "porteurs_de_projet"]}),
        metadata={"description": "À qui elle s'adresse."},
    )
    format = fields.String(metadata={"enum": ["guide", "fiche", "outil_en_ligne", "donnees", "modele"]})
    niveau = fields.Integer(
        metadata={"enum": [1, 2], "description": "1 : donner envie, créer le déclic ; 2 : déployer, fédérer."}
    )
    notice = fields.Nested(NoticeSchema)
    licence = fields.String()
    source = fields.String(
        allow_none=True, metadata={"description": "Page officielle d'une ressource externe."}
    )
    fichier = fields.String(
        allow_none=True,
        metadata={"description": "Adresse de téléchargement du modèle modifiable (ODT, ODS)."},
    )
    fichier_pdf = fields.String(
        allow_none=True, metadata={"description": "Le même modèle en PDF, prêt à imprimer."}
    )


class CatalogueRessourcesSchema(Schema):
    ressources = fields.List(fields.Nested(CatalogueRessourceSchema), required=True)


class CommuneResultSchema(Schema):
    code = fields.String(required=True)
    nom = fields.String(required=True)
    population = fields.Integer(required=True, allow_none=True)
    codes_postaux = fields.List(fields.String(), required=True)
    departement = fields.Nested(CodeNomSchema, required=True)
    region = fields.Nested(CodeNomSchema, required=True)
    epci = fields.Nested(CodeNomSchema, required=True, allow_none=True)
    zonage_abc = fields.String(required=True, allow_none=True)


class CommunesSchema(Schema):
    q = fields.String(required=True)
    communes = fields.List(fields.Nested(CommuneResultSchema), required=True)


class StatPointSchema(Schema):
    date = fields.String(required=True, metadata={"description": "Premier jour de la période (AAAA-MM-JJ)."})
    value = fields.Integer(required=True, metadata={"description": "Nombre de territoires engagés."})


class StatsSchema(Schema):
    description = fields.String(required=True)
    stats = fields.List(fields.Nested(StatPointSchema), required=True)


class ErreurSchema(Schema):
    erreur = fields.String(required=True)
    message = fields.String(required=True)
    code = fields.Integer(required=True)


class StatsErreurSchema(ErreursSchema):
    erreur = fields.String(required=True)
    message = fields.String(required=True)
