"""A coordinator's invitation sent to the address of an account that cannot complete Section
B (a Healthcare Provider of another site, state staff): the password "added the location",
used the link, said "Welcome! You are the vaccine coordinator" and then "You cannot open this
page"; the location waited on a coordinator who could never act (found by the outside check).
Now the invitation says why it cannot be accepted with that account and what to do, and the
link stays unused for the address corrected."""

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import start_enrollment
from tests.support.review import wait_for_status
from tests.support.web import PASSWORD, browser, unique_email
from tests.test_invitations import token_of


async def test_a_provider_account_cannot_take_a_coordinators_invitation(system):
    provider = await make_user(system, Role.PROVIDER, email=unique_email("provider"))
    enrollment = await start_enrollment(system, ["Elsewhere Clinic"])
    (email, location_id), = enrollment.locations.items()
    await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    corrected = await enrollment.admin.put(
        f"/api/v1/organizations/{enrollment.org_id}/locations/{location_id}/coordinator",
        json={"coordinator_first_name": "Pat", "coordinator_last_name": "Provider",
              "coordinator_email": provider.email})
    assert corrected.status_code == 200, corrected.text
    mail = await system.smtp.one(to=provider.email, subject="Primary Vaccine Coordinator")
    token = token_of(mail)

    async with system.http() as http:
        api = await http.post(f"/api/v1/invitations/{token}/accept", json={"password": PASSWORD})
    assert api.status_code == 409, api.text
    assert "Healthcare Provider" in api.json()["detail"]

    person = browser(system)
    page = await person.submit(f"/invite/{token}", {"action": "existing", "password": PASSWORD})
    said = " ".join(page.text.replace("&#39;", "'").split())
    assert page.status_code == 409, said[said.find("<main"):][:2000]
    assert "You are the vaccine coordinator" not in said
    assert "Healthcare Provider" in said and "Organization Administrator" in said, said[:3000]
    # the link was not used: it still opens for the person
    again = await person.get(f"/invite/{token}")
    assert again.status_code == 200 and "Add Elsewhere Clinic to your account" in again.text
    await wait_for_status(system, location_id, "new")
