"""Provider enrollment part 1 through the HTTP API, on the real Temporal dev server."""

import asyncio

from sqlmodel import select

from models.enrollment import Location, PracticingProvider, StorageUnit, StoredFile
from tests.support.enrollment import (
    complete_location,
    fill_section_b,
    location_body,
    photo,
    register_coordinator,
    start_enrollment,
)
from tests.support.web import browser, unique_email
from workflows import ids


async def wait_status(system, location_id: int, status: str, timeout: float = 20) -> Location:
    for _ in range(int(timeout / 0.1)):
        async with system.sessions() as session:
            location = await session.get(Location, location_id)
            if location.status == status:
                return location
        await asyncio.sleep(0.1)
    raise AssertionError(f"location {location_id} is {location.status}, expected {status}")


async def test_section_a_with_two_locations_to_both_submitted(system):
    enrollment = await start_enrollment(system, ["North Clinic", "South Clinic"])
    confirmation = await system.smtp.one(to=enrollment.admin_email, subject="Section A submitted")
    assert "North Clinic" in confirmation.text and "South Clinic" in confirmation.text
    for email, location_id in enrollment.locations.items():
        await wait_status(system, location_id, "new")
        coordinator = await complete_location(system, email, location_id)
        location = await wait_status(system, location_id, "awaiting_signatures")
        assert location.waiting_on.startswith("Responsible officers")
        receipt = await system.smtp.one(to=email, subject="Section B submitted")
        assert enrollment.admin_email in receipt.cc
        status = (await coordinator.get(f"/api/v1/locations/{location_id}/status")).json()
        assert status["location"]["status"] == "awaiting_signatures"
    mine = (await enrollment.admin.get("/api/v1/organizations/mine")).json()
    assert {loc["status"] for loc in mine["locations"]} == {"awaiting_signatures"}


