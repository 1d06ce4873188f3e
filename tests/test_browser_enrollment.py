"""Enrollment part 1 in a real browser: Section A, then one location's 12 steps of Section B."""

import re

import pytest
from playwright.async_api import Page, expect

from tests.support.a11y import assert_accessible
from tests.support.accounts import register_org_admin
from tests.support.enrollment import complete_location, photo
from tests.support.web import PASSWORD, unique_email

pytestmark = pytest.mark.browser


async def log_in(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


async def next_step(page: Page, heading: str) -> None:
    await page.get_by_role("button", name="Next").click()
    await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    await assert_accessible(page)


async def fill_section_a(page: Page, coordinators: dict[str, str]) -> None:
    await page.goto("/organization")
    await assert_accessible(page)
    await page.get_by_role("link", name="Start Section A").click()
    legal_name = page.get_by_label("Legal name of the organization")
    await expect(legal_name).to_be_visible()  # Section A's page, not the one being left
    await assert_accessible(page)
    await legal_name.fill("Browser Health")
    await page.get_by_label("Type of organization").select_option("hospital")
    await page.get_by_label("Street address").fill("5 Oak St")
    await page.get_by_label("City").fill("Durham")
    await page.locator("#state").select_option("NC")
    await page.get_by_label("ZIP code").fill("27701")
    await page.get_by_label("Phone").fill("9195551234")
    await page.get_by_label("Organization contact email").fill("info@browser.example")
    await page.get_by_role("radio", name="No").check()
    # Enter in a field goes forward, as Next does (it ran the first button: Pause and save)
    await page.get_by_label("Organization contact email").press("Enter")
    await expect(page.get_by_role("heading", name="Step 2 of 4 Locations and vaccine "
                                  "coordinators")).to_be_visible()
    await assert_accessible(page)
    for name, email in coordinators.items():
        await page.get_by_label("Location name").fill(name)
        await page.get_by_label("Street address").fill("9 Elm St")
        await page.get_by_label("City").fill("Durham")
        await page.locator("#state").select_option("NC")
        await page.get_by_label("ZIP code").fill("27701")
        await page.get_by_label("First name").fill(name.split()[0])
        await page.get_by_label("Last name").fill("Coordinator")
        await page.get_by_label("Email address").fill(email)
        await page.get_by_role("button", name="Add this location").click()
        await expect(page.get_by_role("status")).to_contain_text(f"{name} is saved")
        await assert_accessible(page)
    await next_step(page, "Step 3 of 4 Responsible officers")
    for role in ("ceo", "cmo"):
        await page.locator(f"#{role}_name").fill(f"{role.upper()} Officer")
        await page.locator(f"#{role}_title").fill(role.upper())
        await page.locator(f"#{role}_email").fill(unique_email(role))
    await next_step(page, "Step 4 of 4 Review and submit")
    await page.get_by_role("button", name="Submit Section A").click()
    await expect(page.get_by_role("status")).to_contain_text("Section A is submitted")
    await assert_accessible(page)


async def fill_form_steps(page: Page) -> None:
    await page.get_by_label("Street address").first.fill("9 Elm St")
    await page.get_by_label("City").first.fill("Durham")
    await page.locator("#shipping_state").select_option("NC")
    await page.get_by_label("ZIP code").first.fill("27701")
    await page.locator("#admin_address_differs-2").check()
    await page.locator("#other_org_orders-2").check()
    await next_step(page, "Step 3 of 12 Vaccine coordinator details")
    await page.get_by_label("Your phone").fill("919 555 0199")
    await page.get_by_label("First name").fill("Bo")
    await page.get_by_label("Last name").fill("Backup")
    await page.get_by_label("Email").fill("bo@browser.example")
    await page.locator("#backup_phone").fill("9195550198")
    await page.locator("#backup_phone").press("Enter")  # forward, not Previous
    await expect(page.get_by_role("heading", name="Step 4 of 12 Availability to receive "
                                  "shipments")).to_be_visible()
    await page.set_viewport_size({"width": 375, "height": 740})
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the availability grid scrolls sideways by {overflow}px on a phone"
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.get_by_role("button", name="Next").click()
    await expect(page.get_by_role("alert").first).to_contain_text("Choose at least one time slot")
    await assert_accessible(page)
    await page.get_by_label("Tuesday morning from").select_option("08:00")
    await page.get_by_label("Tuesday morning to").select_option("11:30")
    await next_step(page, "Step 5 of 12 Provider type and vaccination details")
    await page.get_by_label("Provider type").select_option("hospital")
    await page.get_by_label("Inpatient").check()
    await page.get_by_label("Children (0–18 years)").fill("50")
    await page.get_by_label("Adults (19–64 years)").fill("500")
    await page.locator("#age_65_up_unknown").check()
    await page.get_by_label("Average number of patients").fill("120")
    await page.get_by_label("Peak number of influenza").fill("90")
    await next_step(page, "Step 6 of 12 Populations served and storage capacity")
    await page.get_by_label("General population").check()
    await page.get_by_label("Reporting status").fill("NCIR-777")
    await page.get_by_label("No capacity").check()
    await next_step(page, "Step 7 of 12 Storage units")


async def fill_storage_and_providers(page: Page) -> None:
    await page.get_by_label("Brand").fill("Helmer")
    await page.get_by_label("Model").fill("iPR120")
    await page.get_by_label("Type").select_option("refrigerator")
    await page.get_by_label("Inside photo").set_input_files(
        {"name": "inside.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    # a drawing, not a photo (the file list emptied the field, so the page said to upload a
    # photo as if none were chosen: the outside check): named as a file we cannot read
    await page.get_by_label("Outside photo").set_input_files(
        {"name": "outside.svg", "mimeType": "image/svg+xml",
         "buffer": b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'})
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.locator("#outside_photo-error")).to_contain_text("not a picture")
    await assert_accessible(page)
    await expect(page.get_by_label("Brand")).to_have_value("Helmer")
    await page.get_by_label("Inside photo").set_input_files(
        {"name": "inside.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    await page.get_by_label("Outside photo").set_input_files(
        {"name": "outside.jpg", "mimeType": "image/jpeg", "buffer": photo("white")})
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.get_by_role("img", name="Inside of Helmer iPR120")).to_be_visible()
    await assert_accessible(page)
    await next_step(page, "Step 8 of 12 Practicing providers")
    for first, number in (("Ada", "MD-1"), ("Ben", "NP-2")):
        await page.get_by_label("First name").fill(first)
        await page.get_by_label("Last name").fill("Doctor")
        await page.get_by_label("License type").select_option("MD")
        await page.get_by_label("License number").fill(f"{number}23")
        await page.get_by_role("button", name="Create provider").click()
        await expect(page.get_by_role("status")).to_contain_text(f"{first} Doctor was added")
        await assert_accessible(page)
    await next_step(page, "Step 9 of 12 Edit practicing providers")
    await page.get_by_role("link", name="Edit Ben Doctor").click()
    await assert_accessible(page)
    await page.get_by_label("License type").select_option("NP")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("cell", name="NP NP-223")).to_be_visible()
    await assert_accessible(page)
    await next_step(page, "Step 10 of 12 Deactivate practicing providers")
    await page.get_by_label("Select Ada Doctor").check()
    await page.get_by_role("button", name="Deactivate the selected providers").click()
    await expect(page.get_by_role("status")).to_contain_text("1 provider deactivated")
    await assert_accessible(page)
    await next_step(page, "Step 11 of 12 Review and sign the provider agreement")


async def sign_both(page: Page) -> None:
    await expect(page.get_by_text("NCIR-777")).to_be_visible()
    await page.get_by_label("Draw my signature").check()
    pad = page.locator("[data-pad]")
    box = await pad.bounding_box()
    await page.mouse.move(box["x"] + 20, box["y"] + 60)
    await page.mouse.down()
    for step in range(1, 12):
        await page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 60 + (step % 3) * 15)
    await page.mouse.up()
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use").click()
    await expect(page.get_by_role("heading", name="Step 12 of 12")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use, and submit Section B").click()
    await expect(page.get_by_role("status")).to_contain_text("Section B is complete")
    await assert_accessible(page)


async def test_section_a_and_one_section_b_in_the_browser(page, system):
    admin_email = await register_org_admin(system)
    await log_in(page, admin_email)
    first, second = unique_email("bcoord"), unique_email("bcoord")
    await fill_section_a(page, {"East Site": first, "West Site": second})
    invitation = await system.smtp.one(to=first, subject="Primary Vaccine Coordinator")
    await page.context.clear_cookies()
    await page.goto(invitation.link("/invite/"))
    await page.get_by_label("Choose a password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await assert_accessible(page)
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.get_by_role("heading", name="Step 2 of 12 Location information")).to_be_visible()
    await fill_form_steps(page)
    await page.get_by_role("button", name="Pause and save").click()
    await expect(page.get_by_role("status")).to_contain_text("Section B is saved")
    await assert_accessible(page)
    await page.get_by_role("link", name="Continue where you left off").click()
    await fill_storage_and_providers(page)
    await sign_both(page)
    await expect(page.locator(".usa-tag")).to_have_text(
        re.compile("Section B submitted|Waiting for the officers' signatures"))
    location_id = int(page.url.split("/locations/")[1].split("/")[0])
    other_id = location_id + 1
    await complete_location(system, second, other_id)
    await page.context.clear_cookies()
    await log_in(page, admin_email)
    await page.goto("/organization")
    await expect(page.locator(".usa-tag")).to_have_text(
        ["Waiting for the officers' signatures"] * 2)
    await assert_accessible(page)
