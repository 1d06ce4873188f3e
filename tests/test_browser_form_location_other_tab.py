"""Found by the outside check: a person who manages one location and is a Healthcare Provider at
another opened "New organization" (or "Add a portal contact") at the first, switched to the
second in another tab, then saved the first tab's form. The form named the location it acts
for, which they still manage, but the whole page was refused ("switch your active location"),
and what they had typed was gone (Back opened the refused page again). Now the form is saved
where it said, and they are working at that location again, told so."""

import pytest
from playwright.async_api import expect
from sqlmodel import select

from models.accounts import User
from models.employers import Employer
from models.enrollment import Location, UserLocation
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx
from tests.support.web import PASSWORD_HASH
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def _provider_elsewhere(system, manager, profile: Role = Role.PROVIDER) -> tuple[int, str]:
    """Another location of the manager's organization, where they are a Healthcare Provider
    (or hold `profile`)."""
    name = f"Clinic B {tag()}"
    async with system.sessions() as session:
        first = await session.get(Location, manager.location_id)
        other = Location(organization_id=first.organization_id, name=name, street="2 Main St",
                         city="Cary", state="NC", zip_code="27511",
                         coordinator_first_name="C", coordinator_last_name="D",
                         coordinator_email=f"b-{tag()}@example.org")
        session.add(other)
        await session.flush()
        home = await session.get(UserLocation, (manager.user_id, manager.location_id))
        home.direct = True
        session.add_all([home, UserLocation(user_id=manager.user_id, location_id=other.id,
                                            profile=profile)])
        await session.commit()
        return other.id, name


async def _back_at(page, manager) -> None:
    """The page says the manager works at their own location again (the form was done there)."""
    await expect(page.locator("main")).to_contain_text(
        f"You are working at {manager.location_name} again")

async def _switch_in_another_tab(page, location_id: int, name: str) -> None:
    other = await page.context.new_page()
    await other.goto("/portal")
    await other.get_by_label("Active location").select_option(str(location_id))
    await other.get_by_role("button", name="Switch location").click()
    await expect(other.locator("main")).to_contain_text(f"You are now working at {name}")
    await other.close()


async def _working_at(page, location_id: int) -> None:
    await page.goto("/portal")
    await page.get_by_label("Active location").select_option(str(location_id))
    await page.get_by_role("button", name="Switch location").click()


async def _staff(system, manager, password: bool = True) -> int:
    async with system.sessions() as session:
        staff = User(email=f"staff-{tag()}@example.org".lower(), first_name="Sam",
                     last_name="Staff", role=Role.PROVIDER,
                     password_hash=PASSWORD_HASH if password else None,
                     active_location_id=manager.location_id)
        session.add(staff)
        await session.flush()
        session.add(UserLocation(user_id=staff.id, location_id=manager.location_id,
                                 profile=Role.PROVIDER, direct=True))
        await session.commit()
        return staff.id


async def test_a_new_organization_is_saved_where_its_form_said(page, system):
    manager = await location_manager(system)
    other_id, other_name = await _provider_elsewhere(system, manager)
    await log_in(page, manager.email)
    await _working_at(page, manager.location_id)
    await page.goto("/portal/organizations/new")
    name = f"Other Tab Foods {tag()}"
    await page.get_by_label("Organization name").fill(name)
    await page.get_by_label("Industry").select_option("Manufacturing")
    await page.get_by_label("Street address").fill("5 Mill Rd")
    await page.get_by_label("City").fill("Apex")
    await page.get_by_label("ZIP code").fill("27502")
    await _switch_in_another_tab(page, other_id, other_name)

    await page.get_by_role("button", name="Create organization").click()
    main = page.locator("main")
    await expect(main).to_contain_text(f"{name} is created")
    await _back_at(page, manager)
    await expect(main).to_contain_text(f"linked to {manager.location_name}")
    await assert_accessible(page)
    async with system.sessions() as session:
        employer = (await session.exec(select(Employer).where(Employer.name == name))).one()
    assert employer.location_id == manager.location_id

    # a form made to name the location where they are a provider is refused, as before
    await page.goto("/portal/organizations/new")
    await _switch_in_another_tab(page, other_id, other_name)
    await page.locator("input[name=location_id]").evaluate(
        "(box, id) => { box.value = id; }", str(other_id))
    await page.get_by_label("Organization name").fill(f"{name} Twice")
    await page.get_by_label("Industry").select_option("Manufacturing")
    await page.get_by_label("Street address").fill("6 Mill Rd")
    await page.get_by_label("City").fill("Apex")
    await page.get_by_label("ZIP code").fill("27502")
    await page.get_by_role("button", name="Create organization").click()
    await expect(main).to_contain_text("is for the Immunization Branch reviewer or Healthcare "
                                       "Location Manager role")
    async with system.sessions() as session:
        assert (await session.exec(select(Employer).where(
            Employer.name == f"{name} Twice"))).first() is None


