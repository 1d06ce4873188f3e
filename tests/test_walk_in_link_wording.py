"""A walk-in who gives an email address is emailed their Recipient Portal link (found by the
outside checks: the form said the address was "for ... the proof of vaccination", and a walk-in
registered with one got no email at all, so the proof was out of their reach unless staff
printed the link). Without an address, staff are told to print or show it."""

import asyncio

from models.recipients import Recipient
from tests.support.care import NO_TO_ALL, letters, person, vaccinating_site, walk_in
from tests.support.web import browser

LINK_EMAIL = "Your COVID-19 vaccination record and personal link"


def _form(tag: str, email: str | None) -> dict:
    return {k: v for k, v in {**person(tag, email=email), **NO_TO_ALL,
                              "health_care_worker": "yes"}.items() if v is not None}


async def test_a_walk_in_with_an_email_address_is_emailed_their_link_once(system):
    site = await vaccinating_site(system)
    page = await site.provider.get(f"/care/{site.location_id}/walk-in")
    assert "Recipient Portal link (eligibility, appointments, proof of vaccination) is " \
           "emailed to them" in page.text
    tag = letters()
    done = await site.provider.post(f"/care/{site.location_id}/walk-in",
                                    data=_form(tag, "walk@example.org"), follow_redirects=True)
    assert done.status_code == 200 and "is registered." in done.text
    assert "is emailed to walk@example.org; you can also print or show it below." in done.text
    mail = await system.smtp.one(to="walk@example.org", subject=LINK_EMAIL)
    assert "registered you for a COVID-19 vaccination" in mail.text
    status = await browser(system).get(mail.link("/r/"))
    assert status.status_code == 200 and f"Walker{tag}" in status.text

    # The same person at their next visit is their record: nothing is emailed again.
    again = await site.provider.post(f"/care/{site.location_id}/walk-in",
                                     data=_form(tag, "walk@example.org"), follow_redirects=True)
    assert again.status_code == 200 and "was already registered" in again.text
    assert "is emailed to" not in again.text
    await asyncio.sleep(1.5)
    assert len(system.smtp.find(to="walk@example.org", subject=LINK_EMAIL)) == 1


async def test_the_api_says_the_link_is_emailed_in_the_persons_language(system):
    site = await vaccinating_site(system)
    made = await walk_in(site, email="paco@example.org", language="es")
    assert made["link_emailed"] is True
    mail = await system.smtp.one(to="paco@example.org", subject="enlace personal")
    # Found by the outside check: "lo registró" spoke of every reader as a man
    assert "registró sus datos para vacunarse" in mail.text, mail.text
    assert " lo registró" not in mail.text and " lo registró" not in mail.html
    without = await walk_in(site)
    assert without["link_emailed"] is False


async def test_without_an_address_staff_are_told_to_print_or_show_the_link(system):
    site = await vaccinating_site(system)
    done = await site.provider.post(f"/care/{site.location_id}/walk-in",
                                    data=_form(letters(), None), follow_redirects=True)
    assert done.status_code == 200 and "is registered." in done.text
    assert "is not emailed (no email address): print or show it to them below." in done.text
    assert "Print or show their Recipient Portal link" in done.text


async def test_the_printed_link_of_someone_registered_does_not_ask_them_to_register(system):
    """Found by the outside check: the link staff print or show said "Your personal link to
    register, ..." to a walk-in registered a moment before; someone invited and not yet
    registered is still asked to."""
    site = await vaccinating_site(system)
    registered = await walk_in(site, language="es")
    invited = await walk_in(site, language="es")
    async with system.sessions() as session:  # as an upload leaves someone: not registered
        row = await session.get(Recipient, invited["id"])
        row.registered_at = None
        session.add(row)
        await session.commit()
    for who, asked in ((registered, False), (invited, True)):
        page = await site.manager.get(f"/recipients/people/{who['id']}/link")
        assert page.status_code == 200, page.text
        assert ("Su enlace personal para registrarse, ver cuándo" in page.text) == asked
        assert ("Su enlace personal para ver cuándo puede vacunarse" in page.text) != asked
