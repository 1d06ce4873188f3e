"""The state's lists in a browser: the search box is drawn whole (it had USWDS's search-button
style, no right border and shorter than the lists beside it), an empty result says what was
searched and offers to clear it, and a filter that is no choice keeps the list on screen with
the problem on its field."""

import uuid
from datetime import timedelta

import pytest
from playwright.async_api import expect

from models.base import utcnow
from models.enrollment import Organization
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_the_search_box_an_empty_result_and_a_bad_filter(page, system):
    staff = await make_user(system, Role.REVIEWER)
    await log_in(page, staff.email)
    await page.goto("/state/locations")
    box = page.locator("#f-q")
    border = await box.evaluate("e => parseFloat(getComputedStyle(e).borderRightWidth)")
    assert border >= 1, border
    heights = [await page.locator(f"#{i}").evaluate("e => e.getBoundingClientRect().height")
               for i in ("f-q", "f-status")]
    assert abs(heights[0] - heights[1]) < 2, heights
    await box.fill("nothing-matches-this")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_text("No locations match “nothing-matches-this”")).to_be_visible()
    await page.get_by_role("link", name="Clear the search and filters").click()
    await expect(page.locator("#f-q")).to_have_value("")
    await page.goto("/state/locations?age=5&q=nothing-matches-this")
    await expect(page.locator("#f-age-error")).to_contain_text("Choose")
    await expect(page.locator("#error-summary")).to_be_visible()
    await assert_accessible(page)


async def test_the_organizations_with_no_location_yet_under_the_list(page, system):
    """An organization with no location is on the state's view under the locations, with its
    status, age and administrator; the section passes axe at desktop and phone widths."""
    marker = f"bo{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER)
    admin = await make_user(system, Role.ORG_ADMIN, first_name="Ada", last_name="Admin")
    async with system.sessions() as session:
        session.add(Organization(legal_name=f"{marker} Clinic", admin_user_id=admin.id,
                                 created_at=utcnow() - timedelta(days=9)))
        await session.commit()
    await log_in(page, staff.email)
    await page.goto(f"/state/locations?q={marker}")
    section = page.get_by_role("heading", name="Organizations with no location yet")
    await expect(section).to_be_visible()
    row = page.get_by_role("row").filter(has_text=f"{marker} Clinic")
    for text in ("Section A in progress", "9 days", "Ada Admin", admin.email):
        await expect(row).to_contain_text(text)
    await assert_accessible(page)


async def test_a_name_of_one_long_word_does_not_push_the_lists_sideways(page, system):
    """Found by the outside check: an organization or location named with one long unbroken
    word (a web address, say) pushed the state's list of locations, the review queue and the
    transfers awaiting a decision sideways on a desktop screen (by hundreds of pixels), as the
    help desk's lists no longer do. Their name cells break anywhere too."""
    from models.enrollment import Location
    from models.enrollment_enums import LocationStatus
    from tests.test_state_screens import seed_transfer

    marker = f"lw{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER)
    admin = await make_user(system, Role.ORG_ADMIN)
    async with system.sessions() as session:
        org = Organization(legal_name=f"{marker}" + "o" * 110, admin_user_id=admin.id)
        session.add(org)
        await session.flush()
        sites = [Location(organization_id=org.id, name=f"{marker}" + letter * 110,
                          street="1 Main St", city="Raleigh", state="NC", zip_code="27601",
                          coordinator_first_name="C", coordinator_last_name="Q",
                          coordinator_email=f"{marker}{letter}@example.org",
                          status=LocationStatus.PENDING_REVIEW) for letter in "lm"]
        session.add_all(sites)
        await session.commit()
    await seed_transfer(system, staff.id, *sites)
    await log_in(page, staff.email)
    for path in (f"/state/locations?q={marker}", f"/review?q={marker}",
                 f"/state/transfers?q={marker}"):
        await page.goto(path)
        await expect(page.get_by_text(f"{marker}l", exact=False).first).to_be_visible()
        sideways = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 0, f"{path} scrolls sideways by {sideways}px"


async def test_a_name_of_one_long_word_does_not_push_the_audit_log_sideways(page, system):
    """Found by the second outside check: the audit log, which names a location by its name
    and PIN and a person by their name and email, was pushed sideways by a location named with
    one long unbroken word (2,600 px wide at a desktop's 1,280), as the other state lists no
    longer are. Its record and person cells break anywhere too."""
    from models.audit import AuditEvent
    from models.enrollment import Location
    from models.enrollment_enums import LocationStatus

    marker = f"la{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER)
    async with system.sessions() as session:
        org = Organization(legal_name=f"{marker} Health", admin_user_id=staff.id)
        session.add(org)
        await session.flush()
        site = Location(organization_id=org.id, name=f"{marker}" + "w" * 140,
                        street="1 Main St", city="Raleigh", state="NC", zip_code="27601",
                        coordinator_first_name="C", coordinator_last_name="Q",
                        coordinator_email=f"{marker}@example.org",
                        status=LocationStatus.IN_PROGRESS)
        session.add(site)
        await session.flush()
        session.add(AuditEvent(subject_type="location", subject_id=site.id,
                               action="status:in_progress", actor=f"user:{staff.id}"))
        await session.commit()
    await log_in(page, staff.email)
    await page.goto(f"/state/audit?q={marker}")
    await expect(page.get_by_text(f"{marker}w", exact=False).first).to_be_visible()
    sideways = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0, f"the audit log scrolls sideways by {sideways}px"
