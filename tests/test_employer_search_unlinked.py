"""State staff's organization search says which organizations no vaccinating location serves
yet (state staff link them) and finds those alone, on the page and in the API (the outside
check's: nothing told them apart)."""

import re
import uuid

from api.domain.state_lists import pin
from tests.support.web import api_client, browser
from tests.test_employer_location_link import enrolled_manager, state_organization


async def two_organizations(system):
    """Two organizations the state made, the first linked to an enrolled site."""
    word = uuid.uuid4().hex[:8]
    lm = await enrolled_manager(system, f"Cedar {word} Clinic")
    staff, state, linked = await state_organization(system, f"Quarry {word} Linked")
    _staff, _state, bare = await state_organization(system, f"Quarry {word} Bare")
    done = await state.put(f"/api/v1/employers/{linked}/location",
                           json={"location": pin(lm.location_id)})
    assert done.status_code == 200, done.text
    return word, lm, staff, state, linked, bare


async def test_the_states_search_shows_and_finds_organizations_with_no_location(system):
    word, lm, staff, state, linked, bare = await two_organizations(system)
    found = (await state.get("/api/v1/employers", params={"q": f"Quarry {word}"})).json()
    assert [(e["id"], e["location_id"], e["location_name"]) for e in found["items"]] == [
        (bare, None, None), (linked, lm.location_id, f"Cedar {word} Clinic")]
    only = await state.get("/api/v1/employers",
                           params={"q": f"Quarry {word}", "no_location": "true"})
    assert only.status_code == 200, only.text
    assert [e["id"] for e in only.json()["items"]] == [bare] and only.json()["total"] == 1

    page = browser(system)
    await page.login(staff.email)
    text = (await page.get(f"/portal/organizations?q=Quarry+{word}")).text
    rows = re.findall(r"<tr><td data-label=\"Name\">(.*?)</tr>", text, re.S)
    assert len(rows) == 2, rows
    assert "No vaccinating location yet" in rows[0] and f"Quarry {word} Bare" in rows[0]
    assert f"Cedar {word} Clinic ({pin(lm.location_id)})" in rows[1]
    assert "No vaccinating location yet" not in rows[1]
    assert 'name="no_location"' in text
    text = (await page.get(f"/portal/organizations?q=Quarry+{word}&no_location=true")).text
    assert f"Quarry {word} Bare" in text and f"Quarry {word} Linked" not in text
    assert "with no vaccinating location yet" in text and "checked" in text


async def test_a_manager_neither_sees_nor_filters_by_the_missing_location(system):
    word, lm, _staff, _state, _linked, _bare = await two_organizations(system)
    manager = await api_client(system, lm.email)
    refused = await manager.get("/api/v1/employers",
                                params={"q": f"Quarry {word}", "no_location": "true"})
    assert refused.status_code == 403, refused.text
    found = (await manager.get("/api/v1/employers", params={"q": f"Quarry {word}"})).json()
    assert [(e["managed"], e["location_id"], e["location_name"]) for e in found["items"]] == [
        (False, None, None), (True, lm.location_id, f"Cedar {word} Clinic")]
    page = browser(system)
    await page.login(lm.email)
    text = (await page.get(f"/portal/organizations?q=Quarry+{word}")).text
    assert "No vaccinating location yet" not in text and 'name="no_location"' not in text
    asked = await page.get(f"/portal/organizations?q=Quarry+{word}&no_location=true")
    assert asked.status_code == 403 and "Only state staff" in asked.text
    assert f"Quarry {word} Bare" not in asked.text, "nothing found is shown"
