"""Section B's forms sent twice at once (a double click, two tabs): each takes effect once."""

import asyncio
import re

from models.agreements import DocumentKind
from models.section_b_rules import coordinator_signatures
from tests.support.enrollment import (
    add_storage_unit,
    fill_section_b,
    photo,
    register_coordinator,
    start_enrollment,
)
from tests.support.web import browser


async def test_create_provider_sent_twice_at_once_lists_the_provider_once(system):
    """A double-clicked "Create provider" (and the API's create sent twice) listed the same
    provider twice: each request asked the one-license rule before the other's provider was
    stored. They take turns now: the second is told the provider is already listed (on the
    page; the API's, 409)."""
    enrollment = await start_enrollment(system, ["Pressed Twice Provider Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    person = browser(system)
    await person.login(email)
    step = f"/locations/{location_id}/section-b/providers"
    token = re.search(r'name="csrf_token" value="([^"]+)"', (await person.get(step)).text)[1]
    typed = {"csrf_token": token, "action": "create", "first_name": "Kerry",
             "last_name": "Doubleclick", "license_type": "PA", "license_number": "PA-5150"}
    pages = await asyncio.gather(*(person.http.post(step, data=typed, follow_redirects=False)
                                   for _ in range(2)))  # each to the step, said how
    assert [(p.status_code, p.headers.get("location")) for p in pages] == [(303, step)] * 2
    body = {"first_name": "Lou", "last_name": "Twicesent", "license_type": "DO",
            "license_number": "DO-6262"}
    api = f"/api/v1/locations/{location_id}/providers"
    answers = await asyncio.gather(*(coordinator.post(api, json=body) for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    listed = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")).json()
    assert sorted(p["license_number"] for p in listed["providers"]) == ["DO-6262", "PA-5150"]
    await person.http.aclose()


async def test_a_storage_unit_sent_twice_at_once_is_listed_once(system):
    """The same storage unit sent twice at once was listed twice: each request counted and
    compared the units before the other's was stored. They take turns; the second is told
    the unit is listed already."""
    enrollment = await start_enrollment(system, ["Pressed Twice Unit Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    answers = await asyncio.gather(*(add_storage_unit(
        coordinator, location_id, photo("teal"), photo("gold"), brand="Atonce", model="A1")
        for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    section = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")).json()
    assert [u["brand"] for u in section["storage_units"]] == ["Atonce"]


async def test_the_provider_agreement_adopted_twice_is_signed_once(system):
    """"Adopt and use" pressed twice on the provider agreement (a double click, two tabs, the
    API's signature sent again) recorded two signatures of the same document by the same
    coordinator over the same Section B. The second finds the first and answers with it."""
    enrollment = await start_enrollment(system, ["Adopted Twice Agreement Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    url = f"/api/v1/locations/{location_id}/section-b/signatures/provider_agreement"
    body = {"method": "typed", "typed_name": "Casey Coordinator", "consent": True}
    at_once = await asyncio.gather(*(coordinator.post(url, json=body) for _ in range(2)))
    again = await coordinator.post(url, json=body)
    answers = [*at_once, again]
    assert [a.status_code for a in answers] == [201] * 3, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1, [a.json() for a in answers]
    async with system.sessions() as session:
        signatures = await coordinator_signatures(session, location_id)
    assert [s.document for s in signatures] == [DocumentKind.PROVIDER_AGREEMENT]
