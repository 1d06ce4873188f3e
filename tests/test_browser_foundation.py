"""The portal shell in a real browser: register, confirm from the email, log in; phone width."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.web import PASSWORD, unique_email

pytestmark = pytest.mark.browser


async def test_register_confirm_and_log_in_in_a_browser(page, system):
    email = unique_email("browser")
    await page.goto("/register")
    await assert_accessible(page)
    await page.get_by_label("First name").fill("Bea")
    await page.get_by_label("Last name").fill("Browser")
    await page.get_by_label("Business email address").fill(email)
    await page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    await page.get_by_label("Type the password again").fill("something-else-1")
    await page.get_by_role("button", name="Register").click()
    await expect(page.locator("#password_confirm-error")).to_have_text(
        "The two passwords do not match.")
    await expect(page.get_by_label("Business email address")).to_have_value(email)
    await assert_accessible(page)
    await page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await page.get_by_role("button", name="Register").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await assert_accessible(page)
    mail = await system.smtp.one(to=email, subject="Confirm your email")
    await page.goto(mail.link("/register/verify/"))
    await assert_accessible(page)
    await page.get_by_role("button", name="Confirm my email").click()
    await expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Welcome, Bea")).to_be_visible()
    await assert_accessible(page)
    # The header's items sit on one line: Dashboard, who is logged in, Change your password,
    # Log out
    await page.set_viewport_size({"width": 1280, "height": 800})
    centres = []
    for item in (page.get_by_role("link", name="Dashboard"), page.locator(".cvms-nav-who"),
                 page.get_by_role("link", name="Change your password"),
                 page.locator(".cvms-nav-button")):
        box = await item.bounding_box()
        centres.append(box["y"] + box["height"] / 2)
    assert max(centres) - min(centres) <= 4, centres
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("status")).to_contain_text("You have logged out.")


@pytest.mark.once  # layout and accessibility: the SQLite pass only
async def test_pages_fit_a_phone_screen(page):
    await page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/", "/login", "/register", "/help", "/help/ask", "/help/register",
                 "/password/forgot"):
        await page.goto(path)
        await assert_accessible(page, widths=(375,))
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    await expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()


async def test_an_email_in_a_table_is_not_broken_where_there_is_room(page):
    """A coordinator's address and a status tag in the dashboard's table stay on one line on
    a wide screen; the address still wraps (not widening the page) on a phone."""
    await page.goto("/login")
    await page.evaluate("""() => { document.querySelector('main').insertAdjacentHTML('beforeend',
        '<table class="usa-table usa-table--stacked"><thead><tr><th>Location</th><th>Status' +
        '</th><th>Coordinator</th><th>Waiting on</th></tr></thead><tbody><tr>' +
        '<td data-label="Location">Wake County Health Department Main Clinic</td>' +
        '<td data-label="Status"><span class="usa-tag cvms-status" id="tag">Awaiting ' +
        'officers\\' signatures</span></td><td data-label="Coordinator">Jordan ' +
        'Coordinator<br><span class="usa-hint" id="address">' +
        'jordan.coordinatorlongname@wakecountyhealth.example.org</span></td>' +
        '<td data-label="Waiting on">The coordinator to finish Section B</td></tr></tbody>' +
        '</table>'); }""")
    lines = "() => document.getElementById('address').getClientRects().length"
    tag_lines = """() => { const tag = document.getElementById('tag');
        return Math.round(tag.getBoundingClientRect().height / parseFloat(
            getComputedStyle(tag).lineHeight)); }"""
    sideways = "() => document.documentElement.scrollWidth - window.innerWidth"
    await page.set_viewport_size({"width": 1280, "height": 800})
    assert await page.evaluate(lines) == 1, "the address broke mid-word beside empty space"
    assert await page.evaluate(tag_lines) == 1, "the status tag wrapped"
    await page.set_viewport_size({"width": 375, "height": 740})
    assert await page.evaluate(lines) > 1 and await page.evaluate(sideways) <= 0


@pytest.mark.once  # the checker itself does not depend on the database
async def test_the_accessibility_check_finds_what_it_is_for(page):
    """The checker itself: a clean page passes; an image without a text alternative fails,
    including one added after the page was checked once (axe-core stays in a checked page and
    must look at the page as it is now); so does a page that scrolls sideways on a phone."""
    await page.set_content('<html lang="en"><head><title>Check</title></head><body><main>'
                           '<h1>Clean</h1><p id="p">Text.</p></main></body></html>')
    await assert_accessible(page)
    await page.evaluate("""() => { const img = document.createElement("img");
        img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw="; document.body.append(img); }""")
    with pytest.raises(AssertionError, match="image-alt"):
        await assert_accessible(page)
    await page.set_content('<html lang="en"><head><title>Wide</title></head><body><main>'
                           '<h1>Wide</h1><div style="width:900px">x</div></main></body></html>')
    with pytest.raises(AssertionError, match="scrolls sideways"):
        await assert_accessible(page)


async def test_every_request_a_page_makes_is_answered(page):
    """Nothing a page asks for is missing: its styles, scripts, fonts, images and icon (the
    staff layout and the recipients' and public questions' layout)."""
    missing: list[str] = []
    page.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: missing.append(f"failed {r.url}"))
    for path in ("/", "/login", "/help/ask"):
        await page.goto(path)
        await page.wait_for_load_state("networkidle")
        icon = await page.locator("link[rel=icon]").get_attribute("href")
        answer = await page.request.get(icon)
        assert answer.ok and answer.headers["content-type"] == "image/png", (path, icon)
    answer = await page.request.get("/favicon.ico")  # where a page names none (a PDF)
    assert answer.ok and answer.headers["content-type"] == "image/vnd.microsoft.icon"
    assert not missing, missing


async def test_links_in_text_take_the_design_systems_colour(page):
    """A link in a page's text with no USWDS class is USWDS's blue, not the browser's."""
    await page.goto("/login")
    link = page.get_by_role("link", name="Forgot your password?")
    assert await link.evaluate("a => getComputedStyle(a).color") == "rgb(0, 94, 162)"
