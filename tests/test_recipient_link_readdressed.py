"""A recipient's personal link dies with the address it was sent to: correcting the email
address (staff completing an invitation at the point of care, or the person on their own
page) moves the link on, the old one answers "no longer valid" with a way to get the current
one, and the corrected address is emailed the new link. The current link can be asked for by
address, with the same answer whether or not the address is on file. Links sent before links
had versions keep working until the address changes."""

import asyncio

from core.security import capability
from models.recipient_rules import RECIPIENT_LINK, recipient_key, recipient_path
from models.recipients import Recipient
from tests.support.care import NO_TO_ALL, vaccinating_site
from tests.support.recipients import Manager, form_of, person, tag, upload, xlsx
from tests.support.web import browser

INVITED = "Register for your COVID-19 vaccination"
LINK_MAIL = "Your COVID-19 vaccination record and personal link"
NO_LONGER = "This link is no longer valid"
ASKED = "If a vaccination record has this email address, we emailed its personal link to it."


def test_links_sent_before_versions_keep_their_key():
    """Version 0 is the key every link sent before this change carried: a deploy kills none."""
    assert recipient_key("s3cret", 41) == capability("s3cret", RECIPIENT_LINK, 41)
    assert recipient_path("s3cret", 41, 0) == f"/r/41/{capability('s3cret', RECIPIENT_LINK, 41)}"
    assert recipient_key("s3cret", 41, 1) not in (recipient_key("s3cret", 41),
                                                  recipient_key("s3cret", 41, 2))


async def _invited_with_typo(system):
    """A person uploaded with a mistyped address (their invitation went there); the site."""
    site = await vaccinating_site(system, f"Readdress Clinic {tag()}")
    line = person(3, tag())
    wrong = line[4].replace("@", ".typo@")
    line[4] = wrong
    sent = await upload(site.manager, Manager(0, "", site.location_id, site.name), xlsx([line]))
    assert sent.status_code == 201, sent.text
    invitation = await system.smtp.one(to=wrong, subject=INVITED)
    return site, line, invitation.link("/r/")


async def test_staff_correcting_the_address_kills_the_link_sent_to_the_old_one(system):
    site, line, old_link = await _invited_with_typo(system)
    visitor = browser(system)
    assert (await visitor.get(old_link)).status_code == 200  # works until corrected

    right = f"right.{tag().lower()}@example.org"
    month, day_, year = line[2].split("/")
    walked = await site.provider.post(f"{site.care}/walk-ins", json={
        "first_name": line[0], "last_name": line[1], "date_of_birth": f"{year}-{month}-{day_}",
        "phone": "919-555-0100", "email": right, "street": "5 Elm St", "city": "Durham",
        "state": "NC", "zip_code": "27701", "industry": "health_care", "language": "en",
        **NO_TO_ALL})
    assert walked.status_code == 201, walked.text

    gone = await visitor.get(old_link)
    assert gone.status_code == 410 and NO_LONGER in gone.text
    assert '?next=/r/new-link"' in gone.text
    for below in ("/status", "/proof", "/appointments"):  # no page of the record opens
        assert (await visitor.get(old_link + below)).status_code == 410

    mail = await system.smtp.one(to=right, subject=LINK_MAIL)
    new_link = mail.link("/r/")
    assert new_link != old_link
    page = await visitor.get(new_link)
    assert page.status_code == 200 and line[0] in page.text
    assert not system.smtp.find(to=line[4], subject=LINK_MAIL)  # nothing to the wrong one


