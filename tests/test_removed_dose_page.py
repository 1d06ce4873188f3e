"""A dose removed as entered in error, opened again from its edit address (Back, a bookmark, a
second tab): the page says it was removed, when and why, and offers no correction or removal;
"Remove dose" sent again says it was already removed, and the lot gets its dose back once."""

import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from tests.support.care import give, on_hand, stock, vaccinating_site, walk_in
from tests.support.web import browser


async def test_a_removed_dose_page_says_so_and_a_second_removal_changes_nothing(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"RM-{uuid.uuid4().hex[:6]}")
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    edit = f"/care/doses/{dose['id']}/edit"
    form = await person.get(edit)
    assert f'action="/care/doses/{dose["id"]}/remove"' in form.text
    removed = await person.submit(edit, {"reason": "Wrong person"},
                                  action=f"/care/doses/{dose['id']}/remove")
    assert "The dose is removed as entered in error" in removed.text
    assert await on_hand(system, lot) == 10

    again = await person.get(edit)
    assert again.status_code == 200
    assert "Removed as entered in error" in again.text and "Wrong person" in again.text
    assert "/remove" not in again.text and "Save changes" not in again.text
    second = await person.submit(edit, {"reason": "Wrong person"},
                                 action=f"/care/doses/{dose['id']}/remove")
    assert "was already removed as entered in error; nothing was changed" in second.text
    assert "The dose is removed as entered in error" not in second.text
    assert await on_hand(system, lot) == 10


async def test_a_dose_with_a_later_one_recorded_is_removed_only_when_confirmed(system):
    """Found by an outside check: dose 1 removed as entered in error while dose 2 was recorded
    asked nothing, and the record then read "series complete" on dose 2 alone. The removal now
    says dose 2 stays, keeps the reason typed, and removes dose 1 once the box is ticked (the
    API says the same of `remove_anyway`)."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"RM-{uuid.uuid4().hex[:6]}")
    someone = (await walk_in(site))["id"]
    today = local_today(utcnow())
    first = (await give(site, someone, lot, on=today - timedelta(days=40))).json()
    second = await give(site, someone, lot, dose_number=2, on=today)
    assert second.status_code == 201, second.text
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    edit, remove = f"/care/doses/{first['id']}/edit", f"/care/doses/{first['id']}/remove"
    asked = await person.submit(edit, {"reason": "Another person's dose"}, action=remove)
    assert asked.status_code == 422
    assert "Dose 2 (" in asked.text and "is recorded after this one and stays recorded" in \
        asked.text
    assert "Remove this dose all the same" in asked.text and "Another person&#39;s dose" in \
        asked.text
    assert await on_hand(system, lot) == 8
    api = await site.provider.post(f"/api/v1/administrations/{first['id']}/removal",
                                   json={"reason": "Another person's dose"})
    assert api.status_code == 422 and "remove_anyway" in api.json()["errors"], api.text
    done = await person.submit(edit, {"reason": "Another person's dose",
                                      "remove_anyway": "true"}, action=remove)
    assert "The dose is removed as entered in error" in done.text
    assert await on_hand(system, lot) == 9
