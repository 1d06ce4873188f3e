"""Search first (SPEC §5), then "New organization": the form holds the name just searched for,
not an empty box to type it into again; an address made up by hand does not break it."""

import html
from urllib.parse import urlencode

from tests.support.recipients import location_manager, tag
from tests.support.web import browser


async def test_new_organization_holds_the_name_searched_for(system):
    manager = await location_manager(system)
    page = browser(system)
    await page.login(manager.email)
    name = f"Mill & Sons “Nuevo” {tag()}"
    searched = (await page.get(f"/portal/organizations?{urlencode({'q': name})}")).text
    link = html.unescape(searched.split('href="/portal/organizations/new', 1)[1].split('"', 1)[0])
    form = (await page.get(f"/portal/organizations/new{link}")).text
    box = form[form.find('id="name"'):][:300]
    assert name in html.unescape(box), box
    hostile = (await page.get("/portal/organizations/new?" + urlencode(
        {"name": "x" * 5000 + '"><script>'}))).text
    box = hostile[hostile.find('id="name"'):][:400]
    assert "x" * 200 in box and "x" * 201 not in box and "<script>" not in box, box
