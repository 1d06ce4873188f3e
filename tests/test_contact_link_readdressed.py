"""A point of contact's validation link sent to an address since corrected is dead at once: it
opens no account for whoever holds the old mailbox, even in the moment before the new round's
process revokes it (found by the security outside check; the reset, invitation and signing
links already die with their address). The worker is stopped to hold that moment open."""

import uuid

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import PASSWORD, api_client, unique_email
from tests.test_employer_contacts import EMPLOYER, add_contact, link_of

GONE = "no longer this point of contact"


async def test_a_link_to_a_corrected_address_opens_nothing(outage):
    _temporal, system = outage
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    # its own name: the other tests' employer is in the same database when they share a process
    employer = (await state.post("/api/v1/employers", json={
        **EMPLOYER, "name": f"Readdressed Grocers {uuid.uuid4().hex[:8]}"})).json()
    contact, old = await add_contact(state, employer["id"], "Mistyped")
    token = await link_of(system, old)
    corrected = unique_email("corrected")
    await system.stop_worker()
    try:
        fixed = await state.put(f"/api/v1/employers/{employer['id']}/contacts/{contact['id']}",
                                json={"first_name": "Mistyped", "last_name": "Contact",
                                      "email": corrected, "phone": "919-555-0100"})
        assert fixed.status_code == 200, fixed.text
        async with system.http() as http:
            used = await http.post(f"/api/v1/org-contacts/validate/{token}",
                                   json={"password": PASSWORD, "password_confirm": PASSWORD})
            page = await http.get(f"/org-contact/validate/{token}")
        assert used.status_code == 410 and GONE in used.json()["detail"], used.text
        assert page.status_code == 410 and GONE in page.text
        assert 'name="password"' not in page.text
    finally:
        await system.start_worker()
    fresh = await link_of(system, corrected)
    async with system.http() as http:
        # the new round has revoked it since: it still says why, not "replaced by a newer one.
        # Use the most recent email" - none comes to the old address (the outside check)
        later = await http.get(f"/org-contact/validate/{token}")
        assert later.status_code == 410 and GONE in later.text, later.text
        assert 'href="/login"' not in later.text.split("<main")[1], "no account here to log in to"
        validated = await http.post(f"/api/v1/org-contacts/validate/{fresh}",
                                    json={"password": PASSWORD, "password_confirm": PASSWORD})
    assert validated.status_code == 204, validated.text
