"""What an outside check of the review console found, in a real browser."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import sign_until
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def _reviewing(page, system, name: str) -> tuple[str, int]:
    """A location of that name pending review, its page open to a reviewer in the browser:
    its coordinator's email and its id."""
    enrollment = await start_enrollment(system, [name])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    await log_in(page, (await make_user(system, Role.REVIEWER)).email)
    await page.goto(f"/review/locations/{location_id}")
    return email, location_id


async def test_a_reason_kept_past_its_limit_is_counted_when_the_page_comes_back(page, system):
    """USWDS's counter lets a person type (or paste) past the limit; the refusal kept the
    reason, but its counter said "1000 characters allowed" until a key was pressed, so nobody
    knew how much to cut. It now says how far over the kept text is, as soon as it shows."""
    await _reviewing(page, system, "Counted Clinic")
    await page.get_by_label("Reason").fill("Retake the photos. " * 55)  # 1,045 characters
    await page.get_by_role("button", name="Reject").click()
    await expect(page.locator("#reason-error")).to_contain_text("at most 1000 characters")
    await expect(page.get_by_label("Reason")).to_have_value("Retake the photos. " * 55)
    await expect(page.locator(".usa-character-count__status")).to_have_text(
        "45 characters over limit")
    await assert_accessible(page)


async def test_a_reason_typed_on_several_lines_keeps_them_where_it_is_read(page, system):
    """The rejection email keeps a reason's lines; the pages ran them together ("...blurry.
    2. No thermometer"): the coordinator's Section B, the review page's decisions."""
    email, location_id = await _reviewing(page, system, "Lined Clinic")
    await page.get_by_label("Reason").fill("1. Inside photo is blurry.\n2. No thermometer.")
    await page.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("status")).to_contain_text("Lined Clinic was rejected")
    await page.goto(f"/review/locations/{location_id}")
    decided = page.locator("li", has_text="Not approved by")
    assert "blurry.\n2. No thermometer." in await decided.inner_text()
    await assert_accessible(page)
    await page.context.clear_cookies()
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b")
    said = page.locator(".usa-alert__text", has_text="Reason:")
    assert "blurry.\n2. No thermometer." in await said.inner_text()
    await assert_accessible(page)


async def test_a_decision_refused_as_another_reviewer_decided_first_takes_focus(page, system):
    """Two reviewers with one location open: the second's decision comes back with the
    location as decided and "Not done: ..." above it. That message was a role=alert present
    as the page loads, which screen readers do not announce, and focus stayed at the top of
    the page: a keyboard or screen-reader user heard nothing of why their Reject did nothing.
    It now takes focus, as an error summary does."""
    _email, location_id = await _reviewing(page, system, "Raced Clinic")
    other = await page.context.new_page()
    await other.goto(f"/review/locations/{location_id}")
    await page.get_by_role("button", name="Approve").click()
    await expect(page.get_by_role("status")).to_contain_text("Raced Clinic was approved")
    await other.get_by_label("Reason").fill("Blurry photo")
    await other.get_by_role("button", name="Reject").click()
    refusal = other.get_by_role("alert").filter(has_text="Not done")
    await expect(refusal).to_be_visible()
    await expect(refusal).to_be_focused()
    await assert_accessible(other)


async def test_a_reason_of_one_long_word_does_not_push_the_review_page_sideways(page, system):
    """Found by the second outside check: a rejection's reason holding a long web address
    (one unbroken word) pushed the location's review page thousands of pixels sideways on a
    desktop screen: its timeline's detail cell would not break it. The timeline's person and
    detail cells break anywhere, as the state's lists do."""
    _email, location_id = await _reviewing(page, system, "Linked Reason Clinic")
    address = "https://photos.example.org/" + "storage_unit_inside_" * 20
    await page.get_by_label("Reason").fill(f"See {address}")
    await page.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("status")).to_contain_text("Linked Reason Clinic was rejected")
    await page.goto(f"/review/locations/{location_id}")
    await expect(page.get_by_role("cell", name=address, exact=False).first).to_be_visible()
    sideways = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0, f"the review page scrolls sideways by {sideways}px"
