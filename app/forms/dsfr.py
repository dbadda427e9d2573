"""WTForms widgets rendering DSFR components (templates/dsfr/components.html).

Like govuk-frontend-wtf: a widget turns a field into a parameter dict (id, name, label, hint from
``field.description``, first error, value, choices) and renders one macro. Extra keyword arguments
passed when rendering (``form.surface(unit="m²", attrs={"inputmode": "numeric"})``) override the
parameters.
"""

from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup
from wtforms import Field, Form


def _base_params(field: Field, **overrides) -> dict:
    params = {
        "id": field.id,
        "name": field.name,
        "label": str(field.label.text),
        "hint": field.description or "",
        "error": field.errors[0] if field.errors else None,
        "required": bool(field.flags.required),
        "attrs": {},
    }
    params.update(overrides)
    return params


class _Widget:
    macro = "input"

    def params(self, field: Field, **kwargs) -> dict:
        raise NotImplementedError

    def __call__(self, field: Field, **kwargs) -> Markup:
        render = get_template_attribute("dsfr/components.html", self.macro)
        return Markup(render(self.params(field, **kwargs)))


class DsfrInput(_Widget):
    """Text, number, email, date… (``input_type`` defaults to text)."""

    def __init__(self, input_type: str = "text"):
        self.input_type = input_type

    def params(self, field, **kwargs):
        value = field._value() if hasattr(field, "_value") else field.data
        return _base_params(field, type=self.input_type, value=value, **kwargs)


class DsfrTextarea(DsfrInput):
    def __init__(self):
        super().__init__("textarea")


def _choice_params(field: Field, multiple: bool) -> list[dict]:
    hints = getattr(field, "choice_hints", {}) or {}
    selected = field.data if multiple else [field.data]
    selected = {str(v) for v in (selected or []) if v is not None}
    return [
        {"value": value, "label": label, "hint": hints.get(value, ""), "checked": str(value) in selected}
        for value, label in field.choices
    ]


class DsfrRadio(_Widget):
    """Radio buttons; ``rich=True`` gives DSFR rich radios, ``inline=True`` puts them on one line."""

    macro = "radios"

    def __init__(self, rich: bool = False, inline: bool = False):
        self.rich, self.inline = rich, inline

    def params(self, field, **kwargs):
        return _base_params(
            field, choices=_choice_params(field, False), rich=self.rich, inline=self.inline, **kwargs
        )


class DsfrCheckboxes(_Widget):
    macro = "checkboxes"

    def __init__(self, inline: bool = False):
        self.inline = inline

    def params(self, field, **kwargs):
        return _base_params(field, choices=_choice_params(field, True), inline=self.inline, **kwargs)


class DsfrSelect(_Widget):
    macro = "select"

    def params(self, field, **kwargs):
        return _base_params(field, choices=_choice_params(field, False), value=field.data, **kwargs)


def error_summary(form: Form) -> list[dict]:
    """Errors for the summary at the top of the page: one link per field, to the field itself
    (the first option for radios and checkboxes)."""
    items = []
    for field in form:
        if not field.errors:
            continue
        grouped = isinstance(field.widget, (DsfrRadio, DsfrCheckboxes))
        items.append(
            {
                "href": f"#{field.id}-0" if grouped else f"#{field.id}",
                "label": str(field.label.text),
                "message": field.errors[0],
            }
        )
    return items
