"""Section B refuses bad input with a clear message and stores nothing half-way; a step paused
with mistakes keeps what was typed and says what is left to correct."""

import asyncio
import re

from sqlmodel import func, select

from models.enrollment import PracticingProvider, StorageUnit, StoredFile
from tests.support.enrollment import (
    STEP_BODIES,
    add_storage_unit,
    coordinator_in_browser,
    fill_section_b,
    photo,
    projected,
    register_coordinator,
    sign_and_submit,
    start_enrollment,
)


async def count(system, model, location_id: int | None = None) -> int:
    statement = select(func.count()).select_from(model)
    if location_id is not None:
        statement = statement.where(model.location_id == location_id)
    async with system.sessions() as session:
        return (await session.exec(statement)).one()


async def coordinator_for(system, names=("Refusal Clinic",)):
    enrollment = await start_enrollment(system, list(names))
    clients = {}
    for email, location_id in enrollment.locations.items():
        clients[location_id] = await register_coordinator(system, email)
    return enrollment, clients


async def test_a_sixth_storage_unit_is_refused(system):
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    for n in range(5):
        added = await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                       brand=f"Unit{n}")
        assert added.status_code == 201
    files_before = await count(system, StoredFile)
    sixth = await add_storage_unit(coordinator, location_id, photo(), photo("white"))
    assert sixth.status_code == 422
    assert "at most 5 storage units" in sixth.json()["errors"]["storage_units"]
    assert await count(system, StorageUnit, location_id) == 5
    assert await count(system, StoredFile) == files_before


async def test_a_unit_without_both_photos_or_with_a_fake_photo_is_refused(system):
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    files_before = await count(system, StoredFile)
    one_photo = await add_storage_unit(coordinator, location_id, inside=photo())
    assert one_photo.status_code == 422
    assert set(one_photo.json()["errors"]) == {"outside_photo"}
    renamed = await add_storage_unit(coordinator, location_id, photo(),
                                     b"just some text, not a picture\n" * 20)
    assert renamed.status_code == 422
    assert "not a picture" in renamed.json()["errors"]["outside_photo"]
    assert await count(system, StorageUnit, location_id) == 0
    assert await count(system, StoredFile) == files_before, "the valid inside photo was kept"


async def test_an_invalid_license_type_is_refused(system):
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    response = await coordinator.post(f"/api/v1/locations/{location_id}/providers", json={
        "first_name": "Ann", "last_name": "Lee", "license_type": "XYZ",
        "license_number": "123456"})
    assert response.status_code == 422 and "license_type" in response.json()["errors"]
    assert await count(system, PracticingProvider, location_id) == 0


async def test_the_same_license_is_listed_once(system):
    """Found by the outside check: the same provider and license could be added again and
    again (three active rows with MD 12345). Refused on the license number, whatever the case
    and hyphens; another license type with the same number is another license."""
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    url = f"/api/v1/locations/{location_id}/providers"
    body = {"first_name": "Ann", "middle_initial": "Q", "last_name": "Smith",
            "license_type": "MD", "license_number": "ab-12345"}
    assert (await coordinator.post(url, json=body)).status_code == 201
    again = await coordinator.post(url, json={**body, "middle_initial": "X",
                                              "license_number": "AB12345"})
    assert again.status_code == 409 and "license_number" in again.json()["errors"], again.text
    assert "already listed" in again.json()["errors"]["license_number"]
    other = await coordinator.post(url, json={**body, "license_type": "DO"})
    assert other.status_code == 201, other.text
    assert await count(system, PracticingProvider, location_id) == 2


async def test_invalid_step_answers_are_refused_by_field(system):
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    bad = {**STEP_BODIES["availability"], "tue_pm_from": "18:00", "tue_pm_to": "NA"}
    response = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/availability",
                                     json=bad)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "tue_pm_from": "Tuesday evening: choose both From and To times, or N/A for both."}
    section = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")).json()
    assert "availability" not in section["steps"]
    # found by the outside check: one mistake a submission, and contradictions taken
    two = {**bad, "mon_am_from": "11:00", "mon_am_to": "08:00"}
    both = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/availability",
                                 json=two)
    assert set(both.json()["errors"]) == {"mon_am_from", "tue_pm_from"}, both.text
    contradictory = {**STEP_BODIES["population"], "no_capacity": True, "refrigerated_vials": 50}
    answer = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/population",
                                   json=contradictory)
    assert answer.status_code == 422 and "no_capacity" in answer.json()["errors"], answer.text
    profile = {**STEP_BODIES["provider"], "age_19_64": 100, "age_19_64_unknown": True}
    answer = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/provider",
                                   json=profile)
    assert answer.json()["errors"] == {
        "age_19_64": "Enter the number or choose Unknown, not both."}, answer.text


