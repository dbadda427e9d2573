"""Site and project vocabulary of the public API and the default rule vocabulary.

Copied from the CNIG "Friches" standard v1.0.6 (field names, titles and enum values verbatim)
plus the API contract extensions. No file outside the app is read at run time. No Flask import.
"""

from __future__ import annotations

# CNIG field -> (title, type) for every field of the standard.
CNIG_FIELDS: dict[str, tuple[str, str]] = {
    "site_id": ("identifiant du site", "string"),
    "site_nom": ("nom du site", "string"),
    "site_type": ("type de site", "string"),
    "site_adresse": ("adresse du site", "string"),
    "site_identif_date": ("date d'identification du site", "date"),
    "site_actu_date": ("date de dernière actualisation", "date"),
    "site_url": ("URL du site", "string"),
    "site_ademe_url": ("URL de la fiche de l’ADEME", "string"),
    "site_securite": ("type de sécurisation", "string"),
    "site_occupation": ("occupation du site", "string"),
    "site_statut": ("statut du site", "string"),
    "site_projet_url": ("site web d'un éventuel projet sur le site", "string"),
    "site_reconv_annee": ("année d'achèvement de reconversion", "date"),
    "site_reconv_type": ("type de reconversion", "string"),
    "activite_libelle": ("libellé des activités", "string"),
    "activite_code": ("code BASIAS des activités", "string"),
    "activite_fin_annee": ("année de fin d'activité", "date"),
    "comm_nom": ("nom de la commune", "string"),
    "comm_insee": ("code INSEE de la commune", "string"),
    "bati_type": ("type de bâtiments", "string"),
    "bati_nombre": ("nombre de bâtiments", "integer"),
    "bati_surface": ("surface des bâtiments", "integer"),
    "bati_pollution": ("pollution connue", "string"),
    "bati_vacance": ("état de vacance", "string"),
    "bati_patrimoine": ("présence de bâti patrimonial", "string"),
    "bati_etat": ("dégradation des bâtiment", "string"),
    "local_ancien_annee": ("première année de construction", "date"),
    "local_recent_annee": ("dernière année de construction", "date"),
    "proprio_type": ("type de propriétaire", "string"),
    "proprio_personne": ("type de personne", "string"),
    "proprio_nom": ("nom du propriétaire", "string"),
    "sol_pollution_annee": ("année de la pollution du sol", "date"),
    "sol_pollution_existe": ("existence de pollution du sol", "string"),
    "sol_pollution_origine": ("origine de la pollution du sol", "string"),
    "sol_pollution_commentaire": ("commentaire sur la pollution du sol", "string"),
    "sol_depollution_fiche": ("fiche de dépollution", "string"),
    "unite_fonciere_surface": ("surface de l'unité foncière", "integer"),
    "unite_fonciere_refcad": ("liste des parcelles cadastrale", "string"),
    "urba_zone_type": ("type de zone d'urbanisme", "string"),
    "urba_zone_lib": ("libellé de la zone d'urbanisme", "string"),
    "urba_zone_formdomi": ("forme dominante de la zone", "string"),
    "urba_zaer": ("situation en zone d'accélération des énergies renouvelables", "string"),
    "urba_doc_type": ("type de document d'urbanisme", "string"),
    "desserte_distance": ("distances d'accès aux réseaux", "string"),
    "desserte_commentaire": ("desserte du site", "string"),
    "source_nom": ("nom de la source", "string"),
    "source_url": ("URL de la source", "string"),
    "source_producteur": ("identification du producteur", "string"),
    "source_contact": ("adresse mail", "string"),
    "geompoint": ("coordonnées du centroïde", "string"),
    "geomsurf": ("géométrie surfacique", "string"),
}

