"""A Location Manager of two locations opens "New organization" at one, switches to the other in
another tab, then saves the first tab's form: the organization belongs to the location the form
said it would (its managers manage it, its employees register there), not to the one switched
to since. The manager cannot move an organization afterwards, so a wrong one would stay."""

import pytest
from playwright.async_api import expect
from sqlmodel import select

from models.employers import Employer
from models.enrollment import Location, UserLocation
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.recipients import location_manager, tag
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def _second_location(system, manager) -> tuple[int, str]:
    """Another location of the manager's organization, which they manage too."""
    name = f"Annex {tag()}"
    async with system.sessions() as session:
        first = await session.get(Location, manager.location_id)
        annex = Location(organization_id=first.organization_id, name=name, street="2 Main St",
                         city="Cary", state="NC", zip_code="27511",
                         coordinator_first_name="C", coordinator_last_name="D",
                         coordinator_email=f"annex-{tag()}@example.org")
        session.add(annex)
        await session.flush()
        session.add(UserLocation(user_id=manager.user_id, location_id=annex.id,
                                 profile=Role.LOCATION_MANAGER))
        await session.commit()
        return annex.id, name


async def test_a_new_organization_belongs_to_the_location_its_form_named(page, system):
    manager = await location_manager(system)
    annex_id, annex_name = await _second_location(system, manager)
    await log_in(page, manager.email)
    await page.goto("/portal")
    await page.get_by_label("Active location").select_option(str(manager.location_id))
    await page.get_by_role("button", name="Switch location").click()
    name = f"Tab Works {tag()}"
    await page.goto("/portal/organizations/new")
    form = page.locator("form[action='/portal/organizations/new']")
    await expect(form).to_contain_text(manager.location_name)
    await assert_accessible(page)

    other = await page.context.new_page()
    await other.goto("/portal")
    await other.get_by_label("Active location").select_option(str(annex_id))
    await other.get_by_role("button", name="Switch location").click()
    await expect(other.locator("main")).to_contain_text(f"You are now working at {annex_name}")
    await other.close()

    await page.get_by_label("Organization name").fill(name)
    await page.get_by_label("Industry").select_option("Manufacturing")
    await page.get_by_label("Street address").fill("5 Mill Rd")
    await page.get_by_label("City").fill("Apex")
    await page.get_by_label("ZIP code").fill("27502")
    await page.get_by_role("button", name="Create organization").click()
    await expect(page.locator("main")).to_contain_text(f"{name} is created")
    await expect(page.locator("main")).to_contain_text(f"linked to {manager.location_name}")
    async with system.sessions() as session:
        employer = (await session.exec(select(Employer).where(Employer.name == name))).one()
    assert employer.location_id == manager.location_id

    # a form made to name another organization's location is refused, that location unnamed
    foreign = await location_manager(system)
    await page.goto("/portal/organizations/new")
    await page.locator("input[name=location_id]").evaluate(
        "(box, id) => { box.value = id; }", str(foreign.location_id))
    await page.get_by_label("Organization name").fill(f"{name} Twice")
    await page.get_by_label("Industry").select_option("Manufacturing")
    await page.get_by_label("Street address").fill("5 Mill Rd")
    await page.get_by_label("City").fill("Apex")
    await page.get_by_label("ZIP code").fill("27502")
    await page.get_by_role("button", name="Create organization").click()
    await expect(page.locator("main")).to_contain_text("Only a Location Manager")
    await expect(page.locator("main")).not_to_contain_text(foreign.location_name)
    await expect(page.get_by_label("Organization name")).to_have_value(f"{name} Twice")
    async with system.sessions() as session:
        assert not (await session.exec(select(Employer).where(
            Employer.name == f"{name} Twice"))).all()
