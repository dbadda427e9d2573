"""``flask content coverage``: the report content editors and the closing notes quote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from app.cli import content_cli

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def runner():
    """The content commands run without the app (they must report content it refuses)."""

    class Runner:
        def invoke(self, args):
            return CliRunner().invoke(content_cli, args[1:])

    return Runner()


def test_coverage_command_prints_the_shipped_catalog_counts(runner):
    result = runner.invoke(args=["content", "coverage"])

    assert result.exit_code == 0, result.output
    steps = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))) for f in (DATA / "etapes").glob("*.yaml"))
    assert f"Étapes : {steps}" in result.output
    assert "Dispositifs ouverts par usage" in result.output
    assert "ddt : 101 départements couverts" in result.output


def test_coverage_command_reads_a_draft_folder(runner, tmp_path):
    draft = tmp_path / "brouillon"
    shutil.copytree(DATA, draft / "data", ignore=shutil.ignore_patterns("territoires"))
    first = sorted((draft / "data" / "etapes").glob("*.yaml"))[0]
    items = yaml.safe_load(first.read_text(encoding="utf-8"))
    extra = {**items[0], "id": "etape-de-brouillon", "apres": []}
    first.write_text(yaml.safe_dump([*items, extra], allow_unicode=True), encoding="utf-8")

    shipped = runner.invoke(args=["content", "coverage"]).output
    result = runner.invoke(args=["content", "coverage", str(draft)])

    assert result.exit_code == 0, result.output
    count = int(shipped.split("Étapes : ")[1].split("\n")[0])
    assert f"Étapes : {count + 1}" in result.output


def test_usage_command_lists_what_reads_each_question(runner):
    result = runner.invoke(args=["content", "usage"])

    assert result.exit_code == 0, result.output
    assert "DÉCORATIVE" not in result.output
    block = result.output.split("proprietaire_vendeur — ")[1].split("\n\n")[0].split("\n")
    assert block[0] == "utile"
    assert "acquisition-amiable" in "\n".join(block[:4])
