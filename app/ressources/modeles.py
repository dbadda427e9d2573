"""The editable templates of the resource library, written as OpenDocument files.

``python -m app.ressources.modeles`` (re)writes ``data/ressources/modeles/*.odt|ods`` from the
texts below with odfpy (a test dependency, pinned in requirements.lock), and a PDF of each text
document and of each spreadsheet with WeasyPrint (to print as is): edit a text here, run the command, commit the files.
The service itself only serves the files; it never imports odfpy.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "data" / "ressources" / "modeles"

A_ADAPTER = (
    "Modèle à adapter : remplacez les passages entre crochets [ ] et supprimez ce qui ne "
    "concerne pas votre projet. Licence Ouverte 2.0 : vous pouvez le copier, le modifier et le diffuser."
)

# --- text documents: a list of blocks ("h1" | "h2" | "p" | "ul", content) or ("table", header, rows)

TEXTS: dict[str, list] = {
    "trame-presentation-conseil.odt": [
        ("h1", "Présenter le projet de friche au conseil municipal"),
        ("p", A_ADAPTER),
        ("p", "Durée conseillée : 15 minutes de présentation, puis les questions des élus."),
        ("h2", "1. Le site aujourd'hui (3 minutes)"),
        (
            "ul",
            [
                "Où est le site, sa surface, depuis quand il est inoccupé : [adresse, surface en m², année].",
                "Deux ou trois photos récentes, prises lors de la visite du site.",
                "Ce que la friche coûte ou fait courir à la commune aujourd'hui : sécurité, entretien, image du quartier.",
            ],
        ),
        ("h2", "2. Pourquoi agir maintenant (2 minutes)"),
        (
            "ul",
            [
                "Les besoins du territoire auxquels le site pourrait répondre : [logements, équipement, activité, nature en ville].",
                "Réutiliser un terrain déjà artificialisé plutôt que consommer des terres agricoles ou naturelles.",
                "Les aides et l'accompagnement qui existent (ingénierie gratuite, financements des études).",
            ],
        ),
        ("h2", "3. Ce que l'on sait et ce que l'on ne sait pas encore (3 minutes)"),
        (
            "table",
            ["Sujet", "Ce que l'on sait", "Ce qu'il reste à vérifier"],
            [
                ["Propriété du terrain", "[propriétaire connu ?]", "[joignable, prêt à vendre ?]"],
                ["Pollution des sols", "[anciennes activités connues]", "[étude historique à faire ?]"],
                ["Bâtiments", "[nombre, état, amiante ?]", "[repérages à prévoir]"],
                ["Urbanisme", "[zone du PLU ou de la carte communale]", "[le projet y est-il possible ?]"],
            ],
        ),
        ("h2", "4. Les scénarios possibles (4 minutes)"),
        (
            "ul",
            [
                "Scénario A : [usage], avantages, points de vigilance.",
                "Scénario B : [usage], avantages, points de vigilance.",
                "Ne rien faire : ce que cela coûte chaque année et les risques qui demeurent.",
            ],
        ),
        ("h2", "5. La décision demandée au conseil (3 minutes)"),
        (
            "ul",
            [
                "Ce que l'on demande ce soir : [par exemple autoriser le maire à solliciter l'établissement public foncier, lancer une étude, demander une aide].",
                "Le calendrier des six prochains mois et le prochain point d'étape devant le conseil.",
                "Qui suit le dossier à la mairie et quels partenaires sont déjà sollicités.",
            ],
        ),
    ],
    "deliberation-convention-epf.odt": [
        ("h1", "Délibération type : convention d'intervention foncière avec l'établissement public foncier"),
        ("p", A_ADAPTER),
        (
            "p",
            "Chaque établissement public foncier (EPF) a son propre modèle de convention et son "
            "programme pluriannuel d'intervention : demandez-lui son projet de convention avant de "
            "présenter la délibération, et faites relire le texte par vos services ou par la préfecture.",
        ),
        ("h2", "Commune de [nom] — Conseil municipal du [date]"),
        (
            "p",
            "Objet : approbation d'une convention d'intervention foncière avec [nom de l'EPF] sur le site [nom ou adresse].",
        ),
        ("h2", "Exposé"),
        (
            "p",
            "Le site [nom], d'une surface d'environ [surface] m², est inoccupé depuis [année]. La "
            "commune souhaite y permettre [objet du projet]. La maîtrise du foncier est un préalable à "
            "ce projet.",
        ),
        (
            "p",
            "[Nom de l'EPF] peut acquérir les biens pour le compte de la commune, les gérer et les "
            "porter pendant la durée de la convention, puis les revendre à la commune ou à l'opérateur "
            "qu'elle désignera. La convention précise notamment le périmètre, les objectifs, les "
            "engagements de chaque partie, la durée du portage, les conditions de gestion des biens "
            "et les conditions de revente et de calcul du prix de cession.",
        ),
        ("h2", "Délibération"),
        ("p", "Le conseil municipal, après en avoir délibéré :"),
        (
            "ul",
            [
                "approuve le projet de convention d'intervention foncière avec [nom de l'EPF] sur le périmètre annexé à la présente délibération ;",
                "autorise le maire à signer la convention et tout document s'y rapportant ;",
                "s'engage à racheter les biens acquis par l'EPF dans les conditions et les délais fixés par la convention, y compris en cas d'abandon du projet ;",
                "[le cas échéant] délègue à l'EPF l'exercice du droit de préemption urbain sur le périmètre de la convention, dans les conditions prévues par la convention ;",
                "dit que les crédits nécessaires seront inscrits au budget.",
            ],
        ),
        ("p", "Annexes : projet de convention ; plan du périmètre ; [avis du Domaine s'il est requis]."),
        ("p", "Vote : pour [ ] — contre [ ] — abstentions [ ]."),
    ],
    "checklist-visite-site.odt": [
        ("h1", "Liste de contrôle pour la visite d'un site en friche"),
        ("p", A_ADAPTER),
        (
            "p",
            "Avant la visite : obtenez l'accord du propriétaire, venez à deux au moins, avec chaussures "
            "de sécurité, casque et gants. N'entrez pas dans un bâtiment qui menace de s'effondrer. Si "
            "vous constatez un danger immédiat, prévenez le maire, qui peut saisir les services de l'État "
            "et les pompiers.",
        ),
        ("h2", "Accès et sécurité"),
        (
            "table",
            ["Point à observer", "Constat", "Photo n°"],
            [
                ["Clôture et portails : le site est-il fermé ?", "", ""],
                ["Traces d'intrusion, de dépôts sauvages, d'incendie", "", ""],
                ["Bâtiments ouverts, toitures ou planchers effondrés", "", ""],
                ["Cuves, fûts, produits ou déchets abandonnés", "", ""],
            ],
        ),
        ("h2", "Bâtiments"),
        (
            "table",
            ["Point à observer", "Constat", "Photo n°"],
            [
                ["Nombre de bâtiments et surface approximative", "", ""],
                ["Année ou époque de construction (permis de construire, archives)", "", ""],
                ["Matériaux pouvant contenir de l'amiante (plaques ondulées, dalles, conduits)", "", ""],
                ["Peintures anciennes écaillées (plomb possible dans les bâtiments anciens)", "", ""],
                ["Intérêt architectural ou patrimonial, éléments à conserver", "", ""],
            ],
        ),
        ("h2", "Sols, eau et nature"),
        (
            "table",
            ["Point à observer", "Constat", "Photo n°"],
            [
                ["Anciennes activités connues (atelier, garage, dépôt, usine)", "", ""],
                ["Taches, odeurs, remblais, zones sans végétation", "", ""],
                ["Cours d'eau, zone humide, mare à proximité", "", ""],
                ["Arbres, haies, faune observée (nids, terriers)", "", ""],
            ],
        ),
        ("h2", "Réseaux et abords"),
        (
            "table",
            ["Point à observer", "Constat", "Photo n°"],
            [
                ["Voirie d'accès, stationnement, transports à proximité", "", ""],
                ["Réseaux visibles : électricité, eau, assainissement", "", ""],
                ["Voisinage : habitations, écoles, commerces, activités", "", ""],
            ],
        ),
        ("h2", "Après la visite"),
        (
            "ul",
            [
                "Classer les photos et reporter les constats dans le questionnaire du parcours.",
                "Consulter Géorisques pour les anciennes activités et les risques connus à cette adresse.",
                "Noter les questions à poser au propriétaire et aux partenaires.",
            ],
        ),
    ],
    "trame-atelier-habitants.odt": [
        ("h1", "Trame d'atelier avec les habitants sur l'avenir d'une friche"),
        ("p", A_ADAPTER),
        (
            "p",
            "Objectif de l'atelier : recueillir les usages, les souvenirs et les attentes des habitants "
            "avant de choisir le projet, et leur dire clairement ce qui est encore ouvert et ce qui ne "
            "l'est plus. Durée : 2 heures. Participants : 15 à 30 personnes, deux animateurs.",
        ),
        ("h2", "Déroulé"),
        (
            "table",
            ["Temps", "Séquence", "Ce que l'on fait", "Matériel"],
            [
                [
                    "0:00",
                    "Accueil",
                    "Café, signature d'une feuille de présence facultative, badge avec le prénom",
                    "Badges, feutres",
                ],
                [
                    "0:10",
                    "Ouverture par l'élu",
                    "Pourquoi cet atelier, ce qui est déjà décidé et ce qui reste ouvert, ce que l'on fera des contributions",
                    "Une diapositive",
                ],
                [
                    "0:20",
                    "Le site hier et aujourd'hui",
                    "Photos anciennes et récentes ; chacun place sur le plan un souvenir ou un usage",
                    "Grand plan, gommettes",
                ],
                [
                    "0:45",
                    "Travail en petites tables",
                    "Par table de 5 à 7 : qu'aimeriez-vous y trouver ? Pour qui ? Qu'est-ce qui vous inquiète ?",
                    "Fiches questions, post-it",
                ],
                ["1:20", "Restitution", "Chaque table présente ses trois idées principales", "Tableau"],
                [
                    "1:40",
                    "Ce qui va se passer ensuite",
                    "Calendrier, prochaine rencontre, comment suivre le projet",
                    "Une diapositive",
                ],
                ["1:50", "Clôture", "Merci ; recueil des avis sur l'atelier", "Fiches d'avis"],
            ],
        ),
        ("h2", "Points d'attention"),
        (
            "ul",
            [
                "Inviter largement : riverains, commerçants, associations, jeunes ; choisir un horaire accessible.",
                "Dire ce qui n'est pas négociable (contraintes de pollution, de coût, d'urbanisme) dès l'ouverture.",
                "Ne pas promettre un projet : présenter des pistes et expliquer comment la décision sera prise.",
                "Envoyer un compte rendu aux participants dans les trois semaines.",
            ],
        ),
    ],
}

# --- spreadsheets: sheet name → (header, rows)

SHEETS: dict[str, dict[str, tuple[list[str], list[list[str]]]]] = {
    "matrice-des-acteurs.ods": {
        "Acteurs": (
            [
                "Acteur",
                "Rôle possible dans le projet",
                "Intérêt pour le projet (fort / moyen / faible)",
                "Influence sur la décision (forte / moyenne / faible)",
                "Ce qu'il attend",
                "Comment l'associer",
                "Contact à la mairie",
            ],
            [
                ["Propriétaire du site", "Vendre, louer, porter un projet", "", "", "", "", ""],
                ["Intercommunalité", "Compétences urbanisme, économie, habitat", "", "", "", "", ""],
                [
                    "Services de l'État (DDT, préfecture)",
                    "Conseil, financements, urbanisme",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                ["Établissement public foncier", "Acquisition et portage du foncier", "", "", "", "", ""],
                ["ADEME", "Études et travaux sur les sites pollués", "", "", "", "", ""],
                ["CAUE", "Conseil en architecture et urbanisme", "", "", "", "", ""],
                ["Riverains et habitants", "Usages, attentes, acceptation", "", "", "", "", ""],
                ["Associations, commerçants", "Usages temporaires, animation", "", "", "", "", ""],
                [
                    "Opérateurs (bailleur, aménageur, entreprise)",
                    "Réaliser et exploiter le projet",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            ],
        ),
        "Mode d'emploi": (
            ["Étape", "Conseil"],
            [
                ["1", "Listez tous les acteurs concernés, même ceux qui semblent éloignés du projet."],
                ["2", "Notez pour chacun son intérêt pour le projet et son influence sur la décision."],
                ["3", "Influence forte et intérêt fort : associez-les au comité de pilotage."],
                [
                    "4",
                    "Influence forte et intérêt faible : informez-les régulièrement et sollicitez leur avis aux étapes clés.",
                ],
                ["5", "Intérêt fort et influence faible : associez-les aux ateliers et tenez-les informés."],
                ["6", "Mettez la matrice à jour à chaque étape du projet."],
            ],
        ),
    },
    "matrice-maitrise-fonciere.ods": {
        "Comparer les voies": (
            [
                "Voie d'accès au foncier",
                "Quand l'envisager",
                "Délai estimé pour votre site",
                "Coût estimé pour votre site",
                "Risques et points de vigilance",
                "Note de 1 à 5",
            ],
            [
                [
                    "Achat amiable",
                    "Propriétaire connu et vendeur",
                    "",
                    "",
                    "Prix ; avis du Domaine selon le montant",
                    "",
                ],
                [
                    "Portage par l'établissement public foncier",
                    "Projet à mûrir, acquisition lourde, démolition ou dépollution à prévoir",
                    "",
                    "",
                    "Engagement de rachat à la fin du portage",
                    "",
                ],
                [
                    "Droit de préemption urbain",
                    "Bien mis en vente dans une zone où la commune a institué ce droit",
                    "",
                    "",
                    "Il faut un projet d'aménagement motivé et respecter le délai de réponse",
                    "",
                ],
                [
                    "Bail ou convention d'occupation",
                    "Propriétaire qui ne vend pas, usage temporaire",
                    "",
                    "",
                    "Durée, travaux, remise en état",
                    "",
                ],
                [
                    "Bien sans maître ou abandon manifeste",
                    "Propriétaire introuvable ou bien à l'abandon",
                    "",
                    "",
                    "Procédures longues, à conduire avec rigueur",
                    "",
                ],
                [
                    "Expropriation",
                    "Dernier recours pour un projet d'utilité publique",
                    "",
                    "",
                    "Déclaration d'utilité publique nécessaire ; délais longs",
                    "",
                ],
            ],
        ),
        "Critères": (
            ["Critère", "Question à se poser"],
            [
                ["Propriétaire", "Est-il identifié, joignable, prêt à vendre ?"],
                [
                    "Projet",
                    "Le projet est-il assez défini pour justifier une préemption ou une expropriation ?",
                ],
                ["Budget", "La commune peut-elle acheter maintenant, ou faut-il un portage ?"],
                ["Calendrier", "Quand le foncier doit-il être maîtrisé pour tenir le calendrier du projet ?"],
                ["Risques", "Pollution, bâtiments dangereux : qui supporte le coût de la remise en état ?"],
            ],
        ),
    },
    "retroplanning.ods": {
        "Rétroplanning": (
            [
                "Phase",
                "Tâche",
                "Responsable",
                "Partenaires",
                "Début prévu",
                "Fin prévue",
                "Fait le",
                "Commentaire",
            ],
            [
                [
                    "Connaître et sécuriser le site",
                    "Visite du site et premières photos",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                ["Connaître et sécuriser le site", "Mise en sécurité si nécessaire", "", "", "", "", "", ""],
                ["Maîtriser le foncier", "Identifier et rencontrer le propriétaire", "", "", "", "", "", ""],
                [
                    "Maîtriser le foncier",
                    "Choisir la voie d'acquisition (voir la matrice de maîtrise foncière)",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "Diagnostiquer le site",
                    "Étude historique et documentaire de pollution",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                ["Diagnostiquer le site", "Repérages amiante et plomb si nécessaire", "", "", "", "", "", ""],
                ["Définir le projet", "Atelier avec les habitants", "", "", "", "", "", ""],
                ["Définir le projet", "Étude de faisabilité et choix du scénario", "", "", "", "", "", ""],
                ["Monter l'opération", "Plan de financement et demandes d'aides", "", "", "", "", "", ""],
                ["Monter l'opération", "Délibération du conseil sur le projet", "", "", "", "", "", ""],
                ["Réaliser et suivre", "Consultation des entreprises et travaux", "", "", "", "", "", ""],
                ["Réaliser et suivre", "Bilan et information des habitants", "", "", "", "", "", ""],
            ],
        ),
        "Mode d'emploi": (
            ["Conseil"],
            [
                [
                    "Partez de la date à laquelle le projet doit être engagé et remontez le temps, tâche par tâche."
                ],
                ["Notez les dates limites des financements visés : elles fixent souvent le calendrier."],
                [
                    "Reprenez les tâches de votre parcours Parcours Friches : chaque étape peut devenir une ligne."
                ],
                ["Relisez le rétroplanning à chaque comité de pilotage."],
            ],
        ),
    },
}


def _text_document(blocks: list):
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    doc = OpenDocumentText()
    h1 = Style(name="Heading 1", family="paragraph")
    h1.addElement(TextProperties(fontsize="18pt", fontweight="bold"))
    h1.addElement(ParagraphProperties(marginbottom="0.3cm"))
    h2 = Style(name="Heading 2", family="paragraph")
    h2.addElement(TextProperties(fontsize="14pt", fontweight="bold"))
    h2.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm"))
    head = Style(name="TableHead", family="paragraph")
    head.addElement(TextProperties(fontweight="bold"))
    for style in (h1, h2, head):
        doc.styles.addElement(style)
    for kind, *content in blocks:
        if kind in ("h1", "h2"):
            doc.text.addElement(
                H(outlinelevel=int(kind[1]), stylename=h1 if kind == "h1" else h2, text=content[0])
            )
        elif kind == "p":
            doc.text.addElement(P(text=content[0]))
        elif kind == "ul":
            items = List()
            for line in content[0]:
                item = ListItem()
                item.addElement(P(text="– " + line))
                items.addElement(item)
            doc.text.addElement(items)
        elif kind == "table":
            header, rows = content
            table = Table()
            column = Style(name=f"col{len(header)}", family="table-column")
            column.addElement(TableColumnProperties(columnwidth=f"{17 / len(header):.2f}cm"))
            doc.automaticstyles.addElement(column)
            table.addElement(TableColumn(numbercolumnsrepeated=len(header), stylename=column))
            for index, row in enumerate([header, *rows]):
                tr = TableRow()
                for value in row:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(stylename=head if index == 0 else None, text=value))
                    tr.addElement(cell)
                table.addElement(tr)
            doc.text.addElement(table)
        else:  # pragma: no cover - a typo in the texts above
            raise ValueError(kind)
    return doc


def _spreadsheet(sheets: dict[str, tuple[list[str], list[list[str]]]]):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    bold = Style(name="Entete", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    wide = Style(name="Large", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="5cm"))
    doc.automaticstyles.addElement(bold)
    doc.automaticstyles.addElement(wide)
    for name, (header, rows) in sheets.items():
        table = Table(name=name)
        table.addElement(TableColumn(numbercolumnsrepeated=len(header), stylename=wide))
        for index, row in enumerate([header, *rows]):
            tr = TableRow()
            for value in row:
                cell = TableCell(valuetype="string", stylename=bold if index == 0 else None)
                if value:
                    cell.addElement(P(text=value))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    return doc


PDF_CSS = """
@page { size: A4; margin: 2cm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.4; color: #161616; }
h1 { font-size: 18pt; margin: 0 0 0.4cm; }
h2 { font-size: 13pt; margin: 0.5cm 0 0.2cm; }
table { border-collapse: collapse; width: 100%; margin: 0.2cm 0; }
th, td { border: 1px solid #929292; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eeeeee; }
td { height: 1.6em; }
ul { padding-left: 0.6cm; }
"""


# The printed spreadsheets: landscape (their tables are wide), one heading per sheet.
SHEET_TITLES = {
    "matrice-des-acteurs.ods": "Matrice des acteurs du projet",
    "matrice-maitrise-fonciere.ods": "Matrice de décision pour la maîtrise foncière",
    "retroplanning.ods": "Rétroplanning du projet",
}
LANDSCAPE_CSS = "@page { size: A4 landscape; } body { font-size: 9pt; }"


def _sheet_blocks(name: str, sheets: dict[str, tuple[list[str], list[list[str]]]]) -> list:
    blocks: list = [("h1", SHEET_TITLES[name]), ("p", A_ADAPTER)]
    for sheet, (header, rows) in sheets.items():
        blocks += [("h2", sheet), ("table", header, rows)]
    return blocks


def _html(blocks: list, extra_css: str = "") -> str:
    from html import escape

    out = [
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>',
        PDF_CSS,
        extra_css,
        "</style></head><body>",
    ]
    for kind, *content in blocks:
        if kind in ("h1", "h2", "p"):
            out.append(f"<{kind}>{escape(content[0])}</{kind}>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in content[0]) + "</ul>")
        elif kind == "table":
            header, rows = content
            out.append(
                "<table><thead><tr>"
                + "".join(f"<th>{escape(h)}</th>" for h in header)
                + "</tr></thead><tbody>"
            )
            for row in rows:
                out.append("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>")
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "".join(out)


def build(folder: Path = FOLDER) -> list[Path]:
    """Write every template into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    import weasyprint

    for name, blocks in TEXTS.items():
        _text_document(blocks).save(str(folder / name))
        pdf = folder / (Path(name).stem + ".pdf")
        weasyprint.HTML(string=_html(blocks)).write_pdf(str(pdf))
        written += [folder / name, pdf]
    for name, sheets in SHEETS.items():
        _spreadsheet(sheets).save(str(folder / name))
        pdf = folder / (Path(name).stem + ".pdf")
        weasyprint.HTML(string=_html(_sheet_blocks(name, sheets), LANDSCAPE_CSS)).write_pdf(str(pdf))
        written += [folder / name, pdf]
    return written


if __name__ == "__main__":  # pragma: no cover
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
