"""A name mistyped in a bulk upload, corrected at the point of care before the person has
registered: the page offered "Correct their legal name or date of birth" and refused every
correction with four "This field is required." that named no field (the questionnaire the
person had not answered yet was checked with the name). The name and birth date are now
checked alone, and the person's registration form shows the corrected name."""

from sqlmodel import select

from models.recipient_rules import recipient_path
from models.recipients import Recipient
from tests.support.care import vaccinating_site
from tests.support.recipients import person, tag, upload, xlsx


async def test_an_invited_persons_name_is_corrected_before_they_register(system):
    site = await vaccinating_site(system)
    line = person(7, tag())
    line[0] = "Rowna"  # the typo: Rowan
    answer = await upload(site.manager, site, xlsx([line]))
    assert answer.status_code == 201, answer.text
    async with system.sessions() as session:
        invited = (await session.exec(select(Recipient).where(
            Recipient.last_name == line[1]))).one()
    assert invited.registered_at is None
    here = f"/care/{site.location_id}/recipients/{invited.id}"
    assert f'action="{here}/identity"' in (await site.manager.get(here)).text
    done = await site.manager.post(f"{here}/identity", data={
        "first_name": "Rowan", "last_name": line[1], "date_of_birth": "1953-08-08"})
    assert done.status_code == 303, " ".join(done.text.split())[:600]
    async with system.sessions() as session:
        fixed = await session.get(Recipient, invited.id)
        assert (fixed.first_name, fixed.first_key, str(fixed.date_of_birth)) == (
            "Rowan", "rowan", "1953-08-08")
        assert fixed.registered_at is None and fixed.answers == {}
    link = recipient_path(system.settings.secret_key.get_secret_value(), invited.id)
    async with system.http() as visitor:
        form = await visitor.get(link)
    assert form.status_code == 200 and 'value="Rowan"' in form.text
