"""OpenAPI document generated from the marshmallow schemas and the routes' declarations (apispec)."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import schemas as s

JSON = "application/json"


def _resp(description: str, schema=None) -> dict:
    out: dict = {"description": description}
    if schema is not None:
        out["content"] = {JSON: {"schema": schema}}
    return out


EXAMPLE = {
    "site": {
        "comm_insee": "62528",
        "site_type": "friche industrielle",
        "unite_fonciere_surface": 32000,
        "bati_etat": "dégradation moyenne",
        "bati_pollution": "amiante",
        "local_ancien_annee": 1950,
        "sol_pollution_existe": "pollution supposée",
        "urba_zone_type": "U",
        "proprietaire": "commune",
    },
    "projet": {"usage": "habitat", "porteur": "commune", "avancement": "idee"},
}


def build_spec() -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Parcours Friches — API publique",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={
            "description": (
                "Calcule le parcours personnalisé de reconversion d'une friche à partir des champs du "
                "standard CNIG « Friches » et sert le contenu de référence en données ouvertes. "
                "Aucune donnée n'est conservée. Les champs inconnus sont ignorés ; un champ absent ou "
                "null vaut « je ne sais pas »."
            ),
        },
        servers=[{"url": "/"}],
    )
    plugin.converter.add_attribute_function(s.year_property)
    plugin.converter.add_attribute_function(s.usage_property)
    errors = {
        "400": _resp("JSON mal formé.", s.ErreursSchema),
        "413": _resp("Corps de requête de plus de 1 Mio.", s.ErreursSchema),
        "422": _resp("Valeurs invalides ou commune inconnue : un message par champ.", s.ErreursSchema),
    }
    # Every operation may also answer these two (rate limit, database unavailable).
    common = {
        "429": _resp("Trop de requêtes : réessayez après le délai de l'en-tête Retry-After.", s.ErreurSchema),
        "503": _resp("Service momentanément indisponible.", s.ErreurSchema),
    }
    spec.path(
        path="/api/v1/parcours",
        operations={
            "post": {
                "summary": "Calculer un parcours (sans rien enregistrer)",
                "operationId": "calculerParcours",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": s.ParcoursRequestSchema, "example": EXAMPLE}},
                },
                "responses": {
                    "200": _resp("Le parcours ordonné, expliqué.", s.ParcoursResponseSchema),
                    **errors,
                    **common,
                },
            }
        },
    )
    for name, schema, summary in (
        ("etapes", s.CatalogueEtapesSchema, "Phases et étapes de référence"),
        ("financements", s.CatalogueFinancementsSchema, "Dispositifs de financement (statut du jour)"),
        ("contacts", s.CatalogueContactsSchema, "Types de contacts et organismes avec leur territoire"),
    ):
        spec.path(
            path=f"/api/v1/catalogue/{name}",
            operations={
                "get": {
                    "summary": summary,
                    "operationId": f"catalogue_{name}",
                    "responses": {"200": _resp("Contenu de référence.", schema), **common},
                }
            },
        )
    spec.path(
        path="/api/v1/catalogue/ressources",
        operations={
            "get": {
                "summary": "Boîte à outils : guides, outils, données et modèles, avec leur notice",
                "operationId": "catalogue_ressources",
                "parameters": [
                    {"name": name, "in": "query", "required": False, "schema": schema}
                    for name, schema in (
                        (
                            "famille",
                            {"type": "string", "enum": ["pedagogique", "animation", "gestion_de_projet"]},
                        ),
                        (
                            "phase",
                            {
                                "type": "string",
                                "enum": [
                                    "connaitre",
                                    "foncier",
                                    "diagnostiquer",
                                    "projet",
                                    "montage",
                                    "realiser",
                                ],
                            },
                        ),
                        ("public", {"type": "string", "enum": ["elus", "agents", "porteurs_de_projet"]}),
                        (
                            "format",
                            {
                                "type": "string",
                                "enum": ["guide", "fiche", "outil_en_ligne", "donnees", "modele"],
                            },
                        ),
                        ("niveau", {"type": "integer", "enum": [1, 2]}),
                    )
                ],
                "responses": {
                    "200": _resp("Ressources retenues par les filtres.", s.CatalogueRessourcesSchema),
                    "400": _resp("Valeur de filtre inconnue.", s.ErreurSchema),
                    **common,
                },
            }
        },
    )
    spec.path(
        path="/api/v1/territoires/communes",
        operations={
            "get": {
                "summary": "Rechercher une commune par nom ou code postal (autocomplétion)",
                "operationId": "rechercherCommunes",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "minLength": 2, "maxLength": 100},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                    },
                ],
                "responses": {
                    "200": _resp("Communes trouvées.", s.CommunesSchema),
                    "422": _resp(
                        "Paramètre invalide (q trop court ou trop long, limit hors de 1 à 50).",
                        s.ErreursSchema,
                    ),
                    **common,
                },
            }
        },
    )
    spec.path(
        path="/api/stats",
        operations={
            "get": {
                "summary": "Série de l'étoile polaire (territoires engagés), au format des tableaux de bord de l'incubateur",
                "operationId": "statistiques",
                "parameters": [
                    {
                        "name": "periodicity",
                        "in": "query",
                        "required": False,
                        "schema": {
                            "type": "string",
                            "enum": ["day", "week", "month", "year"],
                            "default": "month",
                        },
                    },
                    {
                        "name": "since",
                        "in": "query",
                        "required": False,
                        "description": (
                            "Nombre de périodes : de 1 à 366 jours, 260 semaines, 120 mois ou 20 ans ; "
                            "sans lui, 180 jours, 52 semaines, 24 mois ou 3 ans."
                        ),
                        "schema": {"type": "integer", "minimum": 1, "maximum": 366},
                    },
                ],
                "responses": {
                    "200": _resp("Une valeur (nombre) par période, la plus ancienne d'abord.", s.StatsSchema),
                    "400": _resp("since n'est pas un nombre entier.", s.StatsErreurSchema),
                    "422": _resp("periodicity inconnue ou since hors limites.", s.StatsErreurSchema),
                    **common,
                },
            }
        },
    )
    from app.portfolio.api_spec import add_paths

    add_paths(spec)
    return spec.to_dict()
