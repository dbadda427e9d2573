"""Build step of the static files (``make setup``; no Flask): only the DSFR the pages use.

Usage::

    python -m app.assets_build [--dsfr node_modules/@gouvfr/dsfr/dist] [--static app/static]

1. **Icons.** Every ``fr-icon-*`` class written in the templates, the scripts and the Python code
   of ``app/`` is looked up in DSFR's ``icons.main.min.css``; the matching rules are written to
   ``vendor/dsfr/utility/icons/icons.subset.min.css`` (a few hundred bytes instead of 348 KiB).
   An icon that DSFR does not have, or an icon name built at run time (``fr-icon-{{ x }}``),
   stops the build with the file and the name: a missing icon would otherwise be invisible.
2. **Components.** DSFR ships one stylesheet per component (``component/<name>``). A component
   is kept when the pages use a class that only its stylesheet defines (``fr-accordion__btn``
   for the accordion), with the components its README lists as dependencies; ``core`` always.
   They are concatenated in DSFR's own order into ``vendor/dsfr/dsfr.subset.min.css``, their
   ``url()`` references rewritten for the new place. Without the IE11 ("legacy") rules and the
   unused components, about 40 % of ``dsfr.min.css`` (see docs/benchmarks.md).
3. **Compression.** Every compressible file under the static folder gets its ``.br`` and
   ``.gz`` twin (WhiteNoise's compressor), which WhiteNoise serves to browsers that accept them
   (``app/assets.py``; a twin older than its file is ignored there).

``check_icons()`` and ``subset_is_current()`` serve the test suite: a template that starts using
a new icon or component without ``make setup`` fails the suite, not silently the page.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
DSFR_DIST = ROOT / "node_modules" / "@gouvfr" / "dsfr" / "dist"
STATIC = APP / "static"
DSFR_OUT = "vendor/dsfr"
SUBSET_CSS = f"{DSFR_OUT}/dsfr.subset.min.css"
ICONS_CSS = f"{DSFR_OUT}/utility/icons/icons.subset.min.css"

# Where DSFR class names can be written. Content (YAML/Markdown) never carries markup classes.
SOURCES = (("templates", "*.html"), ("static/js", "*.js"), (".", "*.py"))
CLASS_RE = re.compile(r"fr-[a-z0-9_-]*[a-z0-9_-]")
CSS_CLASS_RE = re.compile(r"\.(fr-[a-z0-9_-]+)")
URL_RE = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")
ICON_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
README_LINK_RE = re.compile(r'href="css/([a-z0-9-]+)/[a-z0-9-]+\.min\.css"')
LICENSE_RE = re.compile(r"^/\*!.*?\*/", re.S)


class AssetBuildError(Exception):
    """The build cannot produce correct files; the message names what to fix."""


@dataclass(frozen=True)
class Usage:
    classes: frozenset[str]  # every fr-* token written in the sources
    where: dict  # token -> first "file:line" it appears at


def scan_usage(app_dir: Path = APP) -> Usage:
    classes: set[str] = set()
    where: dict[str, str] = {}
    for folder, pattern in SOURCES:
        for path in sorted((app_dir / folder).rglob(pattern)):
            if "vendor" in path.parts or path.name == "assets_build.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for token in CLASS_RE.findall(line):
                    classes.add(token)
                    where.setdefault(token, f"{path.relative_to(app_dir.parent)}:{number}")
                # A name built by concatenation: « fr-icon-{{ name }} » or 'fr-icon-' + name.
                for token in re.findall(r"fr-[a-z0-9_-]*-(?=\{\{|['\"]\s*\+|\$\{)", line):
                    classes.add(token)
                    where.setdefault(token, f"{path.relative_to(app_dir.parent)}:{number}")
    return Usage(frozenset(classes), where)


def _is_icon(token: str) -> bool:
    return (token.startswith("fr-icon-") and not token.startswith("fr-icon--")) or token.startswith("fr-fi-")


def used_icons(usage: Usage) -> set[str]:
    return {token for token in usage.classes if _is_icon(token)}


def _icon_rules(dist: Path) -> dict[str, str]:
    """DSFR icon name (``fr-icon-…``) -> its CSS rule."""
    css = (dist / "utility" / "icons" / "icons.main.min.css").read_text(encoding="utf-8")
    rules = {}
    for selector, body in ICON_RULE_RE.findall(LICENSE_RE.sub("", css)):
        selector = selector.strip()
        if selector.startswith("@"):
            continue
        names = {part.strip().split(":")[0].lstrip(".") for part in selector.split(",")}
        for name in names:
            rules[name] = f"{selector}{{{body}}}"
    return rules


def check_icons(usage: Usage, dist: Path = DSFR_DIST) -> list[str]:
    """French messages for every icon the sources use and DSFR does not define."""
    rules = _icon_rules(dist)
    errors = []
    for token in sorted(used_icons(usage)):
        if token.endswith("-"):
            errors.append(
                f"{usage.where[token]} : nom d'icône construit à l'exécution (« {token}… ») ; "
                "écrivez le nom complet de la classe pour que l'icône soit incluse."
            )
        elif token not in rules:
            errors.append(f"{usage.where[token]} : l'icône « {token} » n'existe pas dans le DSFR.")
    return errors


def icons_css(usage: Usage, dist: Path = DSFR_DIST) -> str:
    errors = check_icons(usage, dist)
    if errors:
        raise AssetBuildError("\n".join(errors))
    rules = _icon_rules(dist)
    header = _license(dist / "utility" / "icons" / "icons.main.min.css")
    seen, out = set(), []
    for token in sorted(used_icons(usage)):
        if rules[token] not in seen:
            seen.add(rules[token])
            out.append(rules[token])
    return header + "".join(out) + "\n"


def _license(path: Path) -> str:
    match = LICENSE_RE.match(path.read_text(encoding="utf-8"))
    return match.group(0) if match else ""


def _component_files(dist: Path) -> dict[str, Path]:
    return {
        folder.name: folder / f"{folder.name}.main.min.css"
        for folder in sorted((dist / "component").iterdir())
        if (folder / f"{folder.name}.main.min.css").exists()
    }


def _dependencies(dist: Path, name: str) -> list[str]:
    readme = dist / "component" / name / "README.md"
    if not readme.exists():
        return []
    return [dep for dep in README_LINK_RE.findall(readme.read_text(encoding="utf-8")) if dep != name]


# The classes each DSFR component is written for (its BEM blocks), from DSFR's naming. A class
# is matched by prefix (« fr-btn » covers « fr-btns-group »). A DSFR upgrade that brings a
# component missing here stops the build (see selected_components).
COMPONENT_BLOCKS = {
    "accordion": ("fr-accordion",),
    "alert": ("fr-alert",),
    "badge": ("fr-badge",),
    "breadcrumb": ("fr-breadcrumb",),
    "button": ("fr-btn",),
    "callout": ("fr-callout",),
    "card": ("fr-card",),
    "checkbox": ("fr-checkbox",),
    "connect": ("fr-connect",),
    "consent": ("fr-consent",),
    "content": ("fr-content-media", "fr-responsive-img", "fr-responsive-vid"),
    "display": ("fr-display",),
    "download": ("fr-download",),
    "follow": ("fr-follow",),
    "footer": ("fr-footer",),
    "form": (
        "fr-fieldset",
        "fr-form",
        "fr-label",
        "fr-hint-text",
        "fr-message",
        "fr-error-text",
        "fr-valid-text",
        "fr-info-text",
    ),
    "header": ("fr-header",),
    "highlight": ("fr-highlight",),
    "input": ("fr-input",),
    "link": ("fr-link",),
    "logo": ("fr-logo",),
    "modal": ("fr-modal",),
    "navigation": ("fr-nav",),
    "notice": ("fr-notice",),
    "pagination": ("fr-pagination",),
    "password": ("fr-password",),
    "quote": ("fr-quote",),
    "radio": ("fr-radio",),
    "range": ("fr-range",),
    "search": ("fr-search-bar",),
    "segmented": ("fr-segmented",),
    "select": ("fr-select",),
    "share": ("fr-share",),
    "sidemenu": ("fr-sidemenu",),
    "skiplink": ("fr-skiplinks",),
    "stepper": ("fr-stepper",),
    "summary": ("fr-summary",),
    "tab": ("fr-tabs",),
    "table": ("fr-table",),
    "tag": ("fr-tag",),
    "tile": ("fr-tile",),
    "toggle": ("fr-toggle",),
    "tooltip": ("fr-tooltip",),
    "transcription": ("fr-transcription",),
    "translate": ("fr-translate",),
    "upload": ("fr-upload",),
}


def selected_components(usage: Usage, dist: Path = DSFR_DIST) -> list[str]:
    """Components whose classes the pages use, plus their dependencies, in DSFR's order."""
    files = _component_files(dist)
    unknown = sorted(set(files) - set(COMPONENT_BLOCKS))
    if unknown:
        raise AssetBuildError(
            f"DSFR : composants inconnus de app/assets_build.py (COMPONENT_BLOCKS) : {', '.join(unknown)}."
        )
    chosen = {
        name
        for name, blocks in COMPONENT_BLOCKS.items()
        if name in files and any(token.startswith(blocks) for token in usage.classes)
    }
    pending = list(chosen)
    while pending:
        for dep in _dependencies(dist, pending.pop()):
            if dep in files and dep not in chosen:
                chosen.add(dep)
                pending.append(dep)
    # DSFR's order: where each component's rules start in the all-components stylesheet.
    bundle = (dist / "component" / "component.main.min.css").read_text(encoding="utf-8")

    def position(name: str) -> int:
        body = LICENSE_RE.sub("", files[name].read_text(encoding="utf-8"))
        head = body[:200].split("url(")[0]  # url() paths differ in the bundle
        index = bundle.find(head)
        if index < 0:
            raise AssetBuildError(f"DSFR : ordre du composant « {name} » introuvable.")
        return index

    return sorted(chosen, key=position)


