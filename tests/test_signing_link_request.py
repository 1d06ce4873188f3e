""""Email me a new signing link" (`/sign/request-link`, `POST /api/v1/signing/request-link`)
needs no account: anyone may ask for any address. Each ask emails the officer fresh links and
kills the ones they hold, so past a few asks an hour for an address nothing more is sent, and
the answer is the same either way."""

import asyncio

from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, sign_token, signing_tokens
from tests.support.web import Browserish

ASKS_AN_HOUR = 3


async def test_strangers_cannot_flood_an_officer_or_keep_their_links_dead(system):
    """Found by the outside check: five anonymous asks sent five emails and left the officer
    no working link; one could keep an organization from ever signing."""
    enrollment = await start_enrollment(system, ["Flooded Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    ceo = enrollment.ceo_email
    await system.smtp.one(to=ceo, subject=SIGNING_SUBJECT)
    async with system.http() as stranger:
        for n in range(ASKS_AN_HOUR):
            asked = await stranger.post("/api/v1/signing/request-link", json={"email": ceo})
            assert asked.status_code == 202, asked.text
            await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=2 + n)
        answer = asked.json()
        # Past the allowance: the same answer (API and page), and no email, no link killed.
        refused = await stranger.post("/api/v1/signing/request-link",
                                      json={"email": ceo.upper()})
        assert (refused.status_code, refused.json()) == (202, answer)
        page = await Browserish(stranger).submit("/sign/request-link", {"email": ceo})
        assert page.status_code == 200 and "signing link is on its way" in page.text, page.text[:600]
    await asyncio.sleep(3)  # what an accepted ask sends arrives within this
    mails = system.smtp.find(to=ceo, subject=SIGNING_SUBJECT)
    assert len(mails) == 1 + ASKS_AN_HOUR, [m.subject for m in mails]
    latest, = signing_tokens(mails[-1])
    signed = await sign_token(system, latest, "ceo")
    assert signed.status_code == 201, signed.text