# CNIG enumerations (verbatim values).
CNIG_ENUMS: dict[str, tuple[str, ...]] = {
    "site_type": (
        "friche industrielle",
        "friche commerciale",
        "friche hospitalière",
        "friche agro-industrielle",
        "friche carrière ou mine",
        "friche militaire",
        "friche d'habitat",
        "friche d'équipement public",
        "friche portuaire",
        "friche aéroportuaire",
        "friche ferroviaire",
        "friche logistique",
        "friche loisir tourisme hôtellerie",
        "friche enseignement",
        "friche cultuelle",
        "mixte - dominante habitat",
        "mixte - autre",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "site_securite": (
        "évacuation des produits dangereux et déchets présents sur le site",
        "interdictions ou limitations d'accès au site",
        "suppression des risques d'incendie et d'explosion",
        "surveillance des effets de l'installation sur son environnement",
        "mesures de gestion de pollution ou restrictions temporaires",
        "existence d'une attestation de mise en sécurité",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "site_occupation": (
        "totalement inoccupé",
        "partiellement inoccupé",
        "occupation transitoire ou temporaire",
        "occupation illicite supposée",
        "occupation illicite avérée",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "site_statut": (
        "friche potentielle",
        "friche sans projet",
        "friche avec projet",
        "friche reconvertie",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "site_reconv_type": (
        "habitat",
        "bureau",
        "commerce",
        "industrie",
        "autres activités économiques",
        "équipement public",
        "aménagement d'espace public",
        "renaturation",
        "panneaux photovoltaïques",
        "énergie, hors photovoltaïque",
        "mixte",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "bati_pollution": (
        "amiante",
        "plomb",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "bati_vacance": (
        "occupé",
        "partiellement occupé",
        "vacant",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "bati_patrimoine": (
        "aucun",
        "présence d'un bâtiment d'intérêt",
        "présence d'un bâtiment classé",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "bati_etat": (
        "dégradation inexistante ou faible",
        "dégradation moyenne",
        "dégradation très importante",
        "dégradation hétérogène",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "sol_pollution_existe": (
        "pollution inexistante",
        "pollution traitée",
        "pollution peu probable",
        "pollution supposée",
        "pollution avérée",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "sol_pollution_origine": (
        "dépôt de déchets, stockages de produits",
        "pollution due au fonctionnement de l'installation",
        "origine accidentelle (transport, transbordement, manipulation,...)",
        "retombées atmosphériques",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "urba_zone_type": (
        "U",
        "AUc",
        "AUs",
        "A",
        "N",
        "Zc",
        "ZCa",
        "ZnC",
        "RNU",
        "inconnu",
        "autre",
        "sans objet",
    ),
    "urba_zaer": (
        "oui",
        "non",
        "inconnu",
    ),
    "urba_doc_type": (
        "RNU",
        "CC",
        "PLU",
        "PLUI",
        "PSMV",
        "inconnu",
        "autre",
        "sans objet",
    ),
}
# API contract extensions and project questions.
PROPRIETAIRES = (
    "commune",
    "epci",
    "departement_region",
    "etat",
    "etablissement_public",
    "sncf",
    "bailleur_social",
    "prive",
    "copropriete_indivision",
    "inconnu",
)
ICPE = ("oui", "non", "inconnu")
USAGES = tuple(v for v in CNIG_ENUMS["site_reconv_type"] if v not in ("autre", "sans objet"))  # incl. inconnu
INTENDED_USES = tuple(v for v in USAGES if v != "inconnu")  # the uses a project can have
PORTEURS = (
    "commune",
    "epci",
    "departement_region",
    "etat",
    "epf",
    "bailleur_social",
    "epl",
    "prive",
    "association",
)
AVANCEMENTS = ("idee", "etudes", "programme_defini", "operationnel")

# CNIG fields typed "date" that hold a year in practice (the contract sends 1950).
YEAR_FIELDS = (
    "local_ancien_annee",
    "local_recent_annee",
    "activite_fin_annee",
    "sol_pollution_annee",
    "site_reconv_annee",
)
NUMBER_FIELDS = ("unite_fonciere_surface", "bati_surface", "bati_nombre")

# French labels shown in explanations (« Pollution des sols : pollution supposée »).
LABELS = {
    "site_type": "Type de friche",
    "site_occupation": "Occupation du site",
    "site_securite": "Mise en sécurité",
    "site_statut": "Statut de la friche",
    "bati_pollution": "Pollution du bâti",
    "bati_vacance": "Vacance du bâti",
    "bati_patrimoine": "Intérêt patrimonial du bâti",
    "bati_etat": "État du bâti",
    "bati_surface": "Surface bâtie",
    "bati_nombre": "Nombre de bâtiments",
    "sol_pollution_existe": "Pollution des sols",
    "sol_pollution_origine": "Origine de la pollution",
    "urba_zone_type": "Zone du document d'urbanisme",
    "urba_doc_type": "Document d'urbanisme",
    "urba_zaer": "Zone d'accélération des énergies renouvelables",
    "unite_fonciere_surface": "Surface de l'unité foncière",
    "local_ancien_annee": "Année de construction du bâtiment le plus ancien",
    "local_recent_annee": "Année de construction du bâtiment le plus récent",
    "activite_fin_annee": "Année de fin d'activité",
    "proprietaire": "Propriétaire du site",
    "icpe": "Ancienne installation classée (ICPE)",
    "usage": "Usage envisagé",
    "porteur": "Porteur du projet",
    "avancement": "Avancement du projet",
}
UNITS = {"unite_fonciere_surface": "m²", "bati_surface": "m²"}
CHOICE_LABELS = {
    "proprietaire": {
        "commune": "la commune",
        "epci": "l'intercommunalité",
        "departement_region": "le département ou la région",
        "etat": "l'État",
        "etablissement_public": "un établissement public",
        "sncf": "SNCF",
        "bailleur_social": "un bailleur social",
        "prive": "un propriétaire privé",
        "copropriete_indivision": "une copropriété ou une indivision",
        "inconnu": "inconnu",
    },
    "porteur": {
        "commune": "la commune",
        "epci": "l'intercommunalité",
        "departement_region": "le département ou la région",
        "etat": "l'État",
        "epf": "un établissement public foncier",
        "bailleur_social": "un bailleur social",
        "epl": "une entreprise publique locale (SEM, SPL)",
        "prive": "un opérateur privé",
        "association": "une association",
    },
    "avancement": {
        "idee": "une idée",
        "etudes": "des études en cours",
        "programme_defini": "un programme défini",
        "operationnel": "une phase opérationnelle",
    },
    "icpe": {"oui": "oui", "non": "non", "inconnu": "inconnu"},
}


def question_choices() -> dict[str, tuple[str, ...]]:
    """Allowed values of every enumerated question (CNIG fields and contract extensions)."""
    choices = dict(CNIG_ENUMS)
    choices.update(
        proprietaire=PROPRIETAIRES, icpe=ICPE, usage=USAGES, porteur=PORTEURS, avancement=AVANCEMENTS
    )
    return choices


def default_vocabulary() -> dict:
    """Rule vocabulary built from the CNIG standard and the contract (used when the questionnaire
    module does not provide one). Keys are facts ``(kind, id)``; values are ``FactInfo``."""
    from app.engine.conditions import KIND_QUESTION, FactInfo
    from app.engine.facts import TERRITORY_VOCABULARY

    vocab = {}
    for qid, values in question_choices().items():
        labels = CHOICE_LABELS.get(qid, {})
        vocab[(KIND_QUESTION, qid)] = FactInfo(
            LABELS.get(qid, CNIG_FIELDS.get(qid, (qid,))[0]), "choix", {v: labels.get(v, v) for v in values}
        )
    for qid in NUMBER_FIELDS + YEAR_FIELDS:
        vocab[(KIND_QUESTION, qid)] = FactInfo(
            LABELS.get(qid, CNIG_FIELDS[qid][0]), "nombre", unit=UNITS.get(qid, ""), year=qid in YEAR_FIELDS
        )
    vocab.update(TERRITORY_VOCABULARY)
    return vocab
