"""OpenAPI description of ``POST /api/v1/parcours/lot`` and its follow-up (added to the
document built by app.api.spec)."""

from __future__ import annotations

STATUS = {
    "type": "object",
    "required": ["statut", "progression", "suivi", "portefeuille"],
    "properties": {
        "statut": {
            "type": "string",
            "enum": [
                "en_attente",
                "analyse",
                "analyse_terminee",
                "refuse",
                "import_demande",
                "import",
                "termine",
                "echec",
            ],
        },
        "libelle": {"type": "string"},
        "progression": {"type": "integer", "minimum": 0, "maximum": 100},
        "lignes": {"type": "integer"},
        "lignes_valides": {"type": "integer"},
        "lignes_invalides": {"type": "integer"},
        "sites_crees": {"type": "integer"},
        "sites_mis_a_jour": {"type": "integer"},
        "message": {"type": "string", "nullable": True},
        "erreurs_fichier": {"type": "array", "items": {"type": "string"}},
        "rapport": {
            "type": "array",
            "description": "Lignes non importables (1 000 au plus) : numéro de ligne, site_id, erreurs, remarques.",
            "items": {"type": "object"},
        },
        "suivi": {
            "type": "string",
            "description": "Adresse privée de suivi de l'import (ne la publiez pas).",
        },
        "portefeuille": {"type": "string", "description": "Lien privé du portefeuille."},
        "export_cnig": {"type": "string"},
        "sites": {
            "type": "array",
            "description": "Quand l'import est terminé : chaque site, son lien privé et son parcours résumé.",
            "items": {"type": "object"},
        },
    },
}
ERRORS = {
    "type": "object",
    "properties": {"erreurs": {"type": "object", "additionalProperties": {"type": "string"}}},
}


def add_paths(spec) -> None:
    spec.path(
        path="/api/v1/parcours/lot",
        operations={
            "post": {
                "summary": "Importer un inventaire de friches au standard CNIG et calculer tous les parcours",
                "description": (
                    "Fichier CSV (« , » ou « ; », UTF-8 ou Latin-1, valeurs multiples séparées par « | »), "
                    "Excel, GeoJSON, GeoPackage ou Shapefile zippé, aux colonnes du standard CNIG « Friches ». "
                    "Le fichier est vérifié puis importé en arrière-plan : suivez l'adresse « suivi ». "
                    "Avec lignes=toutes (par défaut), rien n'est importé si une ligne est invalide ; avec "
                    "lignes=valides, seules les lignes valides le sont. Un site déjà importé (même site_id) est mis à jour."
                ),
                "operationId": "importerLot",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["fichier"],
                                "properties": {
                                    "fichier": {"type": "string", "format": "binary"},
                                    "lignes": {"type": "string", "enum": ["toutes", "valides"]},
                                    "nom": {"type": "string", "maxLength": 200},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "202": {
                        "description": "Import accepté.",
                        "content": {"application/json": {"schema": STATUS}},
                    },
                    "400": {"description": "Requête illisible (par exemple un caractère nul)."},
                    "413": {"description": "Fichier trop volumineux."},
                    "429": {
                        "description": "Trop de requêtes : réessayez après le délai de l'en-tête Retry-After."
                    },
                    "422": {
                        "description": "Fichier absent ou paramètre invalide.",
                        "content": {"application/json": {"schema": ERRORS}},
                    },
                },
            }
        },
    )
    spec.path(
        path="/api/v1/parcours/lot/{jeton}",
        operations={
            "get": {
                "summary": "Suivre un import et lire ses parcours",
                "operationId": "suivreLot",
                "parameters": [
                    {"name": "jeton", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "État de l'import.",
                        "content": {"application/json": {"schema": STATUS}},
                    },
                    "400": {"description": "Requête illisible (par exemple un caractère nul)."},
                    "404": {"description": "Jeton inconnu."},
                },
            }
        },
    )
