"""An organization's point of contact uploads its employees: validated from the emailed link,
they upload for the location that registered the organization, the employer's name fills the
blank Employer cells, each new person is invited once - and they see their own uploads only,
never the location's list of people or another uploader's file."""

import html
import re

from sqlmodel import select

from models.recipients import Recipient
from tests.support.recipients import (
    csv_file,
    finished,
    location_manager,
    manager_api,
    rows,
    tag,
    upload,
)
from tests.support.web import PASSWORD, api_client, browser, unique_email
from tests.test_recipient_upload import invitations

VALIDATION = "Validate your access to the CVMS Organization Portal"


async def point_of_contact(system, manager_http, name: str) -> tuple[dict, str]:
    """The manager registers an organization and its contact; the contact validates."""
    employer = await manager_http.post("/api/v1/employers", json={
        "name": name, "industry": "Grocery and retail", "street": "1 Main St",
        "city": "Raleigh", "state": "North Carolina", "zip_code": "27601"})
    assert employer.status_code == 201, employer.text
    _id, email = await point_of_contact_of(system, manager_http, employer.json()["id"])
    return employer.json(), email


async def test_a_point_of_contact_uploads_employees_and_sees_only_their_own(system):
    manager = await location_manager(system)
    manager_http = await manager_api(system, manager)
    t = tag()
    employer, email = await point_of_contact(system, manager_http, f"Grocers {t}")
    contact = await api_client(system, email)

    portal = await contact.get("/org-portal")
    assert 'href="/recipients"' in portal.text, "the organization portal links to the upload"
    answer = await upload(contact, manager, csv_file(rows(6, t)), name="staff.csv")
    assert answer.status_code == 201, answer.text
    done = await finished(contact, answer.json()["id"])
    assert done["new_recipients"] == 6 and done["invited"] == 6, done
    await system.smtp.wait_for(subject="Register for your COVID-19 vaccination", count=6)
    assert sorted(m.to[0] for m in invitations(system, t)) == sorted(
        f"r{n}.{t.lower()}@example.org" for n in range(6))
    async with system.sessions() as session:
        stored = (await session.exec(select(Recipient).where(
            Recipient.last_name == f"Quill{t}").order_by(Recipient.id))).all()
    assert {r.location_id for r in stored} == {manager.location_id}
    assert [r.employer for r in stored] == [
        f"Grocers {t}" if n % 3 == 0 else "Acme Mills" for n in range(6)], \
        "a blank Employer cell is the uploading organization"

    page = await contact.get("/recipients")
    assert page.status_code == 200 and "staff.csv" in page.text
    assert "People invited and registered" not in page.text, "not the location's list"
    assert "Quill" not in page.text

    theirs = await upload(manager_http, manager, csv_file(rows(2, tag())), name="mine.csv")
    assert theirs.status_code == 201, theirs.text
    theirs = theirs.json()
    assert (await contact.get(f"/api/v1/recipient-uploads/{theirs['id']}")).status_code == 404
    assert (await contact.get(f"/recipients/uploads/{theirs['id']}")).status_code == 404
    assert (await manager_http.get(f"/recipients/uploads/{answer.json()['id']}")).status_code \
        == 200, "the location's managers see what a contact uploaded for it"
    listed = await contact.get(f"/api/v1/locations/{manager.location_id}/recipients")
    assert listed.status_code == 403
    assert (await contact.get(f"/recipients/people/{stored[0].id}")).status_code == 403

    elsewhere = await location_manager(system)
    refused = await upload(contact, elsewhere, csv_file(rows(1, tag())), name="x.csv")
    assert refused.status_code == 404, refused.text
    assert "location" in refused.json()["detail"]


async def test_a_contact_of_an_organization_with_no_location_is_told_why(system):
    from models.enums import Role
    from tests.support.accounts import make_user

    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    created = await state.post("/api/v1/employers", json={
        "name": f"Unlinked {tag()}", "industry": "Grocery and retail", "street": "1 Main St",
        "city": "Raleigh", "state": "North Carolina", "zip_code": "27601"})
    assert created.status_code == 201, created.text
    _employer, email = await point_of_contact_of(system, state, created.json()["id"])
    contact = await api_client(system, email)
    assert "not linked to a vaccinating location" in (await contact.get("/org-portal")).text
    page = await contact.get("/recipients")
    assert page.status_code == 404 and "not linked to a vaccinating location" in page.text


async def point_of_contact_of(system, staff_http, employer_id: int) -> tuple[int, str]:
    email = unique_email("poc")
    added = await staff_http.post(f"/api/v1/employers/{employer_id}/contacts", json={
        "first_name": "Uma", "last_name": "Contact", "email": email, "phone": "919-555-0101"})
    assert added.status_code == 201, added.text
    mail = await system.smtp.one(to=email, subject=VALIDATION)
    token = mail.link("/org-contact/validate/").rsplit("/", 1)[1]
    async with system.http() as http:
        validated = await http.post(f"/api/v1/org-contacts/validate/{token}",
                                    json={"password": PASSWORD, "password_confirm": PASSWORD})
    assert validated.status_code == 204, validated.text
    return employer_id, email


async def test_the_welcome_email_says_the_employee_upload_is_there_now(system):
    """The upload exists from the start: the welcome says what the contact can do now (not
    'soon'), with the link to the Organization Portal, where it is."""
    manager = await location_manager(system)
    _employer, email = await point_of_contact(system, await manager_api(system, manager),
                                              f"Grocers {tag()}")
    welcome = await system.smtp.one(to=email, subject="Welcome to the CVMS Organization Portal")
    for text in (welcome.text, welcome.html):
        assert "soon" not in text
        assert "upload your eligible employees" in " ".join(text.split())
    portal = welcome.link("/login")
    assert portal.endswith("/login?next=/org-portal"), portal
    signed_in = await browser(system).submit("/login?next=/org-portal", {
        "email": email, "password": PASSWORD, "next": "/org-portal"}, action="/login")
    assert str(signed_in.url).endswith("/org-portal") and "Upload your employees" in \
        signed_in.text


