"""A surname's later part finds the person, at the point of care and on the manager's list:
"obrien" and "Ana O'Brien" find Ana López-O'Brien (found by the outside check of recipients:
only the start of the whole surname did, so staff looking up a compound surname by the part
the person gave found nobody)."""

from tests.support.care import letters, person, vaccinating_site


async def test_a_compound_surname_is_found_by_either_part(system):
    site = await vaccinating_site(system)
    tail = letters()
    surname = f"López-O’Brien{tail}"
    made = await site.provider.post(f"{site.care}/walk-ins",
                                    json={**person("x"), "last_name": surname})
    assert made.status_code == 201, made.text
    found_id = made.json()["id"]
    for typed in (f"obrien{tail}", f"O'Brien{tail}"[:6], f"Ana O'Brien{tail}",
                  f"lopez o'brien{tail}", f"ana López{tail[:0]}"):
        care = (await site.provider.get(f"{site.care}/recipients",
                                        params={"name": typed})).json()
        assert found_id in [r["id"] for r in care["items"]], (typed, care)
        listed = (await site.manager.get(f"/api/v1/locations/{site.location_id}/recipients",
                                         params={"q": typed})).json()
        assert found_id in [r["id"] for r in listed["items"]], (typed, listed)
    for typed in (f"rien{tail}", f"Bob O'Brien{tail}", f"ana{tail}"):  # not a word's start
        care = (await site.provider.get(f"{site.care}/recipients",
                                        params={"name": typed})).json()
        assert found_id not in [r["id"] for r in care["items"]], typed
