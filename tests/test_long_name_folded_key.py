"""A legal name as long as the field allows (80 letters) that folding lengthens (ß -> ss, æ ->
ae) made a key past its 80-character column: refused by Postgres at a walk-in (a 500). The key
a recipient's row stores is the folded name's first 80 characters; two such people born the
same day with the same long name are one, as any two people are."""

from models.recipient_rules import KEY_LENGTH, person_name_key
from tests.support.care import letters, person, vaccinating_site

LONG = "Groß" * 20  # 80 letters, folded "gross" * 20: 100


def test_a_stored_key_never_passes_its_column():
    assert len(LONG) == 80 and len(person_name_key(LONG)) == KEY_LENGTH
    assert person_name_key(LONG) == person_name_key(LONG.lower())
    assert person_name_key("Ærø Strauß") == "aero strauss"


async def test_a_walk_in_with_a_long_name_that_folds_longer_is_registered(system):
    site = await vaccinating_site(system)
    body = {**person(letters(), None, "en", "health_care"), "last_name": LONG}
    response = await site.provider.post(f"{site.care}/walk-ins", json=body)
    assert response.status_code == 201, response.text
    again = await site.provider.post(f"{site.care}/walk-ins", json={**body,
                                                                    "last_name": LONG.lower()})
    assert again.status_code == 201 and again.json()["already_registered"], again.text
    assert again.json()["id"] == response.json()["id"]  # the same person, found
