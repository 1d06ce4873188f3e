"""The browser the tests drive: Debian's Chromium with Playwright's switches, and without the
pieces of Chromium's own interface a test never reads."""

import contextlib

import psutil

from tests.support.browser import NOT_NEEDED, playwright_disabled_features


def browser_switches() -> list[list[str]]:
    """Each --disable-features the running browser process was started with, in order (read
    from the process itself: what Chromium got, after Playwright added its own switches)."""
    for process in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            argv = process.cmdline()
            if argv and "chromium" in argv[0] and not any(a.startswith("--type=") for a in argv):
                return [a.removeprefix("--disable-features=").split(",") for a in argv
                        if a.startswith("--disable-features=")]
    raise AssertionError("no Chromium browser process among this process's children")


async def test_playwrights_disabled_features_are_kept_beside_ours(chromium):
    """Chromium reads the last --disable-features only. Playwright passes its own list, ours
    comes after it: it must carry Playwright's features as well as ours (a Playwright whose
    list moved, or switches that lost it, stop here, not in a browser test)."""
    assert {"MediaRouter", "PaintHolding", "OptimizationHints"} <= set(
        playwright_disabled_features())  # our copy of the list is read from Playwright's driver
    *earlier, last = browser_switches()
    assert earlier, "Playwright passed no --disable-features of its own"
    for switch in earlier:
        assert set(switch) - {""} <= set(last), set(switch) - set(last)
    assert set(NOT_NEEDED) <= set(last)


async def test_a_new_browser_context_renders_no_address_bar_popup(chromium):
    """Each context is a window, and each window rendered Chromium's address-bar popup
    (chrome://omnibox-popup.top-chrome/) in a process of its own: ~0.5 s of CPU a test."""
    context = await chromium.new_context()
    try:
        page = await context.new_page()
        await page.goto("data:text/html,<title>Blank</title><p>Nothing here</p>")
        session = await chromium.new_browser_cdp_session()
        targets = (await session.send("Target.getTargets"))["targetInfos"]
        await session.detach()
    finally:
        await context.close()
    assert [t for t in targets if t["type"] == "page"], targets
    assert not [t["url"] for t in targets if ".top-chrome" in t["url"]]
