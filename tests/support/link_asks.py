"""'Email me my current link', from an old personal link's page, in a browser."""

from playwright.async_api import Page, expect

from tests.support.a11y import assert_accessible


async def ask_for_the_current_link(page: Page, old_link: str, heading: str, address: str,
                                   answer: str) -> None:
    """An old link's page says it is no longer valid; from it, the form named `heading` names
    a bad address beside its field (what was typed kept), then answers `answer` for
    `address`; each accessible."""
    await page.goto(old_link)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link is no longer valid")
    await assert_accessible(page)
    await page.get_by_role("link", name="Email me my current link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await page.get_by_label("Email address").fill("not an address")
    await page.get_by_role("button", name="Email me my link").click()
    await expect(page.locator("#email-error")).to_contain_text(
        "Enter an email address like name@example.org.")
    await expect(page.get_by_label("Email address")).to_have_value("not an address")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(address)
    await page.get_by_role("button", name="Email me my link").click()
    await expect(page.get_by_role("status")).to_contain_text(answer)
    await assert_accessible(page)


async def ask_in_spanish(page: Page, old_link: str, heading: str) -> None:
    """The old link's page in Spanish, from its language switch, and its form refusing a blank
    address."""
    await page.goto(old_link)
    await page.get_by_role("link", name="Español").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Este enlace ya no es válido")
    await page.get_by_role("link", name="Enviarme mi enlace actual por correo").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await page.get_by_role("button", name="Enviarme mi enlace por correo").click()
    await expect(page.locator("#email-error")).to_be_visible()
    await assert_accessible(page)
