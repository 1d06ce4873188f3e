"""Found by an outside check: a provider booking for a person at the desk, with the location's
scheduling off, read the refusal written to the recipient: "This location does not take
appointments. Walk-ins are welcome.", as if the provider were the one walking in. Staff read
each refusal of a booking in their own words, about the person and the location, in English as
their pages are (a few were the recipient's, in the language of the moment); the recipient
keeps theirs."""

import uuid

from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, vaccinating_site, walk_in

OFF = ("Scheduling is off at this location, so no time can be booked: they come as a walk-in "
       "(the Location Manager turns scheduling on).")


async def test_staff_read_their_own_words_when_scheduling_is_off(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    walked = await walk_in(site, email=f"sw-{uuid.uuid4().hex[:6]}@example.org")
    switched = await site.manager.put(
        f"/api/v1/locations/{site.location_id}/appointment-scheduling",
        json={"appointments_on": False})
    assert switched.status_code == 200, switched.text
    api = f"/api/v1/locations/{site.location_id}/recipients/{walked['id']}/appointments"
    refused = await site.provider.post(api, json={"slot_id": slot})
    assert refused.status_code == 409, refused.text
    assert refused.json()["errors"] == {"slot_id": OFF}, refused.text

    base = recipient_path(system.settings.secret_key.get_secret_value(), walked["id"])
    async with system.http() as http:
        http.cookies.set("cvms_lang", "en")
        page = await http.get(f"{base}/appointments")
    assert "walk-ins" in page.text.lower(), page.text  # the person's page keeps its words

    switched = await site.manager.put(
        f"/api/v1/locations/{site.location_id}/appointment-scheduling",
        json={"appointments_on": True})
    assert switched.status_code == 200, switched.text
    gone = await site.provider.delete(f"{api}/999999")
    assert gone.status_code == 404, gone.text
    assert gone.json()["detail"] == "We could not find that appointment among theirs.", gone.text
