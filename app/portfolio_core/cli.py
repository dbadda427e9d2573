"""``flask data build-anciens-codes``: rebuild ``data/territoires/anciens-codes.csv``."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("build-anciens-codes")
@click.option(
    "--source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="communes.json of @etalab/decoupage-administratif (default: fetched with npm pack).",
)
@click.option("--version", "version", default=None, help="Package version (default: the pinned one).")
def build_anciens_codes(source: Path | None, version: str | None) -> None:
    """Old INSEE codes of merged communes → current commune (needs npm, or --source)."""
    from app.geo import get_dataset

    from . import anciens_codes

    if source is None:
        try:
            source = anciens_codes.fetch_package(version or anciens_codes.PACKAGE_VERSION)
        except (OSError, Exception) as exc:  # npm missing or offline
            raise click.ClickException(f"npm pack a échoué ({exc}) : passez --source communes.json") from exc
    summary = anciens_codes.build(source, known_codes=set(get_dataset().communes))
    click.echo(
        f"{summary['rows']} anciens codes écrits dans {anciens_codes.TABLE} "
        f"({len(summary['skipped'])} ignorés, sha256 {summary['sha256'][:12]}…)"
    )
