"""Who opens a stored file (`/files/{id}`) is who may open what it is attached to (found by the
outside check: a state reviewer opened by its number a file attached to nothing yet, such as a
requester's attachment kept with a refused form). A file attached to nothing is its uploader's
alone; attached to a case, the case's people; a storage unit's photo, its location's."""

import random
import re

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import add_storage_unit, photo, register_coordinator, start_enrollment
from tests.support.helpdesk import refused_new_case_keeping, register_requester
from tests.support.web import Browserish, api_client

KEPT = re.compile(r'name="kept\[\]" value="(\d+)\.[^"]*"')
CARD = b"%PDF-1.4 my vaccination card"


async def test_a_file_attached_to_nothing_opens_only_for_its_uploader(system):
    requester, email = await register_requester(system)
    other_requester, _other = await register_requester(system)
    reviewer = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    agent = await api_client(system, (await make_user(system, Role.HELPDESK_AGENT,
                                                      team="general")).email)
    async with system.http(follow_redirects=True) as http:
        await Browserish(http).login(email)
        # no subject yet: the form comes back, the file kept with it (attached to nothing)
        kept, token = await refused_new_case_keeping(http, "card.pdf", CARD)
        file_id = int(KEPT.search(kept.text)[1])

        async def opened_by() -> dict[str, int]:
            return {name: (await client.get(f"/files/{file_id}")).status_code for name, client
                    in (("uploader", http), ("reviewer", reviewer), ("agent", agent),
                        ("another requester", other_requester))}

        assert await opened_by() == {"uploader": 200, "reviewer": 404, "agent": 404,
                                     "another requester": 404}
        reference = KEPT.search(kept.text)[0].split('value="')[1].rstrip('"')
        opened = await http.post("/help/cases/new", data={
            "csrf_token": token, "category": "other", "subject": "My card",
            "description": "Card", "suggested": "yes", "kept[]": reference})
        assert "is open" in opened.text, opened.text[:400]
        # attached to the case: its requester and the desk open it, nobody else
        assert await opened_by() == {"uploader": 200, "reviewer": 404, "agent": 200,
                                     "another requester": 404}
        served = await http.get(f"/files/{file_id}")
    assert served.content == CARD
    for client in (requester, other_requester, reviewer, agent):
        await client.aclose()


async def test_a_storage_units_photo_opens_for_its_location_and_the_state(system):
    enrollment = await start_enrollment(system, ["Photo Clinic"])
    (coordinator_email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, coordinator_email)
    added = await add_storage_unit(coordinator, location_id, photo(), photo("olive"))
    assert added.status_code == 201, added.text
    photo_id = added.json()["inside_photo_id"]
    stranger_enrollment = await start_enrollment(system, ["Other Clinic"])
    (stranger_email, _), = stranger_enrollment.locations.items()
    stranger = await register_coordinator(system, stranger_email)
    reviewer = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    opened = {name: (await client.get(f"/files/{photo_id}")).status_code for name, client in (
        ("coordinator", coordinator), ("administrator", enrollment.admin),
        ("reviewer", reviewer), ("another location's coordinator", stranger))}
    assert opened == {"coordinator": 200, "administrator": 200, "reviewer": 200,
                      "another location's coordinator": 404}
    for client in (coordinator, stranger, reviewer, enrollment.admin,
                   stranger_enrollment.admin):
        await client.aclose()


async def test_a_storage_photo_kept_with_a_refused_form_opens_only_for_its_uploader(system):
    """Section B's storage step keeps a good photo when the unit is refused (no model typed):
    attached to no unit yet, it is the coordinator's alone, not the state's nor the
    organization's administrator's."""
    from tests.support.enrollment import coordinator_in_browser

    person, location_id = await coordinator_in_browser(system, "Kept Photo Clinic")
    refused = await person.submit(f"/locations/{location_id}/section-b/storage", {
        "brand": "Helmer", "model": "", "unit_type": "freezer", "action": "add"},
        # a picture of its own: the same bytes in another location's review record would be
        # the reviewer's to see (a photo a review's snapshot names is found by its digest)
        files={"inside_photo": ("in.jpg", photo(f"#{random.randrange(1 << 24):06x}"),
                                "image/jpeg")})
    assert refused.status_code == 422, refused.text[:300]
    photo_id = int(re.search(r'name="kept_inside_photo" value="(\d+)\.', refused.text)[1])
    reviewer = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    other = await api_client(system, (await make_user(system, Role.HELPDESK_AGENT)).email)
    opened = {name: (await client.get(f"/files/{photo_id}")).status_code for name, client in (
        ("uploader", person.http), ("reviewer", reviewer), ("agent", other))}
    assert opened == {"uploader": 200, "reviewer": 404, "agent": 404}
    for client in (person.http, reviewer, other):
        await client.aclose()
