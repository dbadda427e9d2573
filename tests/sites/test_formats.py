"""French agreement, dates and Europe/Paris times as every page writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.pages.formats import accord, avancement, date_fr, heure_paris, plural


def test_french_agreement_singular_for_zero_and_one():
    assert plural(0, "étape faite") == "étape faite"
    assert plural(1, "terminée") == "terminée"
    assert plural(2, "terminée") == "terminées"
    assert plural(3, "étape faite") == "étapes faites"
    assert plural(2, "autre aide possible", "autres aides possibles") == "autres aides possibles"
    assert accord(1, "étape") == "1\u00a0étape" and accord(41, "étape") == "41\u00a0étapes"


def test_progress_sentence():
    assert avancement(0, 41) == "0\u00a0étape sur 41 faite"
    assert avancement(1, 41) == "1\u00a0étape sur 41 faite"
    assert avancement(4, 41) == "4\u00a0étapes sur 41 faites"


def test_dates_in_words():
    assert date_fr(date(2026, 12, 1)) == "1er décembre 2026"
    assert date_fr(date(2027, 3, 15)) == "15 mars 2027"


def test_times_in_europe_paris_summer_and_winter():
    assert heure_paris(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "1er juillet 2026 à 14\u00a0h\u00a000"
    assert heure_paris(datetime(2026, 12, 2, 23, 30)) == "3 décembre 2026 à 0\u00a0h\u00a030"  # naive = UTC
    assert heure_paris("2026-12-02T08:05:00+00:00") == "2 décembre 2026 à 9\u00a0h\u00a005"
