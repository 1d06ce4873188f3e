"""A recipient list holding addresses the mail server refuses for good ("550 no such user"): the
upload still finishes (it asked for those invitations for ever before, and a refusal noted once
would have left it "inviting" and asking again), says how many were not delivered, and the
staff's list and each person's record say whose, until the address is corrected."""

import asyncio

from sqlmodel import select

from models.recipients import Recipient
from tests.support.recipients import (
    finished,
    location_manager,
    manager_api,
    rows,
    tag,
    upload,
    xlsx,
)
from tests.support.smtp import NO_SUCH_USER
from tests.support.web import browser

EMAIL = 4  # the row's column


async def test_an_upload_with_refused_addresses_finishes_and_names_them(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    gone = {n: f"{NO_SUCH_USER}{n}.{t.lower()}@example.org" for n in (1, 3)}
    answer = await upload(http, manager, xlsx(rows(5, t, bad={
        n: {EMAIL: address} for n, address in gone.items()})))
    assert answer.status_code == 201, answer.text
    done = await finished(http, answer.json()["id"], timeout=60)
    assert (done["status"], done["invited"], done["to_invite"], done["undelivered"]) == \
        ("done", 3, 5, 2), done
    for n in (0, 2, 4):
        await system.smtp.one(to=f"r{n}.{t.lower()}@example.org")

    listed = (await http.get(f"/api/v1/locations/{manager.location_id}/recipients",
                             params={"q": f"Quill{t}"})).json()["items"]
    assert sorted(i["first_name"] for i in listed if i["invitation_undelivered"]) == \
        sorted(row[0] for n, row in enumerate(rows(5, t)) if n in gone)

    person = browser(system)
    await person.login(manager.email)
    result = (await person.get(f"/recipients/uploads/{done['id']}")).text
    assert "2 invitations not delivered: the mail server refused the address." in result
    listed = (await person.get(f"/recipients?location_id={manager.location_id}&q=Quill{t}"))
    assert listed.text.count("Invitation not delivered: check their email address") == 2
    assert listed.text.count("Invitation being sent") == 0
    async with system.sessions() as session:
        refused = (await session.exec(select(Recipient).where(
            Recipient.email == gone[1]))).one()
    record = (await person.get(f"/recipients/people/{refused.id}")).text
    assert f"Not delivered: the mail server refused {gone[1]}" in record
    assert "550 5.1.1 No such user here" in record
    # corrected to another address the mail server refuses: said again, not "invited"
    also_gone = f"{NO_SUCH_USER}again.{t.lower()}@example.org"
    await person.submit(f"/recipients/people/{refused.id}/contact",
                        {"email": also_gone, "phone": "919-555-0100"})
    for _ in range(50):
        record = (await person.get(f"/recipients/people/{refused.id}")).text
        if f"the mail server refused {also_gone}" in record:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # the email's process has finished with it: still not "invited"
    record = (await person.get(f"/recipients/people/{refused.id}")).text
    assert f"Not delivered: the mail server refused {also_gone}" in record, record[record.find("<dt>Invited"):][:400]
    # corrected: the invitation goes to the new address, the note goes
    right = f"fixed.{t.lower()}@example.org"
    corrected = await person.submit(f"/recipients/people/{refused.id}/contact",
                                    {"email": right, "phone": "919-555-0100"})
    assert corrected.status_code == 200, corrected.text[:300]
    assert f"We emailed an invitation with a new link to {right}" in corrected.text
    assert "Not delivered" not in corrected.text
    await system.smtp.one(to=right, subject="Register")
