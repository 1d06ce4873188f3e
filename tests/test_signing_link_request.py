""""Email me a new signing link" (`/sign/request-link`, `POST /api/v1/signing/request-link`)
needs no account: anyone may ask for any address. Each ask emails the officer fresh links and
kills the ones they hold, so past a few asks an hour for an address nothing more is sent, and
the answer is the same either way."""

import asyncio

from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, sign_token, signing_tokens
from tests.support.web import Browserish

ASKS_AN_HOUR = 3


async def ceo_asked_to_sign(system, name: str) -> str:
    """The CEO's address of a new organization whose one location, `name`, is complete: they
    were emailed their signing request."""
    enrollment = await start_enrollment(system, [name])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    return enrollment.ceo_email

async def test_strangers_cannot_flood_an_officer_or_keep_their_links_dead(system):
    """Found by the outside check: five anonymous asks sent five emails and left the officer
    no working link; one could keep an organization from ever signing."""
    ceo = await ceo_asked_to_sign(system, "Flooded Clinic")
    async with system.http() as stranger:
        for n in range(ASKS_AN_HOUR):
            asked = await stranger.post("/api/v1/signing/request-link", json={
                "email": ceo, "request_key": f"stranger-ask-{n:04}"})  # each a new ask
            assert asked.status_code == 202, asked.text
            await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=2 + n)
        answer = asked.json()
        # Past the allowance: the same answer (API and page), and no email, no link killed.
        refused = await stranger.post("/api/v1/signing/request-link", json={
            "email": ceo.upper(), "request_key": "stranger-ask-past"})
        assert (refused.status_code, refused.json()) == (202, answer)
        asked_on_page = await Browserish(stranger).submit("/sign/request-link", {
            "email": ceo, "request_key": "stranger-ask-page"})
        assert asked_on_page.status_code == 303  # the answer is a page to reload
        page = await stranger.get(asked_on_page.headers["location"])
        assert page.status_code == 200 and "signing link is on its way" in page.text, page.text[:600]
    await asyncio.sleep(3)  # what an accepted ask sends arrives within this
    mails = system.smtp.find(to=ceo, subject=SIGNING_SUBJECT)
    assert len(mails) == 1 + ASKS_AN_HOUR, [m.subject for m in mails]
    latest, = signing_tokens(mails[-1])
    signed = await sign_token(system, latest, "ceo")
    assert signed.status_code == 201, signed.text


async def test_an_old_link_asks_for_a_new_one_a_few_times_an_hour(system):
    """Found by the outside check: a replaced invitation (or signing) link asked for a new one
    as often as anyone liked, each killing the link before: whoever held an old email could
    keep the person's newest link dead. Past a few an hour the old link is told to wait."""
    enrollment = await start_enrollment(system, ["Renewed Clinic"])
    (coordinator, location_id), = enrollment.locations.items()
    mail = await system.smtp.one(to=coordinator, subject="Primary Vaccine Coordinator")
    old = mail.link("/invite/").rsplit("/", 1)[1]
    async with system.http() as holder:
        for n in range(ASKS_AN_HOUR):
            renewed = await holder.post(f"/api/v1/invitations/{old}/renew")
            assert renewed.status_code == 202, renewed.text
            await system.smtp.wait_for(to=coordinator, subject="Primary Vaccine Coordinator",
                                       count=2 + n)
        refused = await holder.post(f"/api/v1/invitations/{old}/renew")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert "already emailed 3 times in the last hour" in refused.json()["detail"]
        page = await Browserish(holder).submit(f"/invite/{old}", {},
                                               action=f"/invite/{old}/renew")
        assert page.status_code == 429 and "Use the link in the newest email" in page.text
    await asyncio.sleep(3)
    invitations = system.smtp.find(to=coordinator, subject="Primary Vaccine Coordinator")
    assert len(invitations) == 1 + ASKS_AN_HOUR
    newest = invitations[-1].link("/invite/").rsplit("/", 1)[1]
    async with system.http() as http:
        assert (await http.get(f"/api/v1/invitations/{newest}")).status_code == 200
    await complete_location(system, coordinator, location_id)  # from the newest email

    ceo = enrollment.ceo_email
    old, = signing_tokens(await system.smtp.one(to=ceo, subject=SIGNING_SUBJECT))
    officer = Browserish(system.http())
    for n in range(ASKS_AN_HOUR):
        again = await officer.submit(f"/sign/{old}", {}, action=f"/sign/{old}/renew")
        assert again.status_code == 303, again.text[:400]  # to a page to reload
        await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=2 + n)
    refused = await officer.submit(f"/sign/{old}", {}, action=f"/sign/{old}/renew")
    assert refused.status_code == 429 and "Use the link in the newest email" in refused.text
    # The asks by address share the officer's count (the check of the fixes got 3 + 3).
    async with system.http() as stranger:
        by_address = await stranger.post("/api/v1/signing/request-link", json={"email": ceo})
        assert by_address.status_code == 202
    await asyncio.sleep(3)
    mails = system.smtp.find(to=ceo, subject=SIGNING_SUBJECT)
    assert len(mails) == 1 + ASKS_AN_HOUR
    newest, = signing_tokens(mails[-1])
    assert (await sign_token(system, newest, "ceo")).status_code == 201


async def test_a_new_link_asked_twice_with_one_key_sends_one_email(system):
    """Found by an outside check: "Email me a new link" double-clicked (or an API client's
    retry) asked twice: two emails, the second's links replacing the first's as they arrived,
    so the officer who opened the first email found its links dead. The form carries a
    one-time key, as the reset form does: the same key is the same ask (one email, counted
    once); another key is another ask."""
    ceo = await ceo_asked_to_sign(system, "Twice Asked Clinic")
    async with system.http() as stranger:
        form = await stranger.get("/sign/request-link")
        assert 'name="request_key"' in form.text
        page = Browserish(stranger)
        answers = await asyncio.gather(*(page.submit("/sign/request-link", {
            "email": ceo, "request_key": "double-click-0101"}) for _ in range(2)))
        assert [a.status_code for a in answers] == [303, 303]
        renewed = (await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=2))[-1]
        await asyncio.sleep(3)  # a second renewal's email, if any, arrives within this
        assert len(system.smtp.find(to=ceo, subject=SIGNING_SUBJECT)) == 2
        again = await stranger.post("/api/v1/signing/request-link",
                                    json={"email": ceo, "request_key": "another-key-0102"})
        assert again.status_code == 202, again.text
        newest = (await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=3))[-1]
    assert signing_tokens(renewed) != signing_tokens(newest)
    latest, = signing_tokens(newest)
    assert (await sign_token(system, latest, "ceo")).status_code == 201
