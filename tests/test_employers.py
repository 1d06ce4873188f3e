"""Organization Management through the API and its pages: search agrees with what a manager
may open, an organization needs its address and exists once, a point of contact once, and a
form's refusals are plain words next to the field."""

import asyncio
import re

import pytest

from models.base import utcnow
from models.employers import Employer
from tests.support.recipients import location_manager, manager_api, tag
from tests.support.web import browser

ADDRESS = {"industry": "Manufacturing", "street": "12 Mill Rd", "city": "Durham",
           "state": "North Carolina", "zip_code": "27701"}


@pytest.fixture(scope="module")
async def two_managers(system):
    first, second = await location_manager(system), await location_manager(system)
    return (first, await manager_api(system, first)), (second, await manager_api(system, second))


async def test_search_lists_every_employer_and_says_which_are_managed_elsewhere(
        system, two_managers):
    (_a, a_api), (b, b_api) = two_managers
    name = f"Shared Foundry {tag()}"
    created = await a_api.post("/api/v1/employers", json={"name": name, **ADDRESS})
    assert created.status_code == 201, created.text
    found = await b_api.get("/api/v1/employers", params={"q": name})
    assert [(e["name"], e["managed"]) for e in found.json()["items"]] == [(name, False)]
    mine = await a_api.get("/api/v1/employers", params={"q": name})
    assert [e["managed"] for e in mine.json()["items"]] == [True]
    page = browser(system)
    await page.login(b.email)
    listed = await page.get(f"/portal/organizations?q={name}")
    assert name in listed.text and "Managed by another location" in listed.text
    assert f'href="/portal/organizations/{created.json()["id"]}"' not in listed.text


async def test_an_employer_needs_its_address_and_exists_once(system, two_managers):
    (a, a_api), (_b, b_api) = two_managers
    bare = await a_api.post("/api/v1/employers", json={"name": "NoAddr Inc",
                                                       "industry": "Manufacturing"})
    assert bare.status_code == 422, bare.text
    assert set(bare.json()["errors"]) >= {"street", "city", "state", "zip_code"}
    name = f"Twice Made {tag()}"
    first = await a_api.post("/api/v1/employers", json={"name": name, **ADDRESS})
    assert first.status_code == 201, first.text
    again = await b_api.post("/api/v1/employers", json={"name": name.upper(), **ADDRESS})
    assert again.status_code == 409 and "already" in again.json()["errors"]["name"], again.text
    page = browser(system)
    await page.login(a.email)
    empty = await page.submit("/portal/organizations/new", {
        "name": "", "industry": "", "street": "", "city": "", "state": "", "zip_code": ""})
    assert empty.status_code == 422
    assert "Input should be" not in empty.text, "plain words, not the validator's"
    assert empty.text.count("This field is required.") >= 4
    typed = await page.submit("/portal/organizations/new", {"name": name, **ADDRESS})
    assert typed.status_code == 409 and "already" in typed.text
    assert f'value="{name}"' in typed.text, "the page keeps what was typed"


async def test_a_point_of_contact_is_added_once_per_email(system, two_managers):
    (a, a_api), _ = two_managers
    employer = (await a_api.post("/api/v1/employers", json={
        "name": f"Contact Once {tag()}", **ADDRESS})).json()
    person = {"first_name": "Fred", "last_name": "Acme", "email": f"fred-{tag()}@acme.example"}
    first = await a_api.post(f"/api/v1/employers/{employer['id']}/contacts", json=person)
    assert first.status_code == 201, first.text
    again = await a_api.post(f"/api/v1/employers/{employer['id']}/contacts",
                             json={**person, "email": person["email"].upper()})
    assert again.status_code == 409 and again.json()["errors"]["email"], again.text
    page = browser(system)
    await page.login(a.email)
    typed = await page.submit(f"/portal/organizations/{employer['id']}",
                              {**person, "email": person["email"].upper()},
                              action=f"/portal/organizations/{employer['id']}/contacts")
    assert typed.status_code == 409 and 'id="contact-email-error"' in typed.text
    summary = typed.text.split('id="error-summary"')[1].split("</ul>")[0]  # at the top too
    assert 'href="#contact-email">Email address:' in summary, summary
    listed = await a_api.get(f"/api/v1/employers/{employer['id']}/contacts")
    assert len(listed.json()) == 1