async def test_a_new_portal_contact_is_saved_where_its_form_said(page, system):
    manager = await location_manager(system)
    other_id, other_name = await _provider_elsewhere(system, manager)
    await log_in(page, manager.email)
    await _working_at(page, manager.location_id)
    await page.goto("/portal/accounts/new")
    email = f"tab-{tag()}@example.org".lower()
    await page.get_by_label("First name").fill("Tabitha")
    await page.get_by_label("Last name").fill("Other")
    await page.get_by_label("Email address").fill(email)
    await page.locator("#location_id").select_option(str(manager.location_id))
    await page.locator("#profile").select_option(Role.PROVIDER.value)
    await page.get_by_label("Login username").fill(f"tab.{tag()}".lower())
    await _switch_in_another_tab(page, other_id, other_name)

    await page.get_by_role("button", name="Save and send the invitation").click()
    main = page.locator("main")
    await expect(main).to_contain_text("Tabitha Other is added and emailed an invitation")
    await _back_at(page, manager)
    await assert_accessible(page)
    async with system.sessions() as session:
        person = (await session.exec(select(User).where(User.email == email))).one()
        held = await session.get(UserLocation, (person.id, manager.location_id))
    assert held is not None and held.profile == Role.PROVIDER


async def test_a_profile_changed_on_a_record_is_saved_where_its_form_said(page, system):
    manager = await location_manager(system)
    other_id, other_name = await _provider_elsewhere(system, manager)
    staff_id = await _staff(system, manager)
    await log_in(page, manager.email)
    await _working_at(page, manager.location_id)
    await page.goto(f"/portal/accounts/{staff_id}")
    await page.locator("#profile").select_option(Role.PROVIDER_READONLY.value)
    await _switch_in_another_tab(page, other_id, other_name)

    await page.get_by_role("button", name="Save", exact=True).click()
    main = page.locator("main")
    await expect(main).to_contain_text(f"Sam Staff works at {manager.location_name} as "
                                       "Healthcare Provider (read-only)")
    await _back_at(page, manager)
    async with system.sessions() as session:
        held = await session.get(UserLocation, (staff_id, manager.location_id))
    assert held.profile == Role.PROVIDER_READONLY


async def test_deactivate_reactivate_and_invite_again_are_done_after_a_switch_elsewhere(
        page, system):
    """The record's forms that name no location (deactivate, reactivate, send the invitation
    again) were refused whole after a switch in another tab; they now name the person's
    direct location, which the manager manages, as the record's other forms name theirs."""
    manager = await location_manager(system)
    other_id, other_name = await _provider_elsewhere(system, manager)
    staff_id = await _staff(system, manager)
    await log_in(page, manager.email)
    await _working_at(page, manager.location_id)
    main = page.locator("main")
    await page.goto(f"/portal/accounts/{staff_id}")
    await _switch_in_another_tab(page, other_id, other_name)
    await page.get_by_role("button", name="Deactivate Sam Staff").click()
    await page.get_by_role("button", name="Yes, deactivate Sam Staff").click()
    await expect(main).to_contain_text("Sam Staff is deactivated and signed out")
    await _back_at(page, manager)

    await _switch_in_another_tab(page, other_id, other_name)
    await page.get_by_role("button", name="Reactivate Sam Staff").click()
    await expect(main).to_contain_text("Sam Staff is active again")
    await _back_at(page, manager)

    invited = await _staff(system, manager, password=False)
    await page.goto(f"/portal/accounts/{invited}")
    await _switch_in_another_tab(page, other_id, other_name)
    await page.get_by_role("button", name="Send the invitation again").click()
    await expect(main).to_contain_text("A new invitation is on its way")
    await _back_at(page, manager)
    await assert_accessible(page)


