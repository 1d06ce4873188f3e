"""A small clinic names one person as both its chief executive and its medical director (the
same name and address for both, which Section A allows). They got two signing-request emails
for the one round, and two of each reminder; now one email asks for both signatures, with a
link per role, each reminder comes once, and signing both links records both signatures."""

import asyncio
from datetime import timedelta

from sqlmodel import select

from models.signatures import Signature
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, location_status, sign_token, signing_tokens

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


async def _one_person_both_roles(system, name: str):
    enrollment = await start_enrollment(system, [name], submit=False)
    both = enrollment.ceo_email
    for role in ("ceo", "cmo"):
        body = {"name": "Pat Both", "title": role.upper(), "email": both}
        saved = await enrollment.admin.put(
            f"/api/v1/organizations/{enrollment.org_id}/officers/{role}", json=body)
        assert saved.status_code == 200, saved.text
    submitted = await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/submit")
    assert submitted.status_code == 200, submitted.text
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    return enrollment, both, location_id


async def _exactly(system, to: str, subject: str, count: int) -> list:
    await system.smtp.wait_for(to=to, subject=subject, count=count)
    await asyncio.sleep(2)  # a second email, if any, arrives within this
    found = system.smtp.find(to=to, subject=subject)
    assert len(found) == count, [m.text for m in found]
    return found


async def test_one_email_asks_for_both_signatures_and_both_are_recorded(system):
    enrollment, both, location_id = await _one_person_both_roles(system, "Both Hats Clinic")
    mail, = await _exactly(system, both, SIGNING_SUBJECT, 1)
    assert "Chief Executive Officer" in mail.text and "Chief Medical Officer" in mail.text
    tokens = signing_tokens(mail)
    assert len(tokens) == 2, mail.text
    roles = []
    async with system.http() as http:
        for token in tokens:
            roles.append((await http.get(f"/api/v1/signing/{token}")).json()["officer_role"])
    assert sorted(roles) == ["ceo", "cmo"]
    first, second = [await sign_token(system, token, role, name="Pat Both")
                     for token, role in zip(tokens, roles, strict=True)]
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    other = "Chief Medical Officer" if roles[0] == "ceo" else "Chief Executive Officer"
    assert first.json()["still_unsigned"] == ["CDC COVID-19 Vaccination Program Provider "
                                              f"Agreement (as {other})"], first.text
    assert second.json()["still_unsigned"] == []
    for _ in range(200):
        if await location_status(system, location_id) == "pending_review":
            break
        await asyncio.sleep(0.1)
    assert await location_status(system, location_id) == "pending_review"
    async with system.sessions() as session:
        signed = (await session.exec(select(Signature.signer_role).where(
            Signature.organization_id == enrollment.org_id,
            Signature.signing_request_id.is_not(None)))).all()
    assert sorted(signed) == ["ceo", "cmo"]


async def test_each_reminder_comes_once(ts_system):
    _enrollment, both, _location_id = await _one_person_both_roles(ts_system, "One Hat Rack")
    await _exactly(ts_system, both, SIGNING_SUBJECT, 1)
    await ts_system.env.sleep(3 * DAY + HOUR)
    reminder, = await _exactly(ts_system, both, "Reminder: please sign", 1)
    assert len(signing_tokens(reminder)) == 2, reminder.text
