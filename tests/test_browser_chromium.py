"""The browser the tests drive: Debian's Chromium with Playwright's switches, and without the
pieces of Chromium's own interface a test never reads."""

from tests.support.browser import ARGS, playwright_disabled_features


def test_playwrights_disabled_features_are_kept_beside_ours():
    """Chromium reads the last --disable-features only: ours carries Playwright's list, read
    from its driver (a Playwright whose list moved stops here, not in a browser test)."""
    theirs = playwright_disabled_features()
    assert {"MediaRouter", "PaintHolding", "OptimizationHints"} <= set(theirs)
    switches = [arg for arg in ARGS if arg.startswith("--disable-features=")]
    assert len(switches) == 1
    ours = switches[0].removeprefix("--disable-features=").split(",")
    assert set(theirs) <= set(ours) and "WebUIOmniboxPopup" in ours


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
