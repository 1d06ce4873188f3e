"""Found by an outside check: a first dose was recorded without a word for someone whose answers
say they are not eligible now (their group's phase is not open), as for anyone. A dose given is
never refused, but a first dose to someone not eligible is recorded only when the person
recording it confirms it was given so ("The dose was given as entered"), as an early dose or a
dose to someone too young; the refusal names the field and the person's status. A later dose
of a series started asks nothing of eligibility."""

import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from tests.support.care import give, stock, vaccinating_site, walk_in

ASKED = ("Their answers do not make them eligible now (Not yet: their group's phase is not "
         "open).")


async def test_a_first_dose_for_someone_not_eligible_asks_for_confirmation(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"NE-{uuid.uuid4().hex[:6]}")
    teacher = await walk_in(site, email=f"ne-{uuid.uuid4().hex[:8]}@example.org",
                            industry="education")  # phase 3, not open
    assert teacher["eligibility"] == "waiting"
    today = local_today(utcnow())

    refused = await give(site, teacher["id"], lot, on=today - timedelta(days=40))
    assert refused.status_code == 422, refused.text
    said = refused.json()
    assert list(said["errors"]) == ["confirmed"], said
    assert said["errors"]["confirmed"].startswith(f"{teacher['first_name']} "
                                                  f"{teacher['last_name']}: {ASKED}"), said
    assert "tick \"The dose was given as entered\"" in said["errors"]["confirmed"], said
    assert (await site.provider.get(
        f"{site.care}/recipients/{teacher['id']}/administrations")).json() == []

    given = await give(site, teacher["id"], lot, on=today - timedelta(days=40), confirmed=True)
    assert given.status_code == 201, given.text
    second = await give(site, teacher["id"], lot, dose_number=2, on=today - timedelta(days=5))
    assert second.status_code == 201, second.text
