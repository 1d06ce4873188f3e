"""What the requester is told of rows already listed (found by the outside check of the help
desk): a corrected file sent again with the providers imported before was imported "only the
valid rows", and the case's email told the coordinator to "Fix it and send it in a new file:
Row 4, License Number: This provider is already listed", a row with nothing to fix, which
sent again would be skipped again. Such rows are now said to be listed already, with nothing
to send; only rows with problems are asked for again."""

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import open_case, provider_workbook
from tests.support.web import api_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACE = "Told Rows Clinic"


async def test_rows_already_listed_are_not_asked_for_again(system):
    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=1)
    agent = await api_client(system, (await make_user(
        system, Role.HELPDESK_AGENT, team="bulk_uploads")).email)
    rows = [("Ann", None, "Listed", "MD", "MD-1000"),  # Section B's provider (support)
            ("Bea", None, "New", "NP", "LIC-9901"),
            ("", None, "Nameless", "PA", "LIC-9902")]
    case = (await open_case(coordinator, "provider_bulk_upload", "Our providers",
                            location_id=location_id,
                            files=[("p.xlsx", provider_workbook(rows, PLACE), XLSX)])).json()
    url = f"/api/v1/helpdesk/cases/{case['id']}"
    attachment = (await agent.get(url)).json()["attachments"][0]["id"]
    done = await agent.post(f"{url}/imports", json={
        "attachment_id": attachment, "location_id": location_id, "valid_rows_only": True})
    assert done.status_code == 201, done.text
    assert done.json()["imported"] == 1

    said = (await system.smtp.one(to=email, subject=f"Case {case['number']} updated")).text
    assert "Row 4" not in said.split("Fix it")[-1], said  # not asked for again
    assert "already lists" in said and "row 4" in said, said
    assert "- Row 6, First Name" in said, said
