"""A state typed "North  Carolina" (two spaces) was refused as no state; a name or an address
typed with a doubled space was kept so ("Acme  Works": a search of "Acme Works" missed it, and
the same name single-spaced was a second organization). Names, addresses and states are kept
single-spaced; a < in an employer's name is kept, as typed, and shown escaped."""

from tests.support.accounts import register_org_admin
from tests.support.enrollment import ORG_DETAILS
from tests.support.recipients import location_manager, manager_api, tag
from tests.support.web import api_client, browser

ADDRESS = {"industry": "Manufacturing", "street": "12  Mill   Rd", "city": "New  Bern",
           "state": "North  Carolina", "zip_code": "27701"}


async def test_an_employer_typed_with_doubled_spaces_is_kept_single_spaced(system):
    manager = await location_manager(system)
    api = await manager_api(system, manager)
    word = tag()
    made = await api.post("/api/v1/employers", json={"name": f"Acme  <b>Works</b>   {word}",
                                                     **ADDRESS})
    assert made.status_code == 201, made.text
    saved = made.json()
    assert saved["name"] == f"Acme <b>Works</b> {word}"
    assert (saved["state"], saved["street"], saved["city"]) == (
        "North Carolina", "12 Mill Rd", "New Bern")
    again = await api.post("/api/v1/employers", json={"name": f"Acme <b>Works</b> {word}",
                                                      **ADDRESS})
    assert again.status_code == 409, again.text  # the same name: the same organization
    found = (await api.get("/api/v1/employers", params={"q": f"Acme <b>Works</b> {word}"}))
    assert [e["id"] for e in found.json()["items"]] == [saved["id"]], found.text
    page = browser(system)
    await page.login(manager.email)
    shown = (await page.get(f"/portal/organizations/{saved['id']}")).text
    assert f"<h1>Acme &lt;b&gt;Works&lt;/b&gt; {word}</h1>" in shown
    assert "<b>Works</b>" not in shown


async def test_an_organizations_legal_name_and_address_are_kept_single_spaced(system):
    admin = await api_client(system, await register_org_admin(system))
    made = await admin.post("/api/v1/organizations", json={
        **ORG_DETAILS, "legal_name": "Wake   Health  Partners", "street": "1  Health Way"})
    assert made.status_code == 201, made.text
    assert (made.json()["legal_name"], made.json()["street"]) == (
        "Wake Health Partners", "1 Health Way")
    marked = await admin.post("/api/v1/organizations", json={
        **ORG_DETAILS, "legal_name": "Wake <Health>"})
    assert marked.status_code == 422 and "legal_name" in marked.json()["errors"], marked.text


async def test_invisible_characters_and_compatibility_forms_are_taken_out_of_names(system):
    """Found by the accounts' outside check: "Acme" and "Ac\u200bme" (a zero-width space, as
    a name pasted from a web page or a document can carry) were two organizations, and a
    fullwidth "Ａｃｍｅ" a third. Names and address lines are kept in Unicode's NFKC form with
    invisible characters (zero-width spaces and joiners, soft hyphens, direction marks, the
    byte-order mark) taken out, before the duplicate check and storage; a person's name (a
    point of contact's, a portal user's) pasted with one is kept without it, not refused."""
    manager = await location_manager(system)
    api = await manager_api(system, manager)
    word = tag()
    made = await api.post("/api/v1/employers", json={"name": f"Acme {word}", **ADDRESS})
    assert made.status_code == 201, made.text
    for twin in (f"Ac\u200bme {word}", f"\ufeffAcme\u00ad {word}\u200e",
                 f"Ａｃｍｅ {word}", f"Ac\u2060me\u00a0{word}"):
        again = await api.post("/api/v1/employers", json={"name": twin, **ADDRESS})
        assert again.status_code == 409, (twin, again.text)
        assert "already in CVMS" in again.text
    street = await api.post("/api/v1/employers", json={
        "name": f"Zero{word}", **ADDRESS, "street": "12 Mi\u200bll Rd", "city": "New\u200b Bern"})
    assert street.status_code == 201, street.text
    assert (street.json()["name"], street.json()["street"], street.json()["city"]) == (
        f"Zero{word}", "12 Mill Rd", "New Bern")
    contact = await api.post(f"/api/v1/employers/{made.json()['id']}/contacts", json={
        "first_name": "Vi\u200bc", "last_name": "Con\u00adtact", "email": f"vic.{word}@example.org"})
    assert contact.status_code == 201, contact.text
    assert (contact.json()["first_name"], contact.json()["last_name"]) == ("Vic", "Contact")
    person = await api.post("/api/v1/portal/users", json={
        "first_name": "\u200bIvo", "last_name": "Sta\u200dff", "email": f"ivo.{word}@example.org",
        "location_id": manager.location_id, "profile": "provider", "username": f"ivo.{word}"})
    assert person.status_code == 201, person.text
    assert (person.json()["first_name"], person.json()["last_name"]) == ("Ivo", "Staff")
    # a joiner a script spells a word with stays (Persian's non-joiner between two letters, as a
    # recipient's name keeps it): taken out, "میر‌حسین" would be written "میرحسین"
    persian = await api.post("/api/v1/portal/users", json={
        "first_name": "میر\u200cحسین", "last_name": "Mou\u200dsavi", "email": f"mir.{word}@example.org",
        "location_id": manager.location_id, "profile": "provider", "username": f"mir.{word}"})
    assert persian.status_code == 201, persian.text
    assert (persian.json()["first_name"], persian.json()["last_name"]) == (
        "میر\u200cحسین", "Mousavi")
