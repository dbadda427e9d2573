"""Code health figures (issue 14): size, long functions, complexity, duplicates, start-up time.

Run from the repository root: `.venv/bin/python bench/code_health.py`. It reads the tree as it
is (no git checkout), so that the same script measures a branch before and after a change.

- lines: every line of the Python files under app/ (blank and comment lines included);
- functions over 60 lines (whole app/ and app/engine/), from the `ast` start and end lines;
- maximum cyclomatic complexity: ruff's mccabe (C901) with a threshold of 0, so every function
  is reported with its complexity;
- files over 500 lines (Python files under app/);
- `duplicates` pairs over app/ (the library command, when it is on the PATH);
- start-up time of a worker: a fresh interpreter importing the app, `create_app()` (which loads
  and checks the content), median of 3, printed with the ratio to a bare `import flask` measured
  in the same run.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
LONG = 60
BIG_FILE = 500


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def long_functions(files: list[Path]) -> list[tuple[str, str, int]]:
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LONG:
                    found.append((str(path.relative_to(ROOT)), node.name, length))
    return sorted(found, key=lambda item: -item[2])


def complexities() -> list[tuple[int, str, str]]:
    ruff = ROOT / ".venv" / "bin" / "ruff"
    out = subprocess.run(
        [
            str(ruff),
            "check",
            "app",
            "--select",
            "C901",
            "--config",
            "lint.mccabe.max-complexity=0",
            "--output-format",
            "json",
            "--exit-zero",
            "--no-cache",
            "--isolated",  # no per-file ignores: every function counts
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for item in json.loads(out.stdout):
        match = re.search(r"`(.+)` is too complex \((\d+) > 0\)", item["message"])
        if match:
            rows.append((int(match.group(2)), str(Path(item["filename"]).relative_to(ROOT)), match.group(1)))
    return sorted(rows, reverse=True)


def duplicate_pairs() -> str:
    if not shutil.which("duplicates"):
        return "n/a (no `duplicates` command)"
    out = subprocess.run(
        ["duplicates", "--repo", "app", "--seconds", "120"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.splitlines()[0] if out.stdout else "n/a"


def timed(code: str) -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    files = python_files(APP)
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files)
    longs = long_functions(files)
    engine_longs = [f for f in longs if f[0].startswith("app/engine/")]
    cc = complexities()
    big = [(p, n) for p in files if (n := len(p.read_text(encoding="utf-8").splitlines())) > BIG_FILE]
    print(f"python lines in app/: {lines} in {len(files)} files")
    print(f"functions over {LONG} lines: {len(longs)} in app/, {len(engine_longs)} in app/engine/")
    for path, name, length in longs:
        print(f"    {length:4d}  {path}:{name}")
    print(f"max cyclomatic complexity: {cc[0][0]} ({cc[0][1]}:{cc[0][2]})")
    print(f"functions above complexity 15: {sum(1 for c in cc if c[0] > 15)}")
    for value, path, name in cc[:10]:
        print(f"    {value:4d}  {path}:{name}")
    print(f"files over {BIG_FILE} lines: {len(big)}")
    for path, n in sorted(big, key=lambda item: -item[1]):
        print(f"    {n:4d}  {path.relative_to(ROOT)}")
    print(f"duplicates (app/): {duplicate_pairs()}")
    baseline = timed("import flask")
    startup = timed("from app import create_app; create_app()")
    print(
        f"worker start-up (import + create_app + content): {startup:.2f} s, {startup / baseline:.1f}x `import flask` ({baseline:.2f} s)"
    )


if __name__ == "__main__":
    main()
