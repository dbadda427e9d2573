"""Accounts (issue 15): login by e-mail code, sites attached to accounts, roles, invitations,
the action log, « Mes sites » and the personal-data export and deletion.

The blueprint lives in :mod:`app.accounts.routes` (this package stays import-light: the models
are imported by :mod:`app.models`)."""
