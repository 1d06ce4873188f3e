"""Every text search takes what a person types literally: LIKE's wildcards (% and _) and its
escape character (\\) match only themselves, and a NUL is refused as a 422, never a 500."""

from datetime import date

import pytest

from models.recipients import Recipient
from tests.support.recipients import location_manager, manager_api, tag

LITERALS = ("%%%", "___", "\\\\\\")


@pytest.fixture(scope="module")
async def place(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    name = f"Wildcard {tag()}"
    async with system.sessions() as session:
        session.add(Recipient(location_id=manager.location_id, first_name="Wanda",
                              last_name=name, first_key="wanda", last_key=name.casefold(),
                              date_of_birth=date(1980, 1, 1), phone="919-555-0100",
                              street="1 Main St", city="Raleigh", state="NC",
                              zip_code="27601", industry="other"))
        await session.commit()
    created = await http.post("/api/v1/employers", json={
        "name": f"Wildcard Works {tag()}", "industry": "Manufacturing", "street": "1 Main St",
        "city": "Raleigh", "state": "North Carolina", "zip_code": "27601"})
    assert created.status_code == 201, created.text
    return manager, http


async def test_wildcards_match_only_themselves(place):
    manager, http = place
    for text in LITERALS:
        people = await http.get("/api/v1/portal/users", params={"name": text})
        assert people.status_code == 200 and people.json()["items"] == [], (text, people.text)
        users = await http.get("/api/v1/portal/users", params={"username": text})
        assert users.json()["items"] == [], text
        found = await http.get("/api/v1/employers", params={"q": text})
        assert found.status_code == 200 and found.json()["items"] == [], (text, found.text)
        page = await http.get("/portal/organizations", params={"q": text})
        assert "Wildcard Works" not in page.text, text
        listed = await http.get(f"/api/v1/locations/{manager.location_id}/recipients",
                                params={"q": text})
        assert listed.status_code == 200 and listed.json()["total"] == 0, (text, listed.text)
    assert (await http.get("/api/v1/employers", params={"q": "wildcard wo"})).json()["items"]
    assert (await http.get("/api/v1/portal/users", params={"name": "lena"})).json()["items"]


async def test_a_nul_is_refused_on_the_field(place):
    manager, http = place
    nul = "\x00\x00\x00"
    for path, field in (("/api/v1/employers", "q"), ("/api/v1/portal/users", "name"),
                        ("/api/v1/portal/users", "username"),
                        (f"/api/v1/locations/{manager.location_id}/recipients", "q")):
        answer = await http.get(path, params={field: nul})
        assert answer.status_code == 422 and answer.json()["errors"][field], (path,
                                                                              answer.text)
    page = await http.get("/portal/organizations", params={"q": nul})
    assert page.status_code == 422 and 'id="q-error"' in page.text


async def test_an_employer_with_latin_letters_without_accents_is_found_plainly(place):
    """Found by an outside check: "walesa" did not find Wałęsa (ł has no accent to strip). On
    Postgres the column is folded by translate() and replace() as Python folds what is typed."""
    manager, http = place
    word = tag()
    name = f"Wałęsa Øster Ærø Straße Đakovo Yılmaz {word}"
    created = await http.post("/api/v1/employers", json={
        "name": name, "industry": "Manufacturing", "street": "1 Main St", "city": "Raleigh",
        "state": "North Carolina", "zip_code": "27601"})
    assert created.status_code == 201, created.text
    for typed in ("walesa oster", "aero strasse", "Straße dakovo", "yilmaz", "WAŁĘSA ØSTER",
                  "Ærø"):
        found = await http.get("/api/v1/employers", params={"q": f"{typed}"})
        assert name in [e["name"] for e in found.json()["items"]], (typed, found.text)


async def test_a_capital_accented_letter_is_found_in_any_case(place):
    """Found by the outside check: on SQLite (whose LIKE ignores only ASCII case) "ñandú" did
    not find "Ñandú Clínica"; Postgres's ILIKE did. Both find it now."""
    manager, http = place
    name = f"Ñandú Clínica {tag()}"
    created = await http.post("/api/v1/employers", json={
        "name": name, "industry": "Manufacturing", "street": "1 Main St", "city": "Raleigh",
        "state": "North Carolina", "zip_code": "27601"})
    assert created.status_code == 201, created.text
    for typed in ("ñandú clínica", "ÑANDÚ", name.lower()):
        found = await http.get("/api/v1/employers", params={"q": typed})
        assert [e["name"] for e in found.json()["items"]] == [name], (typed, found.text)
