"""Command-line entry points (`flask --app app …`). Feature modules add their groups here."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    # --- feature commands (keep one line each) ---
    app.cli.add_command(__import__("app.questionnaire.cli", fromlist=["content_cli"]).content_cli)
    app.cli.add_command(__import__("app.stats.demo", fromlist=["demo_cli"]).demo_cli)
    app.cli.add_command(__import__("app.geo.cli", fromlist=["data_cli"]).data_cli)