async def test_the_person_correcting_their_address_gets_the_new_link_there(system):
    site, line, old_link = await _invited_with_typo(system)
    me = browser(system)
    page = await me.get(old_link)
    right = f"mine.{tag().lower()}@example.org"
    values = {**form_of(page.text), **NO_TO_ALL, "email": right.upper()}
    done = await me.submit(old_link, values)
    assert done.status_code == 200 and "/status" in str(done.url), done.text[:500]
    assert old_link not in str(done.url)  # they are on their new link

    mail = await system.smtp.one(to=right, subject=LINK_MAIL)
    assert "Your email address was corrected" in mail.text
    new_link = mail.link("/r/")
    assert str(done.url).startswith(new_link)
    assert (await me.get(new_link + "/status")).status_code == 200
    gone = await me.get(old_link)
    assert gone.status_code == 410 and NO_LONGER in gone.text

    # saved again with the same address: the link stays, no further email
    again = await me.submit(new_link + "/edit", {**values, "email": right}, action=new_link)
    assert again.status_code == 200 and str(again.url).startswith(new_link)
    await asyncio.sleep(0.5)
    assert len(system.smtp.find(to=right, subject=LINK_MAIL)) == 1


async def test_asking_for_the_link_emails_it_and_an_unknown_address_is_told_the_same(system):
    site, line, old_link = await _invited_with_typo(system)
    visitor = browser(system)
    asked = await visitor.submit("/r/new-link", {"email": f"  {line[4].upper()} "})
    assert asked.status_code == 200 and ASKED in asked.text
    mail = await system.smtp.one(to=line[4], subject=LINK_MAIL)
    assert "You asked for your personal link" in mail.text
    assert mail.link("/r/") == old_link  # the current link (not corrected: version 0)

    nobody = f"nobody.{tag().lower()}@example.org"
    unknown = await visitor.submit("/r/new-link", {"email": nobody})
    assert unknown.status_code == 200 and ASKED in unknown.text
    assert unknown.text.count(ASKED) == asked.text.count(ASKED)
    await asyncio.sleep(1)
    assert not system.smtp.find(to=nobody)

    refused = await visitor.submit("/r/new-link", {"email": "not an address"})
    assert refused.status_code == 400 and 'value="not an address"' in refused.text
    assert 'id="email-error"' in refused.text


async def test_asking_too_often_for_one_address_sends_no_more(system):
    site, line, _old = await _invited_with_typo(system)
    visitor = browser(system)
    for number in range(5):  # each from the form opened again (its own key)
        answer = await visitor.submit("/r/new-link", {"email": line[4],
                                                      "request_key": f"fresh-form-{number:04d}"})
        assert answer.status_code == 200 and ASKED in answer.text  # the same answer
    await system.smtp.wait_for(to=line[4], subject=LINK_MAIL, count=3)
    await asyncio.sleep(1)
    assert len(system.smtp.find(to=line[4], subject=LINK_MAIL)) == 3


async def test_an_ask_sent_twice_with_its_key_emails_the_link_once(system):
    """Found by an outside check: "Email me my current link" double-clicked sent the link
    twice. The form's one-time key makes the second send the same ask; another key (the form
    opened again) is another ask, as before. (The repeat is counted once against the hourly
    allowance.)"""
    site, line, _old = await _invited_with_typo(system)
    visitor = browser(system)
    assert 'name="request_key"' in (await visitor.get("/r/new-link")).text
    answers = await asyncio.gather(*(visitor.submit("/r/new-link", {
        "email": line[4], "request_key": "double-click-0001"}) for _ in range(2)))
    assert all(a.status_code == 200 and ASKED in a.text for a in answers)
    await system.smtp.wait_for(to=line[4], subject=LINK_MAIL, count=1)
    again = await visitor.submit("/r/new-link", {"email": line[4], "request_key": "other-key-2"})
    assert again.status_code == 200
    await system.smtp.wait_for(to=line[4], subject=LINK_MAIL, count=2)
    await asyncio.sleep(1)
    assert len(system.smtp.find(to=line[4], subject=LINK_MAIL)) == 2


async def test_a_link_never_issued_says_not_valid_and_offers_the_current_one(system):
    site, line, old_link = await _invited_with_typo(system)
    async with system.sessions() as session:
        found = await session.get(Recipient, int(old_link.split("/r/")[1].split("/")[0]))
        forged = f"/r/{found.id}/{'0' * 40}"
    page = await browser(system).get(forged)
    assert page.status_code == 404 and "This link is not valid" in page.text
    assert NO_LONGER not in page.text and '?next=/r/new-link"' in page.text
