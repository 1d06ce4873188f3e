"""An organization's administrator reads, on their dashboard, which of their coordinators' and
officers' addresses bounced (the mail server's words, when), so that an invitation or a signing
request that went nowhere is not waited on for weeks; corrected, the note goes, and the new
address is emailed."""

import asyncio
import uuid

from tests.support.enrollment import complete_location, location_body, start_enrollment
from tests.support.smtp import NO_SUCH_USER
from tests.support.web import browser, unique_email

COORDINATOR_NOTE = "Our email to this address could not be delivered"
OFFICER_NOTE = "Our signing email to this address could not be delivered"


async def dashboard_once(person, *notes: str) -> str:
    for _ in range(100):  # the processes' emails are refused a moment after the submission
        page = (await person.get("/organization")).text
        if all(page.count(note) == 1 for note in notes):
            return page
        await asyncio.sleep(0.2)
    raise AssertionError(f"{notes} not each shown once: {page}")


async def test_the_administrator_sees_a_bounced_coordinator_and_officer_and_corrects_them(system):
    enrollment = await start_enrollment(system, ["Good Clinic"], submit=False)
    admin, org = enrollment.admin, f"/api/v1/organizations/{enrollment.org_id}"
    bad_coordinator = f"{NO_SUCH_USER}{uuid.uuid4().hex[:8]}@example.org"
    added = await admin.post(f"{org}/locations", json=location_body("Bounce Site",
                                                                    bad_coordinator))
    bounce_site = added.json()["id"]
    bad_ceo = f"{NO_SUCH_USER}ceo-{uuid.uuid4().hex[:8]}@example.org"
    assert (await admin.put(f"{org}/officers/ceo", json={
        "name": "Cy Officer", "title": "CEO", "email": bad_ceo})).status_code == 200
    assert (await admin.post(f"{org}/submit")).status_code == 200
    (good, good_site), = ((e, i) for e, i in enrollment.locations.items())
    person = browser(system)
    await person.login(enrollment.admin_email)
    page = await dashboard_once(person, COORDINATOR_NOTE)
    assert f"{bad_coordinator}: 550 5.1.1 No such user here" in page
    assert OFFICER_NOTE not in page, "no signing email yet"

    await complete_location(system, good, good_site)  # the officers are asked to sign
    await system.smtp.one(to=enrollment.cmo_email, subject="sign")
    page = await dashboard_once(person, COORDINATOR_NOTE, OFFICER_NOTE)
    assert f"{bad_ceo}: 550 5.1.1 No such user here" in page

    right = unique_email("coord-right")
    corrected = await admin.put(f"{org}/locations/{bounce_site}/coordinator", json={
        "coordinator_first_name": "Bo", "coordinator_last_name": "Site",
        "coordinator_email": right})
    assert corrected.status_code == 200, corrected.text
    await system.smtp.one(to=right, subject="Primary Vaccine Coordinator")
    right_ceo = unique_email("ceo-right")
    assert (await admin.put(f"{org}/officers/ceo", json={
        "name": "Cy Officer", "title": "CEO", "email": right_ceo})).status_code == 200
    await system.smtp.one(to=right_ceo, subject="sign")
    page = (await person.get("/organization")).text
    assert COORDINATOR_NOTE not in page and OFFICER_NOTE not in page, "corrected: gone"
