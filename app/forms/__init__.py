"""The form layer: DSFR widgets for WTForms and helpers shared by every page."""

from app.forms.dsfr import (
    DsfrCheckboxes,
    DsfrInput,
    DsfrRadio,
    DsfrSelect,
    DsfrTextarea,
    error_summary,
)

__all__ = ["DsfrCheckboxes", "DsfrInput", "DsfrRadio", "DsfrSelect", "DsfrTextarea", "error_summary"]
