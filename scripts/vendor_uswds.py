"""Refresh the vendored U.S. Web Design System in api/static/uswds/ from its npm package.

Run `python scripts/vendor_uswds.py` (needs Node's npm) after changing VERSION, and after a
template starts using a USWDS class the pages did not use before (tests/test_static_files.py
names any such class). The files are committed, so running the portal never needs Node. Only
what the portal uses is copied: the minified JS, the images the CSS and the banner refer to,
the font files of the weights the pages use, and the CSS, with @font-face rules only for the
fonts copied and only the rules whose classes the templates or scripts name (PurgeCSS; the
whole USWDS stylesheet is 525 KB, a browser parses and matches every page against all of it).
The classes with rules of their own in the whole stylesheet are listed in
scripts/uswds-classes.txt (beside this script, not served), for that test.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION = "3.14.0"
PURGECSS = "7.0.2"
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "api" / "static" / "uswds"
CLASSES = ROOT / "scripts" / "uswds-classes.txt"
FONTS = {  # body text in Source Sans Pro, headings in Merriweather bold
    "source-sans-pro/sourcesanspro-regular-webfont.woff2",
    "source-sans-pro/sourcesanspro-italic-webfont.woff2",
    "source-sans-pro/sourcesanspro-bold-webfont.woff2",
    "source-sans-pro/sourcesanspro-bolditalic-webfont.woff2",
    "merriweather/Latin-Merriweather-Regular.woff2",
    "merriweather/Latin-Merriweather-Bold.woff2",
}
# the banner's images, the search button's icon (shown instead of its text on phones) and the
# site's icon (browsers ask for /favicon.ico on every page otherwise)
MARKUP_IMAGES = {"us_flag_small.png", "icon-dot-gov.svg", "icon-https.svg",
                 "usa-icons-bg/search--white.svg", "favicons/favicon.ico",
                 "favicons/favicon.png"}
SKIPPED_IMAGES = {"hero.jpg"}  # the hero component is not used
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
URL = re.compile(r"url\(\.\./(img|fonts)/([^)\"']+)\)")
# Where class names are read from: a class no file here names loses its rules.
CONTENT = ["api/templates/**/*.html", "api/static/*.js", "api/static/uswds/js/*.js"]
# Components whose script builds its class names from a prefix ("usa" + "-file-input__box"),
# so no file names them whole: all their classes are kept. Likewise the state classes the
# scripts add (is-visible, usa-js-mobile-nav--active, has-invalid-file).
BUILT_BY_SCRIPT = [r"^usa-(accordion|banner|character-count|file-input|footer|header|nav"
                   r"|menu-btn|overlay|skipnav|search)", r"^usa-js-", r"^is-", r"^has-"]
# Classes a template builds from a variable (forms.html's "usa-{{ kind }}__input", base.html's
# "usa-alert--{{ notice_tone }}"): kept whether or not a file also names them whole.
BUILT_BY_TEMPLATE = [*(f"usa-{kind}{part}" for kind in ("radio", "checkbox")
                       for part in ("", "__input", "__label")),
                     *(f"usa-alert--{tone}" for tone in ("success", "info", "warning", "error"))]
# PurgeCSS's own extractor splits "tablet:grid-col-6" at the colon; the responsive utilities
# keep it.
PURGE = """import { PurgeCSS } from "purgecss";
import fs from "fs";
const [css, out, json] = process.argv.slice(2);
const options = JSON.parse(json);
const [result] = await new PurgeCSS().purge({
  content: options.content, css: [{ raw: fs.readFileSync(css, "utf8") }],
  defaultExtractor: text => text.match(/[A-Za-z0-9_:-]+/g) || [],
  safelist: { standard: options.safelist.map(pattern => new RegExp(pattern)) },
});
fs.writeFileSync(out, result.css);
"""
CLASS = re.compile(r"\.(-?[A-Za-z_](?:[A-Za-z0-9_-]|\\.)*)")


def install(workdir: Path) -> Path:
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                    f"@uswds/uswds@{VERSION}", f"purgecss@{PURGECSS}"], cwd=workdir, check=True)
    return workdir / "node_modules" / "@uswds" / "uswds" / "dist"


def lean_css(css: str) -> str:
    def keep(match: re.Match) -> str:
        font = URL.search(match.group(0))
        return match.group(0) if font and font.group(2) in FONTS else ""
    return FONT_FACE.sub(keep, css)


def classes(css: str, alone: bool = False) -> set[str]:
    """The class names a stylesheet's selectors name ("tablet\\:grid-col-6" as written in HTML);
    with `alone`, only those some selector names as its only class (".usa-alert",
    ".usa-prose>p"): a class with rules of its own, not only beside another's
    (".usa-tooltip__body.is-set")."""
    css = re.sub(r"/\*.*?\*/|url\([^)]*\)", "", css, flags=re.S)  # comments, file names
    found = set()
    for prelude in re.findall(r"(?:^|[{};])([^{};@]+)\{", css):
        for selector in prelude.split(","):
            names = {name.replace("\\", "") for name in CLASS.findall(selector)}
            if not alone or len(names) == 1:
                found |= names
    return found


def purge(workdir: Path, css: str) -> str:
    script, source, out = workdir / "purge.mjs", workdir / "uswds.css", workdir / "purged.css"
    script.write_text(PURGE)
    source.write_text(css)
    options = {"content": [str(ROOT / pattern) for pattern in CONTENT],
               "safelist": BUILT_BY_SCRIPT + [f"^{name}$" for name in BUILT_BY_TEMPLATE]}
    subprocess.run(["node", str(script), str(source), str(out), json.dumps(options)],
                   cwd=workdir, check=True)
    return out.read_text()


def copy(dist: Path, kind: str, names: set[str]) -> None:
    for name in sorted(names):
        target = TARGET / kind / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dist / kind / name, target)


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        dist = install(Path(workdir))
        shutil.rmtree(TARGET, ignore_errors=True)
        (TARGET / "js").mkdir(parents=True)
        for script in ("uswds.min.js", "uswds-init.min.js"):
            shutil.copyfile(dist / "js" / script, TARGET / "js" / script)
        whole = lean_css((dist / "css" / "uswds.min.css").read_text())
        css = purge(Path(workdir), whole)
        (TARGET / "css").mkdir()
        (TARGET / "css" / "uswds.min.css").write_text(css)
        CLASSES.write_text(
            "".join(f"{name}\n" for name in sorted(classes(whole, alone=True))))
        images = {name for kind, name in URL.findall(css) if kind == "img"} - SKIPPED_IMAGES
        copy(dist, "img", images | MARKUP_IMAGES)
        copy(dist, "fonts", FONTS)
        (TARGET / "VERSION").write_text(VERSION + "\n")
    size = sum(f.stat().st_size for f in TARGET.rglob("*") if f.is_file())
    print(f"USWDS {VERSION} vendored into {TARGET}: {size / 1024:.0f} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
