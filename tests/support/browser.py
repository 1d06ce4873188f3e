"""Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
import re
from pathlib import Path

import playwright
import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own address-bar popup, a page of its own (chrome://omnibox-popup.top-chrome/) that
# every new window renders in a renderer process of its own: each test's browser context is a
# window, so it cost ~0.5 s of CPU a test (a sixth of Chromium's CPU in the help-desk file).
# No test reads the browser's own interface.
NOT_NEEDED = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup"]


def playwright_disabled_features() -> list[str]:
    """The features Playwright turns off itself. Chromium reads one --disable-features, the
    last given, so ours must carry Playwright's too; its list lives in its driver's bundle."""
    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    found = re.search(r"disabledFeatures = \[(.*?)\]\.filter\(Boolean\)", bundle.read_text(),
                      re.DOTALL)
    if found is None:
        raise RuntimeError(f"Playwright's disabled features are no longer where {__file__} "
                           f"reads them ({bundle}): see where chromiumSwitches went")
    return re.findall(r'"(\w+)"', re.sub(r"//.*", "", found.group(1)))


ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-features=" + ",".join(playwright_disabled_features() + NOT_NEEDED)]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if os.environ.get("CVMS_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)