def _rebase_urls(css: str, source_dir: Path, out_dir: Path) -> str:
    def rebase(match: re.Match) -> str:
        quote, url = match.groups()
        if url.startswith(("data:", "http:", "https:", "/", "#")):
            return match.group(0)
        target = os.path.normpath(source_dir / url)
        return f"url({quote}{os.path.relpath(target, out_dir).replace(os.sep, '/')}{quote})"

    return URL_RE.sub(rebase, css)


def dsfr_css(usage: Usage, dist: Path = DSFR_DIST) -> str:
    parts = [dist / "core" / "core.main.min.css"]
    parts += [dist / "component" / name / f"{name}.main.min.css" for name in selected_components(usage, dist)]
    out = [_license(parts[0])]
    for path in parts:
        body = LICENSE_RE.sub("", path.read_text(encoding="utf-8"))
        out.append(_rebase_urls(body, path.parent, dist))
    return "".join(out) + "\n"


def outputs(usage: Usage, dist: Path = DSFR_DIST) -> dict[str, str]:
    """Relative path under the static folder -> content."""
    return {SUBSET_CSS: dsfr_css(usage, dist), ICONS_CSS: icons_css(usage, dist)}


def subset_is_current(static: Path = STATIC, dist: Path = DSFR_DIST) -> list[str]:
    """The built files that differ from what the sources need now (empty: up to date)."""
    usage = scan_usage()
    stale = []
    for relative, content in outputs(usage, dist).items():
        path = static / relative
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            stale.append(relative)
    return stale


