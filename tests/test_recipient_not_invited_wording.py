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


async def test_a_walk_in_with_email_is_not_said_to_await_an_invitation(system):
    """Found by the outside check: a walk-in registered with an email address read "Invited:
    Not yet" and "Their invitation email carries it": no invitation ever comes (they were
    registered at the point of care, and their link was emailed on registering)."""
    site = await vaccinating_site(system)
    person = await walk_in(site, email=f"walkin.{site.location_id}@example.org")
    page = await site.manager.get(f"/recipients/people/{person['id']}")
    assert page.status_code == 200
    shown = " ".join(page.text.split())
    assert "Not invited: registered at the point of care" in shown, shown
    assert "Not yet</dd>" not in shown and "invitation email carries it" not in shown
    assert "The email sent when they registered carries it." in shown