async def test_a_coordinator_cannot_open_another_locations_section_b(system):
    _enrollment, clients = await coordinator_for(system, ("Mine Clinic", "Theirs Clinic"))
    (mine, me), (theirs, _other) = clients.items()
    assert (await me.get(f"/api/v1/locations/{mine}/section-b")).status_code == 200
    read = await me.get(f"/api/v1/locations/{theirs}/section-b")
    assert read.status_code == 404
    write = await me.put(f"/api/v1/locations/{theirs}/section-b/location",
                         json=STEP_BODIES["location"])
    assert write.status_code == 404
    assert (await add_storage_unit(me, theirs, photo(), photo())).status_code == 404


async def test_a_double_clicked_section_b_submit_submits_once(system):
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    await fill_section_b(coordinator, location_id)
    base = f"/api/v1/locations/{location_id}/section-b"
    for document in ("provider_agreement", "storage_attestation"):
        await coordinator.post(f"{base}/signatures/{document}", json={
            "method": "typed", "typed_name": "Casey", "consent": True})
    first, second = await asyncio.gather(coordinator.post(f"{base}/submit"),
                                         coordinator.post(f"{base}/submit"))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    refused = first if first.status_code == 409 else second
    assert "already" in refused.json()["detail"]
    email = (await coordinator.get("/api/v1/me")).json()["email"]
    await system.smtp.one(to=email, subject="Section B submitted")
    await asyncio.sleep(1)
    assert len(system.smtp.find(to=email, subject="Section B submitted")) == 1


async def test_submitting_an_incomplete_section_b_lists_what_is_missing(system):
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    response = await sign_and_submit_incomplete(coordinator, location_id)
    assert response.status_code == 422
    assert "Step 7" in response.json()["detail"] and "Step 8" in response.json()["detail"]


async def sign_and_submit_incomplete(coordinator, location_id: int):
    return await coordinator.post(f"/api/v1/locations/{location_id}/section-b/submit")


async def test_a_worker_restarted_mid_section_b_loses_nothing(system):
    _enrollment, clients = await coordinator_for(system)
    (location_id, coordinator), = clients.items()
    base = f"/api/v1/locations/{location_id}/section-b"
    for step in ("location", "coordinators", "availability"):
        assert (await coordinator.put(f"{base}/{step}", json=STEP_BODIES[step])).status_code == 200
    await system.restart_worker()
    saved = (await coordinator.get(base)).json()
    assert set(saved["complete_steps"]) == {"location", "coordinators", "availability"}
    # "In progress" is the process's, projected after the first save's hint: when the worker
    # was restarted before it got there, the new worker does it (a page shows it a moment on).
    await projected(system, location_id, lambda loc: loc.status == "in_progress")
    saved = (await coordinator.get(base)).json()
    assert saved["location"]["status"] == "in_progress"
    await fill_section_b(coordinator, location_id)
    submitted = await sign_and_submit(coordinator, location_id)
    assert submitted.status_code == 200, submitted.text
    final = (await coordinator.get(base)).json()
    assert final["steps"]["availability"]["mon_am_from"] == "08:00"
    assert final["location"]["status"] in ("submitted", "awaiting_signatures")


async def test_pausing_a_step_with_mistakes_keeps_it_and_says_so(system):
    """Pause and save (or Previous) keeps what was typed even when it is wrong, and the next
    page says which step still has answers to correct; a correct step is paused quietly."""
    person, location_id = await coordinator_in_browser(system, "Pause Clinic")
    url = f"/locations/{location_id}/section-b/coordinators"
    wrong = {**STEP_BODIES["coordinators"], "primary_phone": "12345"}
    paused = await person.submit(url, {**wrong, "action": "pause"})
    assert paused.status_code == 200 and "Section B is saved" in paused.text
    assert "Step 3, Vaccine coordinator details, is saved with answers still to correct" in paused.text
    assert 'value="12345"' in (await person.get(url)).text, "what was typed is kept"
    back = await person.submit(url, {**wrong, "action": "previous"})
    assert "Step 3, Vaccine coordinator details, is saved with answers still to correct" in back.text
    fine = await person.submit(url, {**STEP_BODIES["coordinators"], "action": "pause"})
    assert "Section B is saved" in fine.text and "still to correct" not in fine.text


async def test_each_shipment_slot_offers_only_its_own_times(system):
    """Step 4's morning offers 06:00 to 12:00 and its evening 12:00 to 23:59 (an evening from
    06:00 could only be refused), each with N/A."""
    person, location_id = await coordinator_in_browser(system, "Slot Clinic")
    page = (await person.get(f"/locations/{location_id}/section-b/availability")).text

    def offered(name: str) -> list[str]:
        select = page.split(f'id="{name}" name="{name}"')[1].split("</select>")[0]
        return re.findall(r'<option value="([^"]+)"', select)

    morning, evening = offered("mon_am_from"), offered("mon_pm_from")
    assert morning[0] == "NA" and (morning[1], morning[-1]) == ("06:00", "12:00"), morning
    assert evening[0] == "NA" and (evening[1], evening[-1]) == ("12:00", "23:59"), evening
