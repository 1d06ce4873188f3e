"""SPEC §7: the state's view of every organization and location says whom each one waits on.
A location of an organization whose administrator has not submitted Section A yet showed "Not
started", waiting on "-": the state's staff, who help organizations enroll, could not tell that
its coordinator was not even invited yet, and that the administrator was the one to act."""

from models.enrollment_enums import WAITING_REGISTRATION, WAITING_SECTION_A
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import start_enrollment
from tests.support.recipients import tag
from tests.support.web import api_client


async def test_a_location_before_section_a_is_submitted_waits_on_its_administrator(system):
    word = tag()
    draft = await start_enrollment(system, [f"Draft {word} Site"], submit=False)
    submitted = await start_enrollment(system, [f"Sent {word} Site"])
    staff = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    page = (await staff.get("/state/locations", params={"q": f"Draft {word}"})).text
    assert f"Draft {word} Site" in page
    assert WAITING_SECTION_A in page
    sheet = (await staff.get("/state/locations.csv", params={"q": f"Draft {word}"})).text
    assert WAITING_SECTION_A in sheet

    # once submitted, the location's own process says whom it waits on, as before
    assert (await draft.admin.post(f"/api/v1/organizations/{draft.org_id}/submit")
            ).status_code == 200
    for name in (f"Draft {word}", f"Sent {word}"):
        page = (await staff.get("/state/locations", params={"q": name})).text
        assert WAITING_SECTION_A not in page
    listed = (await staff.get("/state/locations", params={"q": f"Sent {word}"})).text
    assert WAITING_REGISTRATION in listed, submitted.locations


async def test_the_review_page_offers_no_signed_agreement_before_anyone_signs(system):
    """The state's page of such a location offered "Download the signed agreement (PDF)", a
    PDF titled a signed agreement that nobody had signed ("No signatures yet.")."""
    word = tag()
    draft = await start_enrollment(system, [f"Unsigned {word} Site"], submit=False)
    location_id = next(iter(draft.locations.values()))
    staff = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    page = (await staff.get(f"/review/locations/{location_id}")).text
    assert "Download the signed agreement" not in page
    assert "Nobody has signed its agreement yet" in page
