"""``flask data build-territories``: rebuild ``data/territoires/`` from the build packages."""

from __future__ import annotations

import click


@click.group("data", help="Données embarquées.")
def data_cli() -> None:
    pass


@data_cli.command("build-territories")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Output folder (default: data/territoires/).",
)
def build_territories(out_dir: str | None) -> None:
    """Build the embedded communes/EPCI/zonage dataset (needs pip install -e '.[build]')."""
    from .build import DEFAULT_OUT, BuildError, build

    try:
        summary = build(out_dir or DEFAULT_OUT)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{summary['communes']} communes, {summary['epci']} EPCI, "
        f"{summary['departements']} départements, {summary['regions']} régions"
    )
    for name, info in summary["files"].items():
        click.echo(f"  {name}: {info['bytes'] / 1e6:.1f} Mo")
    if summary["communes_sans_contour"]:
        click.echo("Communes sans contour : " + ", ".join(summary["communes_sans_contour"]))
