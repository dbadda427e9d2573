"""``flask worker``: the task-queue consumer (portfolio imports and refreshes)."""

from __future__ import annotations

import click
from flask import current_app


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (default: HUEY_WORKERS, else 1).")
def worker_command(workers: int | None) -> None:
    """Lance le traitement des tâches en arrière-plan (imports de portefeuilles)."""
    from app.tasks import huey, run_worker

    storage = type(huey.storage).__name__
    click.echo(f"Tâches en arrière-plan : Huey ({storage}), {workers or 'HUEY_WORKERS ou 1'} fil(s).")
    run_worker(current_app._get_current_object(), workers)
