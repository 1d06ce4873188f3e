"""The practicing-provider import through the API (found by the outside check of the help
desk): it imported from a case of any category, and a case's import naming another case's
file answered with that other case's import history."""

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import open_case, raw_workbook
from tests.support.web import api_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACE = "Case Kind Clinic"


async def test_providers_are_imported_only_from_a_provider_bulk_upload_case(system):
    """An inventory case carrying a providers' workbook was imported as the location's
    practicing providers by `POST .../imports` (the page offers no import on such a case, the
    portal-user and recipient imports refuse it): the providers changed from a case the bulk
    uploads team never saw. Now refused (409) naming the category, nothing imported."""
    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    agent = await make_user(system, Role.HELPDESK_AGENT, team="inventory")
    staff = await api_client(system, agent.email)
    cases = {}
    for category, rows in (("inventory", 4), ("provider_bulk_upload", 3)):
        case = (await open_case(coordinator, category, "Our providers", location_id=location_id,
                                files=[("providers.xlsx", raw_workbook(rows, PLACE), XLSX)]))
        assert case.status_code == 201, case.text
        detail = (await staff.get(f"/api/v1/helpdesk/cases/{case.json()['id']}")).json()
        cases[category] = (detail["case"]["id"], detail["attachments"][0]["id"])

    case_id, attachment_id = cases["inventory"]
    body = {"attachment_id": attachment_id, "location_id": location_id}
    for action in ("imports/check", "imports"):
        refused = await staff.post(f"/api/v1/helpdesk/cases/{case_id}/{action}", json=body)
        assert refused.status_code == 409, (action, refused.text)
        assert "Practicing provider bulk upload case" in refused.json()["detail"]
    async with system.sessions() as session:
        from sqlmodel import func, select

        from models.enrollment import PracticingProvider
        count = (await session.exec(select(func.count()).select_from(PracticingProvider).where(
            PracticingProvider.location_id == location_id))).one()
    assert count == 0

    # The bulk-upload case's file imports; named from another case afterwards, it is not that
    # case's file (and nothing of the first import is told there)
    bulk_id, bulk_file = cases["provider_bulk_upload"]
    done = await staff.post(f"/api/v1/helpdesk/cases/{bulk_id}/imports", json={
        "attachment_id": bulk_file, "location_id": location_id})
    assert done.status_code == 201, done.text
    other = (await open_case(coordinator, "provider_bulk_upload", "More providers",
                             location_id=location_id,
                             files=[("more.xlsx", raw_workbook(2, PLACE), XLSX)])).json()
    elsewhere = await staff.post(f"/api/v1/helpdesk/cases/{other['id']}/imports", json={
        "attachment_id": bulk_file, "location_id": location_id})
    assert elsewhere.status_code == 422, elsewhere.text
    assert elsewhere.json()["errors"] == {"attachment_id": "Choose a file attached to this case."}