def compress(static: Path) -> int:
    """Brotli and gzip twins of every compressible file (WhiteNoise's compressor)."""
    from whitenoise.compress import Compressor

    compressor = Compressor(quiet=True)
    count = 0
    for path in sorted(_files(static)):
        if path.suffix in (".gz", ".br") or path.name.endswith(".map"):
            continue
        if not compressor.should_compress(path.name):
            continue
        twins = [Path(f"{path}{suffix}") for suffix in (".br", ".gz")]
        mtime = path.stat().st_mtime
        if all(t.exists() and t.stat().st_mtime >= mtime for t in twins):
            continue
        for twin in twins:
            twin.unlink(missing_ok=True)
        count += len(compressor.compress(str(path)))
    return count


def _files(root: Path) -> Iterable[Path]:
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            yield Path(dirpath) / name


def build(static: Path = STATIC, dist: Path = DSFR_DIST) -> list[str]:
    usage = scan_usage()
    report = []
    for relative, content in outputs(usage, dist).items():
        path = static / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
        report.append(f"{relative} : {len(content.encode()) / 1024:.0f} Kio")
    report.append(f"composants DSFR : {', '.join(selected_components(usage, dist))}")
    report.append(f"icônes : {', '.join(sorted(used_icons(usage)))}")
    report.append(f"fichiers compressés (br, gz) : {compress(static)}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="DSFR subset, icon subset and compressed static files.")
    parser.add_argument("--dsfr", type=Path, default=DSFR_DIST, help="DSFR's dist folder")
    parser.add_argument("--static", type=Path, default=STATIC, help="the app's static folder")
    args = parser.parse_args(argv)
    try:
        for line in build(args.static, args.dsfr):
            print(line)
    except AssetBuildError as error:
        print(f"ERREUR (fichiers statiques) :\n{error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
