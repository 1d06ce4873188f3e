"""A link or a password reset asked for while Temporal is away is not sent ("not done, try
again"): that ask does not count toward the few an hour an address is allowed, so the person
who tried again as told is sent the link once the system is back, and not told that links
were already emailed (found by the outside check: three tries in an outage, then "A new link
was already emailed 3 times in the last hour", or nothing at all for an hour)."""

from datetime import timedelta

from models.base import utcnow
from models.enums import Role
from models.links import SIGNING_PURPOSE, find_link
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, signing_tokens
from tests.support.web import NOT_DONE, Browserish
from tests.test_outages import back

TRIES = 3  # the allowance an hour: each try during the outage would have used one up


async def test_links_asked_for_during_an_outage_are_sent_once_it_is_over(outage):
    temporal, system = outage
    enrollment = await start_enrollment(system, ["Asked Again Clinic"])
    (coordinator, location_id), = enrollment.locations.items()
    invitation = await system.smtp.one(to=coordinator, subject="Primary Vaccine Coordinator")
    old_invite = invitation.link("/invite/").rsplit("/", 1)[1]
    user = await make_user(system, Role.ORG_ADMIN)
    await temporal.stop()
    async with system.http() as http:
        for _ in range(TRIES):
            renewed = await http.post(f"/api/v1/invitations/{old_invite}/renew")
            assert renewed.status_code == 503 and NOT_DONE in renewed.json()["detail"]
            reset = await http.post("/api/v1/auth/password-reset", json={"email": user.email})
            assert reset.status_code == 503 and NOT_DONE in reset.json()["detail"]
    await back(temporal, system)
    async with system.http() as http:
        renewed = await http.post(f"/api/v1/invitations/{old_invite}/renew")
        assert renewed.status_code == 202, renewed.text
        reset = await http.post("/api/v1/auth/password-reset", json={"email": user.email})
        assert reset.status_code == 202, reset.text
    await system.smtp.wait_for(to=coordinator, subject="Primary Vaccine Coordinator", count=2)
    await system.smtp.one(to=user.email, subject="password")


async def test_an_officers_new_link_asked_for_during_an_outage(outage):
    temporal, system = outage
    enrollment = await start_enrollment(system, ["Officer Asks Clinic"])
    (coordinator, location_id), = enrollment.locations.items()
    await complete_location(system, coordinator, location_id)
    ceo = enrollment.ceo_email
    token, = signing_tokens(await system.smtp.one(to=ceo, subject=SIGNING_SUBJECT))
    async with system.sessions() as session:  # the officer opens it after it expired
        link = await find_link(session, SIGNING_PURPOSE, token)
        link.expires_at = utcnow() - timedelta(minutes=1)
        session.add(link)
        await session.commit()
    officer = Browserish(system.http())
    await temporal.stop()
    for _ in range(TRIES):
        page = await officer.submit(f"/sign/{token}", {}, action=f"/sign/{token}/renew")
        assert page.status_code == 503 and NOT_DONE in page.text
        # the page offers the same button again, to try again as it says
        assert f'action="/sign/{token}/renew"' in page.text, page.text
        asked = await officer.http.post("/api/v1/signing/request-link", json={"email": ceo})
        assert asked.status_code == 503 and NOT_DONE in asked.json()["detail"]
    await back(temporal, system)
    page = await officer.submit(f"/sign/{token}", {}, action=f"/sign/{token}/renew")
    assert page.status_code == 303, page.text
    asked = await officer.http.post("/api/v1/signing/request-link", json={"email": ceo})
    assert asked.status_code == 202, asked.text
    await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=3)

