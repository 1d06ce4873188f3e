"""A person without an email address is never emailed an invitation: their staff page says so
and points to their link, instead of "Invited: not yet" (found by the outside check)."""

from tests.support.care import vaccinating_site, walk_in


async def test_a_person_without_email_is_said_not_to_be_emailed(system):
    site = await vaccinating_site(system)
    person = await walk_in(site)
    page = await site.manager.get(f"/recipients/people/{person['id']}")
    assert page.status_code == 200
    assert "Not emailed: no email address (give them their link below)" in page.text
    assert "not yet</dd>" not in page.text
