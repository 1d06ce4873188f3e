"""The location a case is about, shown to the agent (found by the outside check of the help
desk): a coordinator's inventory case about their location (the form's "Location (if it is
about one)") reached the agent's page without it, so the agent had to ask which site; only a
bulk-upload case's import form named it."""

import re

from api.domain import sites
from models.enrollment import Location
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import open_case
from tests.support.web import browser

PLACE = "Located Case Clinic"


async def test_the_agent_sees_the_location_the_case_is_about(system):
    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    about = await open_case(coordinator, "inventory", "Doses missing from our shipment",
                            location_id=location_id)
    elsewhere = await open_case(coordinator, "inventory", "A general question")
    assert about.status_code == elsewhere.status_code == 201, (about.text, elsewhere.text)
    async with system.sessions() as session:
        label = sites.label(await session.get(Location, location_id))
    agent = await make_user(system, Role.HELPDESK_AGENT, team="inventory")
    person = browser(system)
    await person.login(agent.email)

    page = (await person.get(f"/helpdesk/cases/{about.json()['id']}")).text
    shown = re.search(r"<dt>Location</dt><dd>([^<]*)</dd>", page)
    assert shown is not None, "the case page does not name the case's location"
    assert shown[1] == label
    page = (await person.get(f"/helpdesk/cases/{elsewhere.json()['id']}")).text
    assert "<dt>Location</dt>" not in page
    await person.http.aclose()


async def test_the_requester_sees_the_location_their_case_is_about(system):
    """The requester's own case page did not name the location they chose either."""
    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    about = (await open_case(coordinator, "inventory", "Doses missing",
                             location_id=location_id)).json()
    page = (await coordinator.get(f"/help/cases/{about['id']}")).text
    assert f"Vaccine inventory &middot; {PLACE}</p>" in page, page
