"""The words of the library's controls: each filter says what « everything » means, and a
template's download button reads as one phrase (format included, no doubled brackets)."""

from __future__ import annotations

import re


def test_each_filter_names_its_everything_option(client, content):
    html = client.get("/ressources").get_data(as_text=True)
    for name, everything in [
        ("famille", "Tous les tiroirs"),
        ("phase", "Toutes les phases"),
        ("public", "Tous les publics"),
        ("format", "Tous les formats"),
        ("niveau", "Les deux niveaux"),
    ]:
        select = re.search(
            rf'<select class="fr-select" id="filtre-{name}" name="{name}">(.*?)</select>', html, re.S
        )
        assert select, name
        assert re.search(
            r'<option value="">\s*' + re.escape(everything) + r"\s*</option>", select.group(1)
        ), name


def test_the_download_button_is_one_label_with_its_format(client, content):
    html = client.get("/ressources/modele-presentation-conseil").get_data(as_text=True)
    button = re.search(
        r'<a class="fr-btn fr-btn--icon-left fr-icon-download-line[^"]*"[^>]*>(.*?)</a>', html, re.S
    )
    assert button
    label = re.sub(r"<[^>]+>", "", button.group(1))
    assert label.startswith("Télécharger le modèle modifiable") and "ODT (LibreOffice Writer)" in label
    assert "((" not in label and "))" not in label
    # the whole label sits in one element, so the button wraps as one phrase on a narrow screen
    assert button.group(1).startswith("<span>") and button.group(1).endswith("</span>")


def test_each_evaluation_table_on_stats_has_a_visible_title(client):
    # the tables' captions are for screen readers only (fr-table--no-caption): each needs a heading
    html = client.get("/stats").get_data(as_text=True)
    for table_id, title in [
        ("evaluation-ressources", "Ressources de la boîte à outils"),
        ("evaluation-etapes", "Étapes du parcours"),
    ]:
        heading = re.search(
            rf'<h3 class="[^"]*" id="{table_id}-titre">([^<]+)</h3>\s*<div class="fr-table[^"]*" id="{table_id}">',
            html,
        )
        assert heading and heading.group(1) == title, table_id
