"""The questionnaire: declarative YAML content (``questionnaires/*.yaml``), loaded and validated.

A questionnaire is an ordered list of groups (one page each) holding questions with stable ids.
Files are read in name order; inside a file, groups keep their order. Groups and questions may
carry a condition (``si:``, the language of :mod:`app.engine.conditions`) over earlier answers
and territory facts.

One module per responsibility:

- :mod:`.model` — ``Questionnaire``, ``Group``, ``Question``, ``Choice``, the question types,
  three-valued visibility, the answers the rules read, labels of stored values;
- :mod:`.answers` — ``validate_answer``: submitted form values → stored value or French message;
- :mod:`.loader` — ``load_questionnaire``: YAML → model, one parser per block;
- :mod:`.checks` — conditions, CNIG values, unreachable groups and questions;
- :mod:`.page` — one page being filled: visibility with the submitted answers
  (``evaluate_submission``) and the same rules for the browser (``client_rules``).

Scenarios (answers → expected questions and path) have one runner for the whole content:
:mod:`app.engine.scenarios`. The public names are re-exported here. No Flask import.
"""

from app.engine.conditions import can_be_true
from app.engine.questionnaire.answers import validate_answer
from app.engine.questionnaire.loader import load_questionnaire
from app.engine.questionnaire.model import (
    ANNEE,
    CHOICE_TYPES,
    CHOIX_MULTIPLE,
    CHOIX_UNIQUE,
    LOCALISATION,
    NOMBRE,
    OUI_NON,
    TEXTE_COURT,
    TYPES,
    UNKNOWN,
    UNKNOWN_LABEL,
    Choice,
    Group,
    Question,
    Questionnaire,
    format_number,
)

__all__ = [
    "ANNEE",
    "CHOICE_TYPES",
    "CHOIX_MULTIPLE",
    "CHOIX_UNIQUE",
    "LOCALISATION",
    "NOMBRE",
    "OUI_NON",
    "TEXTE_COURT",
    "TYPES",
    "UNKNOWN",
    "UNKNOWN_LABEL",
    "Choice",
    "Group",
    "Question",
    "Questionnaire",
    "can_be_true",
    "format_number",
    "load_questionnaire",
    "validate_answer",
]
