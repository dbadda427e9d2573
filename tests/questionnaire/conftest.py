from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.questionnaire.loader import load_questionnaire

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def questionnaire():
    """The shipped questionnaire, loaded once per test session."""
    return load_questionnaire(ROOT / "questionnaires")
