"""Section A in two tabs: a location removed in one, then edited (or removed again) in the
other. Saving the edit said "Location name: That location is not part of your organization."
on a form that could only fail again, and Remove showed a 404 page with the same words (found
by the outside check). Now the page says it was removed, keeps what was typed in the form to
add it again, and a second Remove lands on the list, told it is already gone."""

import re

from tests.support.accounts import register_org_admin
from tests.support.enrollment import ORG_DETAILS, location_body
from tests.support.web import browser, unique_email

URL = "/organization/section-a/locations"


async def test_a_location_removed_in_another_tab(system):
    person = browser(system)
    await person.login(await register_org_admin(system))
    details = {**{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
               "redistribution_participant": "false", "action": "next"}
    await person.submit("/organization/section-a/details", details)
    await person.submit(URL, {**location_body("Gone Clinic", unique_email("c")), "action": "add"})
    listed = await person.get(URL)
    gone_id = re.search(r"\?edit=(\d+)#add-location\">Edit Gone Clinic", listed.text)[1]

    removed = await person.submit(URL, {"action": f"confirm-remove-{gone_id}"})
    assert "The location was removed." in removed.text

    # the other tab: its edit saved
    typed = {**location_body("Gone Clinic Renamed", "kept@example.org"),
             "location_id": gone_id, "action": "update"}
    saved = await person.submit(URL, typed)
    said = saved.text.replace("&#39;", "'")
    assert "not part of your organization" not in said, said[:3000]
    assert "was removed" in said, said[:3000]
    assert 'value="Gone Clinic Renamed"' in said and 'value="kept@example.org"' in said
    assert 'name="location_id"' not in said, "the form adds it again, not edit what is gone"

    # the other tab: Remove pressed again, and Yes, and Edit of what is gone
    for action in (f"remove-{gone_id}", f"confirm-remove-{gone_id}"):
        again = await person.submit(URL, {"action": action})
        assert again.status_code == 200, (action, again.status_code, again.text[:1500])
        assert "already removed" in again.text and "Step 2 of 4" in again.text, action
    edit = await person.get(f"{URL}?edit={gone_id}")
    assert edit.status_code == 200 and "already removed" in edit.text, edit.text[:1500]
    added = await person.submit(URL, {**location_body("Gone Clinic Renamed", "kept@example.org"),
                                      "action": "add"})
    assert "Gone Clinic Renamed is saved." in added.text
