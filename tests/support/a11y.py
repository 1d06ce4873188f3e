"""Every page state a browser test visits: 0 axe-core violations and no sideways scrolling.

axe-core comes bundled in the axe-playwright-python wheel (no network at test time). The rules
are WCAG 2.0/2.1 A and AA, colour contrast included; each state is checked at a desktop and a
phone width, then the page is put back to the width it had.

Each browser test runs in one pass only (on Postgres when `make test` runs that pass, see
tests/conftest.py), so axe reads each state once, whichever database is underneath.
"""

import os
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from axe_playwright_python.base import AxeResults
from playwright.async_api import Page

AXE = Axe()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP, PHONE = 1280, 390
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
WIDE = """() => { const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width)
    .slice(0, 5).map(e => e.outerHTML.slice(0, 160)); }"""
checked: list[str] = []  # "url @ width" of every state checked in this run, for reports


OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"],
           "reporter": "no-passes"}
# axe.run's results hold every rule's outcome; only the violations cross back to Python
RUN = "options => axe.run(document, options).then(results => ({violations: results.violations}))"


async def axe_violations(page: Page) -> tuple[int, str]:
    # axe-core is put into a page once (its 500 KB script costs ~50 ms to parse), not per check
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(AXE.axe_script)
    results = AxeResults(await page.evaluate(RUN, OPTIONS))
    return results.violations_count, results.generate_report()


async def assert_accessible(page: Page, widths: tuple[int, ...] = (DESKTOP, PHONE)) -> None:
    """axe reports no WCAG 2.1 AA violation and nothing scrolls sideways, at every width, on a
    page that has loaded (a check run while a click's navigation was committing once found no
    document element at all)."""
    await page.wait_for_load_state("load")
    before = page.viewport_size
    try:
        for width in widths:
            await page.set_viewport_size({"width": width, "height": 900})
            count, report = await axe_violations(page)
            assert count == 0, f"{page.url} at {width}px: {report}"
            overflow = await page.evaluate(OVERFLOW)
            assert overflow <= 0, (f"{page.url} scrolls sideways by {overflow}px at {width}px: "
                                   f"{await page.evaluate(WIDE)}")
            checked.append(f"{page.url} @ {width}")
            if shots := os.environ.get("CVMS_A11Y_SCREENSHOTS"):  # a folder, to look at them
                name = f"{len(checked):03d}-{width}.png"
                await page.screenshot(path=Path(shots) / name, full_page=True)
    finally:
        if before:
            await page.set_viewport_size(before)
