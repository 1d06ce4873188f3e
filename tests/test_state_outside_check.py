"""What an outside check of the state program's screens found, as the state's staff use them."""

import csv
import io
import uuid

from api.domain.state_lists import pin
from models.audit import AuditEvent
from models.enrollment import Location, Organization
from models.enrollment_enums import LocationStatus, OrganizationStatus
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import browser


def cells(response) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_the_audit_logs_csv_names_a_location_by_its_pin_and_name(system):
    """The audit log's page names a location "Eastgate Clinic (NCA650412)"; its CSV said
    "location", "412": the location's row id, a number nobody is told and no search finds.
    The CSV's record number is now the Provider PIN, and a column names the record as the page
    does."""
    marker = f"au{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER, first_name="Rita")
    async with system.sessions() as session:
        org = Organization(legal_name=f"{marker} Health", admin_user_id=staff.id,
                           status=OrganizationStatus.SUBMITTED)
        session.add(org)
        await session.flush()
        site = Location(organization_id=org.id, name=f"{marker} Eastgate Clinic",
                        street="1 Main St", city="Raleigh", state="NC", zip_code="27601",
                        coordinator_first_name="C", coordinator_last_name="Q",
                        coordinator_email=f"c@{marker}.org", status=LocationStatus.IN_PROGRESS)
        session.add(site)
        await session.flush()
        session.add(AuditEvent(subject_type="location", subject_id=site.id,
                               action="status:in_progress", actor="system"))
        await session.commit()
    person = browser(system)
    await person.login(staff.email)
    page = await person.get(f"/state/audit?q={pin(site.id)}")
    assert f"{marker} Eastgate Clinic ({pin(site.id)})" in page.text
    rows = cells(await person.get(f"/state/audit.csv?q={pin(site.id)}"))
    assert rows[0] == ["When", "Record", "Record number", "Record name", "What", "Who"]
    assert [row[1:5] for row in rows[1:]] == [
        ["location", pin(site.id), f"{marker} Eastgate Clinic ({pin(site.id)})",
         "Status: Section B in progress"]]
