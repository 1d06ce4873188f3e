"""A refusal that names a location's status names it as the pages do ("Section B in progress"),
not lowercased ("section b in progress", as the API answered a resubmission of a location not
rejected; found by the outside check of signing and review)."""

from tests.support.enrollment import (
    STEP_BODIES,
    complete_location,
    register_coordinator,
    start_enrollment,
)
from tests.support.review import reviewer


async def test_a_resubmission_refused_names_the_status_as_pages_do(system):
    enrollment = await start_enrollment(system, ["Status Words Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    refused = await coordinator.post(f"/api/v1/locations/{location_id}/section-b/resubmit")
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert "Only a rejected location can be resubmitted" in detail
    assert "Section B in progress" in detail or "Not started" in detail, detail


async def test_inventory_refused_before_approval_names_the_status_as_pages_do(system):
    enrollment = await start_enrollment(system, ["Status Words Depot"])
    (email, location_id), = enrollment.locations.items()
    await register_coordinator(system, email)
    state = await reviewer(system)  # the state reads any site's inventory
    refused = await state.get(f"/api/v1/locations/{location_id}/inventory")
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert "is not an enrolled site yet" in detail
    assert "Section B in progress" in detail or "Not started" in detail, detail


async def test_a_change_to_a_submitted_section_b_names_the_status_as_pages_do(system):
    enrollment = await start_enrollment(system, ["Status Words Annex"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    step, body = next(iter(STEP_BODIES.items()))
    refused = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/{step}",
                                    json=body)
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert "can no longer be changed: the location's status is " in detail, detail
    assert detail.rstrip(".").rsplit(" is ", 1)[1][0].isupper(), detail