async def test_photos_are_reencoded_without_metadata(system):
    enrollment = await start_enrollment(system, ["Photo Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    assert b"SecretCam" in photo(), "the uploaded originals carry camera metadata"
    async with system.sessions() as session:
        unit = (await session.exec(select(StorageUnit).where(
            StorageUnit.location_id == location_id))).one()
        photos = [await session.get(StoredFile, unit.inside_photo_id),
                  await session.get(StoredFile, unit.outside_photo_id)]
    for stored in photos:
        assert stored.content_type == "image/jpeg" and stored.data.startswith(b"\xff\xd8")
        assert b"SecretCam" not in stored.data and b"Exif" not in stored.data


async def test_double_clicked_section_a_submit_starts_one_process(system):
    enrollment = await start_enrollment(system, ["Twice Clinic"], submit=False)
    url = f"/api/v1/organizations/{enrollment.org_id}/submit"
    first, second = await asyncio.gather(enrollment.admin.post(url), enrollment.admin.post(url))
    assert sorted([first.status_code, second.status_code]) in ([200, 409], [200, 200])
    (email, location_id), = enrollment.locations.items()
    await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    await asyncio.sleep(1)
    assert len(system.smtp.find(to=email, subject="Primary Vaccine Coordinator")) == 1
    listed = [w async for w in system.client.list_workflows(
        f"WorkflowId = '{ids.enrollment(enrollment.org_id)}'")]
    assert len(listed) == 1
    again = await enrollment.admin.post(url)
    assert again.status_code == 409 and "already submitted" in again.json()["detail"]
    assert "Your dashboard has what can still change" in again.json()["detail"]


async def test_25_plus_providers_submit_without_them_and_wait_for_the_bulk_upload(system):
    enrollment = await start_enrollment(system, ["Big Hospital"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id, providers=0)
    location = await wait_status(system, location_id, "awaiting_signatures")
    assert location.providers_pending
    receipt = await system.smtp.one(to=email, subject="Section B submitted")
    assert "bulk upload template" in receipt.text
    mine = (await enrollment.admin.get("/api/v1/organizations/mine")).json()
    assert mine["locations"][0]["providers_pending"] is True


async def test_the_same_location_added_twice_is_named_not_stored_twice(system):
    """The same name at the same address (in other spacing or capitals, or a double click) is
    refused on the name, in the API and on the page, which keeps what was typed."""
    enrollment = await start_enrollment(system, ["Twice Clinic"], submit=False)
    url = f"/api/v1/organizations/{enrollment.org_id}/locations"
    again = await enrollment.admin.post(url, json={
        **location_body("twice  CLINIC", unique_email("coord")), "street": "100 main st"})
    assert again.status_code == 409, again.text
    assert "already one of your locations" in again.json()["errors"]["name"]
    elsewhere = await enrollment.admin.post(url, json={
        **location_body("Twice Clinic", unique_email("coord")), "street": "200 Oak St"})
    assert elsewhere.status_code == 201, "the same name at another address is another site"

    person = browser(system)
    await person.login(enrollment.admin_email)
    typed = {**location_body("Twice Clinic", "page.coord@example.org"), "action": "add"}
    page = await person.submit("/organization/section-a/locations", typed)
    assert page.status_code == 400 and 'id="name-error"' in page.text
    assert "already one of your locations" in page.text and "page.coord@example.org" in page.text
    async with system.sessions() as session:
        named = (await session.exec(select(Location).where(
            Location.organization_id == enrollment.org_id))).all()
    assert sorted(location.street for location in named) == ["100 Main St", "200 Oak St"]


async def test_removing_a_location_asks_first(system):
    """"Remove" asks to confirm and removes nothing; only "Yes, remove" does."""
    enrollment = await start_enrollment(system, ["Keep Clinic", "Gone Clinic"], submit=False)
    person = browser(system)
    await person.login(enrollment.admin_email)
    url = "/organization/section-a/locations"
    gone_id = list(enrollment.locations.values())[1]
    asked = await person.submit(url, {"action": f"remove-{gone_id}"})
    assert asked.status_code == 200 and "Yes, remove Gone Clinic" in asked.text
    async with system.sessions() as session:
        assert await session.get(Location, gone_id) is not None, "a click alone removes nothing"
    removed = await person.submit(url, {"action": f"confirm-remove-{gone_id}"})
    assert "The location was removed." in removed.text and "Gone Clinic" not in removed.text
    async with system.sessions() as session:
        assert await session.get(Location, gone_id) is None


async def test_a_draft_location_holding_rows_says_why_it_stays_and_what_to_do(system):
    """A draft location the help desk already imported providers into answered "Remove" with
    the generic "conflicts with a record that already exists" 409."""
    enrollment = await start_enrollment(system, ["Keep Clinic", "Held Clinic"], submit=False)
    held_id = list(enrollment.locations.values())[1]
    async with system.sessions() as session:
        session.add_all([PracticingProvider(location_id=held_id, first_name=name,
                                            last_name="Import", license_type="MD",
                                            license_number=f"MD-{n}0042", source="bulk")
                         for n, name in enumerate(["Avery", "Blair"])])
        await session.commit()
    said = ("Held Clinic cannot be removed: it already holds 2 practicing providers, which "
            "removing it would delete. Keep it and correct its name, address or coordinator "
            "with “Edit Held Clinic”; if it must go, open a help-desk case saying so.")
    api = await enrollment.admin.delete(
        f"/api/v1/organizations/{enrollment.org_id}/locations/{held_id}")
    assert api.status_code == 409 and api.json()["detail"] == said, api.text
    person = browser(system)
    await person.login(enrollment.admin_email)
    url = "/organization/section-a/locations"
    for action in (f"remove-{held_id}", f"confirm-remove-{held_id}"):
        page = await person.submit(url, {"action": action})
        assert page.status_code == 409, page.text
        row = page.text.split("Held Clinic</td>")[1].split("</tr>")[0]
        assert said in row, row
        assert "Yes, remove Held Clinic" not in page.text
    async with system.sessions() as session:
        assert await session.get(Location, held_id) is not None
        assert len((await session.exec(select(PracticingProvider).where(
            PracticingProvider.location_id == held_id))).all()) == 2


def test_every_table_that_refers_to_a_location_is_named_when_it_holds_one():
    from api.domain.section_a import HOLDINGS, location_references

    assert {table for table, _column in location_references()} == set(HOLDINGS)


async def test_rows_kept_before_a_rule_was_tightened_are_shown_not_refused(system):
    """A provider or a storage unit stored before its input rule was tightened (a name with a
    digit, a short license number, a brand with a line break: each refused as input today) is
    still shown by Section B's API as stored: its output models re-validated them as input,
    so one such row made the whole of Section B answer 500, for the coordinator and the
    reviewer alike."""
    enrollment = await start_enrollment(system, ["Older Rules Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    async with system.sessions() as session:
        provider = (await session.exec(select(PracticingProvider).where(
            PracticingProvider.location_id == location_id))).one()
        unit = (await session.exec(select(StorageUnit).where(
            StorageUnit.location_id == location_id))).one()
        provider.first_name, provider.license_number = "Ann2", "AB"
        unit.brand = "Hel\nmer"
        session.add_all([provider, unit])
        await session.commit()
    shown = await coordinator.get(f"/api/v1/locations/{location_id}/section-b")
    assert shown.status_code == 200, shown.text[:300]
    assert shown.json()["providers"][0]["first_name"] == "Ann2"
    assert shown.json()["providers"][0]["license_number"] == "AB"
    assert shown.json()["storage_units"][0]["brand"] == "Hel\nmer"


async def test_section_a_takes_a_stated_number_of_locations(system):
    """Section A took any number of locations, and its submission invited every coordinator at
    once: hundreds of locations mailed hundreds of invitations in one go. Now it holds up to
    MAX_LOCATIONS; one more is refused on its name (API and page), the page keeping what was
    typed, and nothing is stored."""
    from api.domain.section_a import MAX_LOCATIONS

    enrollment = await start_enrollment(system, ["Site 1 Clinic"], submit=False)
    url = f"/api/v1/organizations/{enrollment.org_id}/locations"
    for number in range(2, MAX_LOCATIONS + 1):
        added = await enrollment.admin.post(url, json=location_body(
            f"Site {number} Clinic", unique_email("coord")))
        assert added.status_code == 201, added.text
    over = await enrollment.admin.post(url, json=location_body("One Too Many Clinic",
                                                                unique_email("coord")))
    assert over.status_code == 409, over.text
    said = over.json()["errors"]["name"]
    assert f"up to {MAX_LOCATIONS} locations" in said, said

    person = browser(system)
    await person.login(enrollment.admin_email)
    shown = await person.get("/organization/section-a/locations")
    assert f"Section A takes up to {MAX_LOCATIONS} locations" in shown.text, "stated beforehand"
    typed = {**location_body("Page Too Many Clinic", "many.coord@example.org"), "action": "add"}
    page = await person.submit("/organization/section-a/locations", typed)
    assert page.status_code == 400 and 'id="name-error"' in page.text
    assert f"up to {MAX_LOCATIONS} locations" in page.text
    assert "many.coord@example.org" in page.text and "Page Too Many Clinic" in page.text
    async with system.sessions() as session:
        named = (await session.exec(select(Location).where(
            Location.organization_id == enrollment.org_id))).all()
    assert len(named) == MAX_LOCATIONS