async def test_a_refused_file_of_a_point_of_contact_is_named_on_the_upload_page(system):
    """An empty file or one that is no spreadsheet, sent from the Organization Portal's upload
    page, comes back on that page with the reason next to the file input (it answered "Something
    went wrong", a 500, for every refused file of a point of contact)."""
    manager = await location_manager(system)
    _employer, email = await point_of_contact(system, await manager_api(system, manager),
                                              f"Grocers {tag()}")
    person = browser(system)
    await person.login(email)
    for name, data, said in (("empty.csv", b"", "is empty (0 bytes)"),
                             ("broken.xlsx", b"PK\x03\x04garbage" * 50, "not an Excel workbook")):
        page = await person.submit("/recipients", {
            "location_id": str(manager.location_id), "valid_rows_only": "false"},
            action="/recipients/uploads", files={"file": (name, data)})
        assert page.status_code in (400, 422), (name, page.status_code, page.text[-400:])
        assert said in page.text and 'id="file-error"' in page.text, name
        assert "Employee bulk upload" in page.text, "the contact's own upload page"
        # its title names it as its heading does (an accessibility check: it said "Recipients")
        assert re.search(r"<title>Error: Employee bulk upload: Grocers [^<]*\|", page.text), \
            re.search(r"<title>[^<]*", page.text)[0]
    staff = browser(system)
    await staff.login(manager.email)
    listed = await staff.get("/recipients")
    assert f"<title>Recipients of {manager.location_name} |" in html.unescape(listed.text)


async def test_the_organization_portal_shows_the_address_as_written_and_who_corrects_it(system):
    """The address read "1 Main St Raleigh, North Carolina 27601", and the page offered only
    "Confirm these details", with no word on what to do when one is wrong."""
    manager = await location_manager(system)
    _employer, email = await point_of_contact(system, await manager_api(system, manager),
                                              f"Grocers {tag()}")
    contact = await api_client(system, email)
    portal = (await contact.get("/org-portal")).text
    assert "1 Main St, Raleigh, North Carolina 27601" in portal
    assert "If anything is wrong, do not confirm" in portal
    assert "Healthcare Location Manager of " in portal


async def test_details_changed_after_the_contact_confirmed_them_are_said_to_need_confirming(
        system):
    """A manager's edit quietly took the contact's confirmation back: the manager was told only
    "Saved."."""
    manager = await location_manager(system)
    manager_http = await manager_api(system, manager)
    employer, email = await point_of_contact(system, manager_http, f"Grocers {tag()}")
    contact = await api_client(system, email)
    assert (await contact.post("/api/v1/org-portal/confirm")).status_code == 200
    page = browser(system)
    await page.login(manager.email)
    record = f"/portal/organizations/{employer['id']}"
    saved = await page.submit(record, {**{k: employer[k] for k in (
        "name", "industry", "street", "city", "state", "zip_code")}, "street": "2 Main St"})
    assert "the Organization Portal now asks them to confirm these" in saved.text
    assert "Confirm these details" in (await contact.get("/org-portal")).text


async def test_blank_employer_and_industry_cells_are_the_organizations_own(system):
    """Found by the outside check: a point of contact's file with the Employer and Industry
    columns left blank (their own employees) filled in the organization's name, then refused
    every row: "Industry: Choose an industry from the list." The organization's industry, known
    since it was created, now fills a blank Industry cell of its own employees' rows; a row
    naming another employer still needs its industry."""
    manager = await location_manager(system)
    t = tag()
    _employer, email = await point_of_contact(system, await manager_api(system, manager),
                                              f"Grocers {t}")
    contact = await api_client(system, email)
    own, other = {9: "", 10: ""}, {9: "Acme Mills", 10: ""}
    answer = await upload(contact, manager, csv_file(rows(3, t, bad={0: own, 1: own, 2: other})),
                          name="staff.csv", valid_rows_only=True)
    assert answer.status_code == 201, answer.text
    assert [(e["row"], e["column"]) for e in answer.json()["row_errors"]] == [(4, "Industry")]
    done = await finished(contact, answer.json()["id"])
    assert done["new_recipients"] == 2, done
    async with system.sessions() as session:
        stored = (await session.exec(select(Recipient).where(
            Recipient.last_name == f"Quill{t}").order_by(Recipient.id))).all()
    assert [(r.employer, r.industry) for r in stored] == [(f"Grocers {t}", "grocery_retail")] * 2
    page = await contact.get("/recipients")
    assert "Where the Employer and Industry columns are left blank, we fill in" in page.text


async def test_a_second_point_of_contact_reads_who_confirmed_the_details(system):
    """Found by the outside check: with two points of contact, the one who had not confirmed
    read "You confirmed these details on ..." - the other had. The page names who did."""
    manager = await location_manager(system)
    manager_http = await manager_api(system, manager)
    employer, first = await point_of_contact(system, manager_http, f"Grocers {tag()}")
    _id, second = await point_of_contact_of(system, manager_http, employer["id"])
    assert (await (await api_client(system, first)).post(
        "/api/v1/org-portal/confirm")).status_code == 200
    theirs = (await (await api_client(system, second)).get("/org-portal")).text
    assert "You confirmed" not in theirs
    assert "Uma Contact, a point of contact of Grocers" in theirs and "confirmed these details on" in theirs
    mine = (await (await api_client(system, first)).get("/org-portal")).text
    assert "You confirmed these details on" in mine
