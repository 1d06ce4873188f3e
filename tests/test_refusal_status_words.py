"""A refusal that names a location's status names it as the pages do ("Section B in progress"),
not lowercased ("section b in progress", as the API answered a resubmission of a location not
rejected; found by the outside check of signing and review)."""

from collections.abc import Awaitable

import httpx

from tests.support.enrollment import (
    STEP_BODIES,
    complete_location,
    register_coordinator,
    start_enrollment,
)
from tests.support.review import reviewer

BEFORE_SUBMISSION = ("Section B in progress", "Not started")


async def location_in_progress(system, name: str) -> tuple[httpx.AsyncClient, int]:
    """A location whose coordinator registered: its Section B not submitted."""
    enrollment = await start_enrollment(system, [name])
    (email, location_id), = enrollment.locations.items()
    return await register_coordinator(system, email), location_id


async def refusal(request: Awaitable[httpx.Response]) -> str:
    refused = await request
    assert refused.status_code == 409, refused.text
    return refused.json()["detail"]


async def test_a_resubmission_refused_names_the_status_as_pages_do(system):
    coordinator, location_id = await location_in_progress(system, "Status Words Clinic")
    detail = await refusal(coordinator.post(f"/api/v1/locations/{location_id}/section-b/resubmit"))
    assert "Only a rejected location can be resubmitted" in detail
    assert any(status in detail for status in BEFORE_SUBMISSION), detail


async def test_inventory_refused_before_approval_names_the_status_as_pages_do(system):
    _coordinator, location_id = await location_in_progress(system, "Status Words Depot")
    state = await reviewer(system)  # the state reads any site's inventory
    detail = await refusal(state.get(f"/api/v1/locations/{location_id}/inventory"))
    assert "is not an enrolled site yet" in detail
    assert any(status in detail for status in BEFORE_SUBMISSION), detail


async def test_a_change_to_a_submitted_section_b_names_the_status_as_pages_do(system):
    enrollment = await start_enrollment(system, ["Status Words Annex"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    step, body = next(iter(STEP_BODIES.items()))
    detail = await refusal(coordinator.put(
        f"/api/v1/locations/{location_id}/section-b/{step}", json=body))
    assert "can no longer be changed: the location's status is " in detail, detail
    assert detail.rstrip(".").rsplit(" is ", 1)[1][0].isupper(), detail