async def test_a_manager_of_both_locations_stays_where_they_work(page, system):
    """Found by the outside check: a manager of two locations, working at one, gave a person
    the other location (or removed it; or, working at the other, deactivated someone, whose
    form names the person's direct location, or added a new contact at the first, chosen on
    the form): they were moved to the location the form named and told "you had switched to
    ... in another tab", which they had not. A manager of the
    location they work at stays there; only one whose active profile could not have done it
    is moved (the tests above)."""
    manager = await location_manager(system)
    other_id, other_name = await _provider_elsewhere(system, manager, Role.LOCATION_MANAGER)
    staff_id = await _staff(system, manager)
    await log_in(page, manager.email)
    main = page.locator("main")

    async def still_at(location_id: int) -> None:
        await expect(main).not_to_contain_text("again: you had switched")
        await expect(page.locator("#active-location")).to_have_value(str(location_id))
        async with system.sessions() as session:
            assert (await session.get(User, manager.user_id)).active_location_id == location_id

    await _working_at(page, manager.location_id)
    await page.goto(f"/portal/accounts/{staff_id}")
    await page.locator("#grant-location_id").select_option(str(other_id))
    await page.get_by_role("button", name="Add the location").click()
    await expect(main).to_contain_text(f"{other_name} is added to Sam Staff's account")
    await still_at(manager.location_id)

    await page.get_by_role("button", name=f"Remove {other_name}").click()
    await expect(main).to_contain_text(f"Sam Staff no longer works at {other_name}")
    await still_at(manager.location_id)

    await _working_at(page, other_id)
    await page.goto(f"/portal/accounts/{staff_id}")
    await page.get_by_role("button", name="Deactivate Sam Staff").click()
    await page.get_by_role("button", name="Yes, deactivate Sam Staff").click()
    await expect(main).to_contain_text("Sam Staff is deactivated and signed out")
    await still_at(other_id)
    await assert_accessible(page)

    # a new contact added at the other of their locations, chosen on the form
    await page.goto("/portal/accounts/new")
    await page.get_by_label("First name").fill("Nell")
    await page.get_by_label("Last name").fill("Chosen")
    await page.get_by_label("Email address").fill(f"nell-{tag()}@example.org".lower())
    await page.locator("#location_id").select_option(str(manager.location_id))
    await page.locator("#profile").select_option(Role.PROVIDER.value)
    await page.get_by_label("Login username").fill(f"nell.{tag()}".lower())
    await page.get_by_role("button", name="Save and send the invitation").click()
    await expect(main).to_contain_text("Nell Chosen is added and emailed an invitation")
    await still_at(other_id)


async def test_a_recipient_file_is_uploaded_where_its_form_said(page, system):
    """Found by the outside check: a manager who is a Healthcare Provider at another location
    attached a recipient file on Bulk Registration, switched to the other location in another
    tab, then pressed Upload: the whole page was refused ("switch your active location") and
    the file was gone. The form names its location, which they still manage: the file is
    uploaded there, and they are working at that location again, told so."""
    manager = await location_manager(system)
    other_id, other_name = await _provider_elsewhere(system, manager)
    await log_in(page, manager.email)
    await _working_at(page, manager.location_id)
    await page.goto("/recipients")
    await page.locator("#file").set_input_files(files=[{
        "name": "tabbed.xlsx", "buffer": xlsx(rows(2, tag())),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    await _switch_in_another_tab(page, other_id, other_name)

    await page.get_by_role("button", name="Upload").click()
    main = page.locator("main")
    await expect(page.get_by_role("heading", name="Upload of tabbed.xlsx")).to_be_visible()
    await _back_at(page, manager)
    await expect(main).to_contain_text(manager.location_name)
    await assert_accessible(page)
    async with system.sessions() as session:
        assert (await session.get(User, manager.user_id)).active_location_id == \
            manager.location_id

    # a file refused after such a switch is answered on the form's page, as any refused file
    await page.goto("/recipients")
    await page.locator("#file").set_input_files(files=[{
        "name": "empty.csv", "buffer": b"", "mimeType": "text/csv"}])
    await _switch_in_another_tab(page, other_id, other_name)
    await page.get_by_role("button", name="Upload").click()
    await expect(main).to_contain_text("empty.csv is empty")

    # a form made to name the location where they are a provider is refused, as before
    await _working_at(page, manager.location_id)
    await page.goto("/recipients")
    await page.locator("#file").set_input_files(files=[{
        "name": "elsewhere.xlsx", "buffer": xlsx(rows(2, tag())),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    await _switch_in_another_tab(page, other_id, other_name)
    await page.locator("form[action='/recipients/uploads'] input[name=location_id]").evaluate(
        "(box, id) => { box.value = id; }", str(other_id))
    await page.get_by_role("button", name="Upload").click()
    await expect(main).to_contain_text("You cannot open this page")


async def test_a_refused_files_valid_rows_are_imported_after_a_switch_elsewhere(page, system):
    """Found by the outside check: "Import the valid rows only", pressed on a refused upload's
    page after a switch in another tab to a location where the manager is a Healthcare
    Provider, was refused whole ("switch your active location"). The button now names the
    upload's location, which they manage: the rows are imported, and they work there again."""
    manager = await location_manager(system)
    other_id, other_name = await _provider_elsewhere(system, manager)
    refused = await upload(await manager_api(system, manager), manager,
                           xlsx(rows(3, tag(), bad={1: {2: "13/45/1980"}})), name="one-bad.xlsx")
    assert refused.status_code == 201, refused.text
    await log_in(page, manager.email)
    await _working_at(page, manager.location_id)
    await page.goto(f"/recipients/uploads/{refused.json()['id']}")
    await _switch_in_another_tab(page, other_id, other_name)

    await page.get_by_role("button", name="Import the 2 valid rows only").click()
    main = page.locator("main")
    await expect(main).to_contain_text("valid rows only")
    await _back_at(page, manager)
    await assert_accessible(page)