async def test_forms_say_plain_words(system, two_managers):
    (a, a_api), _ = two_managers
    page = browser(system)
    await page.login(a.email)
    short = await page.get("/portal/organizations?q=ab")
    assert short.status_code == 422 and "Enter at least 3 characters." in short.text
    assert (await a_api.get("/api/v1/employers", params={"q": "ab"})).json()["errors"]["q"] == (
        "Enter at least 3 characters.")
    blank = await page.submit("/portal/accounts/new", {
        "first_name": "", "last_name": "", "email": "", "username": "", "profile": "provider",
        "location_id": str(a.location_id)})
    assert blank.status_code == 422 and "Input should be" not in blank.text
    assert "First name: This field is required." in blank.text, blank.text


async def test_a_states_two_letter_code_is_taken_and_spelled_out(system, two_managers):
    """Found by the outside check: "NC", which every other address of the API takes, was
    refused for an organization ("Spell out the state's name"): it is now taken, and kept
    spelled out as the guide asks."""
    (_a, a_api), _b = two_managers
    made = await a_api.post("/api/v1/employers", json={
        "name": f"Coded State {tag()}", **ADDRESS, "state": "nc"})
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "North Carolina"
    wrong = await a_api.post("/api/v1/employers", json={
        "name": f"Nowhere State {tag()}", **ADDRESS, "state": "ZZ"})
    assert wrong.status_code == 422 and "North Carolina" in wrong.json()["errors"]["state"]


async def test_a_form_sent_twice_at_once_makes_one_organization_and_one_contact(
        system, two_managers):
    """Found by the outside check: "Create" pressed twice (or the form sent from two tabs at
    once) made the organization twice - and the point of contact twice, each emailed its own
    validation link: the duplicate checks read before either was written. Now one is made;
    the others are told it exists."""
    (_a, a_api), _b = two_managers
    name = f"Pressed Twice {tag()}"
    made = await asyncio.gather(*(a_api.post("/api/v1/employers", json={"name": name, **ADDRESS})
                                  for _ in range(4)))
    assert sorted(r.status_code for r in made) == [201, 409, 409, 409], [r.text for r in made]
    found = await a_api.get("/api/v1/employers", params={"q": name})
    assert found.json()["total"] == 1
    employer = next(r for r in made if r.status_code == 201).json()
    person = {"first_name": "Dora", "last_name": "Twice", "email": f"dora-{tag()}@acme.example"}
    added = await asyncio.gather(*(a_api.post(f"/api/v1/employers/{employer['id']}/contacts",
                                              json=person) for _ in range(4)))
    assert sorted(r.status_code for r in added) == [201, 409, 409, 409], [r.text for r in added]
    listed = await a_api.get(f"/api/v1/employers/{employer['id']}/contacts")
    assert [c["email"] for c in listed.json()] == [person["email"].lower()]


async def test_every_answer_says_whether_the_details_are_confirmed(system, two_managers):
    """Found by the outside check: the search, a creation and a saved edit answered
    "confirmed": false for an organization whose point of contact had confirmed its details
    (only the record itself said true). Each says what the record says now."""
    (_a, a_api), _b = two_managers
    name = f"Confirmed Works {tag()}"
    employer = (await a_api.post("/api/v1/employers", json={"name": name, **ADDRESS})).json()
    assert employer["confirmed"] is False
    async with system.sessions() as session:
        row = await session.get(Employer, employer["id"])
        row.confirmed_at = utcnow()
        session.add(row)
        await session.commit()
    found = await a_api.get("/api/v1/employers", params={"q": name})
    assert [e["confirmed"] for e in found.json()["items"]] == [True]
    same = await a_api.put(f"/api/v1/employers/{employer['id']}", json={"name": name, **ADDRESS})
    assert same.status_code == 200 and same.json()["confirmed"] is True, same.text
    moved = await a_api.put(f"/api/v1/employers/{employer['id']}",
                            json={"name": name, **ADDRESS, "street": "14 Mill Rd"})
    assert moved.json()["confirmed"] is False, "changed details need confirming again"
    assert (await a_api.get(f"/api/v1/employers/{employer['id']}")).json()["confirmed"] is False


