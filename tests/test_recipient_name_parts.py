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


async def test_a_name_written_with_a_zero_width_joiner_is_a_name_and_found_without_it(system):
    """Found by the outside check: a Persian name written as its spelling asks, with a
    zero-width non-joiner between its parts (میر‌حسین, U+200C), was refused as "Write the legal
    name with letters only.", so the person could not register under their legal name. A
    joiner (U+200C, U+200D) between two letters is part of a name, kept as typed; the same name
    typed without it finds the person. One anywhere else, or a direction override, is still
    refused."""
    site = await vaccinating_site(system)
    tail = "".join(chr(0x0628 + "abcdefghij".index(c)) for c in letters().lower())  # ب..ر
    given = "میر\u200cحسین"
    surname = f"موسوی{tail}"
    made = await site.provider.post(f"{site.care}/walk-ins",
                                    json={**person("x"), "first_name": given,
                                          "last_name": surname})
    assert made.status_code == 201, made.text
    assert made.json()["first_name"] == given
    care = (await site.provider.get(f"{site.care}/recipients",
                                    params={"name": f"میرحسین {surname}"})).json()
    assert made.json()["id"] in [r["id"] for r in care["items"]], care
    for bad in ("\u200cمیر", "میر\u200c", "میر\u200c حسین", "Ana\u202egnp", "میر\u200c\u200cحسین"):
        refused = await site.provider.post(f"{site.care}/walk-ins",
                                           json={**person("x"), "first_name": bad})
        assert refused.status_code == 422, (bad, refused.text)
        assert "letters only" in refused.text, refused.text
