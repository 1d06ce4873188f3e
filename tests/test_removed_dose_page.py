"""A dose removed as entered in error, opened again from its edit address (Back, a bookmark, a
second tab): the page says it was removed, when and why, and offers no correction or removal;
"Remove dose" sent again says it was already removed, and the lot gets its dose back once."""

import uuid

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
