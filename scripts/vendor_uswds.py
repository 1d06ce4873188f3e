"""Refresh the vendored U.S. Web Design System in api/static/uswds/ from its npm package.

Run `python scripts/vendor_uswds.py` (needs Node's npm) after changing VERSION. The files are
committed, so running the portal never needs Node. Only what the portal uses is copied: the
minified CSS and JS, the images the CSS and the banner refer to, and the font files of the
weights the pages use; the CSS keeps @font-face rules only for the fonts copied.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION = "3.14.0"
TARGET = Path(__file__).resolve().parent.parent / "api" / "static" / "uswds"
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


def install(workdir: Path) -> Path:
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                    f"@uswds/uswds@{VERSION}"], cwd=workdir, check=True)
    return workdir / "node_modules" / "@uswds" / "uswds" / "dist"


def lean_css(css: str) -> str:
    def keep(match: re.Match) -> str:
        font = URL.search(match.group(0))
        return match.group(0) if font and font.group(2) in FONTS else ""
    return FONT_FACE.sub(keep, css)


def copy(dist: Path, kind: str, names: set[str]) -> None:
    for name in sorted(names):
        target = TARGET / kind / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dist / kind / name, target)


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        dist = install(Path(workdir))
        shutil.rmtree(TARGET, ignore_errors=True)
        css = lean_css((dist / "css" / "uswds.min.css").read_text())
        (TARGET / "css").mkdir(parents=True)
        (TARGET / "css" / "uswds.min.css").write_text(css)
        (TARGET / "js").mkdir()
        for script in ("uswds.min.js", "uswds-init.min.js"):
            shutil.copyfile(dist / "js" / script, TARGET / "js" / script)
        images = {name for kind, name in URL.findall(css) if kind == "img"} - SKIPPED_IMAGES
        copy(dist, "img", images | MARKUP_IMAGES)
        copy(dist, "fonts", FONTS)
        (TARGET / "VERSION").write_text(VERSION + "\n")
    size = sum(f.stat().st_size for f in TARGET.rglob("*") if f.is_file())
    print(f"USWDS {VERSION} vendored into {TARGET}: {size / 1024:.0f} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
