"""An import on a resolved case (found by the outside check of the help desk): the case page
still offered "Import" once the case was resolved, and the import changed the location's
practicing providers and emailed the requester "Case … updated: Imported …" about a case that
stayed resolved, while an agent's reply there is refused. Now refused as the reply is, naming
who resolved it, on the file's field; reopened, the case imports."""

from sqlmodel import func, select

from models.enrollment import PracticingProvider
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import open_case, provider_workbook
from tests.support.web import api_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACE = "Resolved Import Clinic"


async def providers(system, location_id: int) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(PracticingProvider).where(
            PracticingProvider.location_id == location_id))).one()


async def test_an_import_on_a_resolved_case_is_refused_until_it_is_reopened(system):
    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    agent = await api_client(system, (await make_user(
        system, Role.HELPDESK_AGENT, team="bulk_uploads")).email)
    case = (await open_case(coordinator, "provider_bulk_upload", "Our providers",
                            location_id=location_id, files=[("p.xlsx", provider_workbook(
                                [("Ann", None, "Late", "MD", "LIC-8801")], PLACE), XLSX)])).json()
    url = f"/api/v1/helpdesk/cases/{case['id']}"
    attachment = (await agent.get(url)).json()["attachments"][0]["id"]
    assert (await agent.post(f"{url}/resolve", json={"notes": "Answered."})).status_code == 200

    body = {"attachment_id": attachment, "location_id": location_id}
    refused = await agent.post(f"{url}/imports", json=body)
    assert refused.status_code == 409, refused.text
    assert "You resolved this case" in refused.json()["errors"]["attachment_id"]
    assert await providers(system, location_id) == 0
    assert (await agent.get(url)).json()["case"]["status"] == "resolved"

    reopened = await agent.post(f"{url}/reopen", json={"body": "The file is to be imported."})
    assert reopened.status_code == 200, reopened.text
    done = await agent.post(f"{url}/imports", json=body)
    assert done.status_code == 201, done.text
    assert await providers(system, location_id) == 1
