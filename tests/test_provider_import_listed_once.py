"""A practicing provider is listed once, through the help desk's bulk import too (found by the
outside check of the help desk): two files of one location imported at the same instant both
listed the provider they share, and a license typed without its hyphen was imported beside the
same license listed with it (Section B refuses both)."""

import asyncio

from sqlmodel import select

from models.enrollment import PracticingProvider
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import open_case, provider_workbook
from tests.support.web import api_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACE = "Listed Once Clinic"


async def licenses(system, location_id: int) -> list[str]:
    async with system.sessions() as session:
        rows = await session.exec(select(PracticingProvider.license_number).where(
            PracticingProvider.location_id == location_id, PracticingProvider.active))
        return sorted(rows.all())


async def test_a_provider_shared_by_two_files_imported_at_once_is_listed_once(system):
    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    agent = await api_client(system, (await make_user(
        system, Role.HELPDESK_AGENT, team="bulk_uploads")).email)
    files = [provider_workbook([("Zed", None, "Shared", "MD", "LIC-7001"),
                                ("Amy", None, "Own", "MD", f"LIC-710{n}")], PLACE)
             for n in range(2)]
    case = (await open_case(coordinator, "provider_bulk_upload", "Two files",
                            location_id=location_id,
                            files=[(f"part{n}.xlsx", data, XLSX)
                                   for n, data in enumerate(files)])).json()
    detail = (await agent.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    url = f"/api/v1/helpdesk/cases/{case['id']}/imports"
    answers = await asyncio.gather(*[  # the agent's two tabs, one file each
        agent.post(url, json={"attachment_id": attachment["id"], "location_id": location_id,
                              "valid_rows_only": True})
        for attachment in detail["attachments"]])
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses in ([201, 201], [201, 409]), [a.text for a in answers]
    listed = await licenses(system, location_id)
    assert listed.count("LIC-7001") == 1, listed
    refused = [a for a in answers if a.status_code == 409]
    for answer in refused:  # the second, told why: nothing of it was imported
        assert "listed a moment ago" in answer.json()["detail"], answer.text
        assert "attachment_id" in answer.json()["errors"]


async def test_a_license_typed_without_its_hyphen_is_already_listed(system):
    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=1)
    agent = await api_client(system, (await make_user(
        system, Role.HELPDESK_AGENT, team="bulk_uploads")).email)
    (listed,) = await licenses(system, location_id)
    twin = listed.replace("-", "").lower()
    assert twin != listed
    case = (await open_case(coordinator, "provider_bulk_upload", "Providers",
                            location_id=location_id, files=[("p.xlsx", provider_workbook(
                                [("Ann", None, "Again", "MD", twin)], PLACE), XLSX)])).json()
    detail = (await agent.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    checked = await agent.post(f"/api/v1/helpdesk/cases/{case['id']}/imports/check", json={
        "attachment_id": detail["attachments"][0]["id"], "location_id": location_id})
    assert checked.status_code == 200, checked.text
    assert checked.json()["valid_rows"] == 0
    assert checked.json()["errors"][0]["message"] == "This provider is already listed."
