"""A refusal that names a location's status names it as the pages do ("Section B in progress"),
not lowercased ("section b in progress", as the API answered a resubmission of a location not
rejected; found by the outside check of signing and review)."""

from tests.support.enrollment import register_coordinator, start_enrollment


async def test_a_resubmission_refused_names_the_status_as_pages_do(system):
    enrollment = await start_enrollment(system, ["Status Words Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    refused = await coordinator.post(f"/api/v1/locations/{location_id}/section-b/resubmit")
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert "Only a rejected location can be resubmitted" in detail
    assert "Section B in progress" in detail or "Not started" in detail, detail
