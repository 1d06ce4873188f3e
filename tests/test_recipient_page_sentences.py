"""Sentences of the recipient pages read as written: another location's upload or recipient
was "not found among your locations'." (an apostrophe left hanging, read as a typo), and the
walk-in form's email hint ended without its full stop."""

import html

from sqlmodel import select

from models.recipients import Recipient
from tests.support.care import vaccinating_site
from tests.support.recipients import location_manager, manager_api, person, tag, upload, xlsx


async def test_not_found_and_hint_sentences_end_as_sentences(system):
    owner = await location_manager(system)
    owner_api = await manager_api(system, owner)
    line = person(3, tag())
    done = await upload(owner_api, owner, xlsx([line]))
    assert done.status_code == 201, done.text
    async with system.sessions() as session:
        invited = (await session.exec(select(Recipient).where(
            Recipient.last_name == line[1]))).one()
    other = await vaccinating_site(system)
    for url, said in ((f"/recipients/uploads/{done.json()['id']}",
                       "We could not find that upload among the uploads you can open."),
                      (f"/recipients/people/{invited.id}",
                       "We could not find that recipient among the people of your locations.")):
        page = await other.manager.get(url)
        assert page.status_code == 404, (url, page.status_code)
        assert said in html.unescape(page.text), " ".join(page.text.split())[-900:]
    form = html.unescape((await other.provider.get(f"/care/{other.location_id}/walk-in")).text)
    assert "Without an address, print or show them the link." in form