async def test_an_edit_from_an_older_tab_does_not_undo_a_newer_one(system, two_managers):
    """Found by the outside check (two tabs): the organization's record opened in two tabs; the
    name corrected and saved in one, then the city saved from the other, which still showed the
    old name - "Saved.", and the corrected name was quietly put back. The older tab's form is
    now refused with what changed, keeping what was typed; saved again, it holds."""
    (a, a_api), _b = two_managers
    name = f"Two Tabs {tag()}"
    employer = (await a_api.post("/api/v1/employers", json={"name": name, **ADDRESS})).json()
    record = f"/portal/organizations/{employer['id']}"
    page = browser(system)
    await page.login(a.email)
    shown = (await page.get(record)).text
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', shown)
    assert seen, "the form carries the details it showed"
    first = await page.submit(record, {"name": f"{name} Inc", **ADDRESS, "seen": seen[1]})
    assert first.status_code == 200 and "Saved." in first.text, first.text[-800:]
    older = await page.submit(record, {"name": name, **ADDRESS, "city": "Cary",
                                       "seen": seen[1]})
    assert older.status_code == 409, older.text[-800:]
    assert "changed since you opened this page" in older.text and f"{name} Inc" in older.text
    assert 'value="Cary"' in older.text, "what was typed is kept"
    kept = (await a_api.get(f"/api/v1/employers/{employer['id']}")).json()
    assert (kept["name"], kept["city"]) == (f"{name} Inc", "Durham")
    again = re.search(r'name="seen" value="([0-9a-f]+)"', older.text)[1]
    saved = await page.submit(record, {"name": name, **ADDRESS, "city": "Cary", "seen": again})
    assert "Saved." in saved.text
    assert (await a_api.get(f"/api/v1/employers/{employer['id']}")).json()["city"] == "Cary"


async def test_a_contact_corrected_from_an_older_tab_does_not_undo_a_newer_correction(
        system, two_managers):
    """Found by the outside check (two tabs), as for the organization: a point of contact's
    phone corrected in one tab, then the name corrected from an older tab put the old phone
    back under "Saved."; it is now refused with the contact as they are now, keeping what was
    typed."""
    (a, a_api), _b = two_managers
    employer = (await a_api.post("/api/v1/employers", json={
        "name": f"Contact Tabs {tag()}", **ADDRESS})).json()
    person = {"first_name": "Tia", "last_name": "Tabs", "email": f"tia-{tag()}@acme.example"}
    contact = (await a_api.post(f"/api/v1/employers/{employer['id']}/contacts",
                                json=person)).json()
    page_url = f"/portal/organizations/{employer['id']}/contacts/{contact['id']}"
    page = browser(system)
    await page.login(a.email)
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', (await page.get(page_url)).text)
    assert seen, "the form carries the contact it showed"
    person["email"] = person["email"].lower()
    first = await page.submit(page_url, {**person, "phone": "919-555-0150", "seen": seen[1]})
    assert "Saved." in first.text, first.text[-600:]
    older = await page.submit(page_url, {**person, "first_name": "Tiana", "seen": seen[1]})
    assert older.status_code == 409 and "changed since you opened this page" in older.text
    assert "919-555-0150" in older.text and 'value="Tiana"' in older.text
    listed = (await a_api.get(f"/api/v1/employers/{employer['id']}/contacts")).json()
    assert (listed[0]["first_name"], listed[0]["phone"]) == ("Tia", "919-555-0150")
