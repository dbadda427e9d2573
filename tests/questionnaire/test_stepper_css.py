"""The DSFR stepper bar must be drawn for every page of the shipped questionnaire.

DSFR 1.15 only styles ``data-fr-steps`` up to 8; app.css extends it. Without the extension the
bar silently disappears when content editors add a page.
"""

import re
from pathlib import Path

from app.engine.questionnaire.loader import load_questionnaire

ROOT = Path(__file__).resolve().parents[2]


def test_stepper_bar_is_styled_for_every_page_count_and_position():
    pages = len(load_questionnaire(ROOT / "questionnaires").groups)
    css = (ROOT / "app/static/vendor/dsfr/dsfr.min.css").read_text(encoding="utf-8")
    css += (ROOT / "app/static/css/app.css").read_text(encoding="utf-8")
    styled_counts = {int(n) for n in re.findall(r'data-fr-steps="(\d+)"\]\s*\{\s*--steps', css)}
    styled_steps = {int(n) for n in re.findall(r'data-fr-current-step="(\d+)"\]\s*\{\s*--current-step', css)}
    assert pages in styled_counts
    assert set(range(1, pages + 1)) <= styled_steps
