"""A Location Manager's recipients list, filtered: the count said "3 people." whatever the
filter, no filter showed as chosen, and "invited, not registered yet" listed people who were
never invited (no email address: their link is given in person). The count now says which
people it counts, the chosen filter is marked, and that filter is "not registered yet"."""

import html

from tests.support.recipients import location_manager, manager_api, person, tag, upload, xlsx
from tests.support.web import api_client


async def test_the_filter_chosen_is_said_and_marked(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    family = tag()
    lines = [person(1, family), person(2, family, email=False)]
    assert (await upload(http, manager, xlsx(lines))).status_code == 201
    page = await (await api_client(system, manager.email)).get(
        "/recipients", params={"location_id": manager.location_id, "q": f"Quill{family}",
                               "status": "invited"})
    text = " ".join(html.unescape(page.text).split())
    assert page.status_code == 200
    assert "invited, not registered yet" not in text
    assert f"2 people not registered yet matching “Quill{family}”." in text, text[-2500:]
    assert 'status=invited#people" aria-current="true">not registered yet</a>' in text
    assert "No email address: give them their link in person" in text  # listed, as said
