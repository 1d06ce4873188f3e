"""An officer with two documents to sign (a redistribution participant) asks for new links:
each document came in its own email, both saying "Earlier links we sent you no longer work",
so the second seemed to kill the link the first had just brought (found by the outside
check). Now one email brings a fresh link for every document still to sign."""

import asyncio

from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, sign_token, signing_tokens


async def test_asking_by_address_sends_one_email_with_both_links(system):
    enrollment = await start_enrollment(system, ["Two Papers Clinic"], redistribution=True)
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    ceo = enrollment.ceo_email
    first = await system.smtp.one(to=ceo, subject=SIGNING_SUBJECT)
    assert len(signing_tokens(first)) == 2
    async with system.http() as anyone:
        asked = await anyone.post("/api/v1/signing/request-link", json={"email": ceo})
        assert asked.status_code == 202, asked.text
    renewed = (await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=2))[-1]
    await asyncio.sleep(3)  # a second email, if any, arrives within this
    mails = system.smtp.find(to=ceo, subject=SIGNING_SUBJECT)
    assert len(mails) == 2, [m.text for m in mails]
    tokens = signing_tokens(renewed)
    assert len(tokens) == 2, renewed.text
    assert "replaces the signing links" in renewed.text
    for token in tokens:
        assert (await sign_token(system, token, "ceo")).status_code == 201

