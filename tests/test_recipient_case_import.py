"""More than 5,000 recipients: refused at upload with the help-desk link; the Location Manager
sends the file in a Recipient bulk upload case, and an agent checks it and imports it from the
case in parts of at most 5,000 rows, each part an upload run by the same import process; the
file imports once, and the requester follows the parts among their uploads."""

from api.domain.case_imports import XLSX_TYPE
from models.recipient_rules import MAX_ROWS
from tests.support.helpdesk import agent, open_case
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx
from tests.test_recipient_upload import finished, invitations, people

TOTAL = MAX_ROWS + 212


def people_list(t: str) -> list[list[str]]:
    """TOTAL people, every 100th with an email address (invitations are not what this shows),
    and two bad rows."""
    found = rows(TOTAL, t, {7: {2: "13/45/1980"}, 5100: {3: "919-555"}}, email=False)
    for n in range(0, TOTAL, 100):
        found[n][4] = f"r{n}.{t.lower()}@example.org"
    return found


async def test_an_agent_imports_a_list_over_5000_from_the_case_in_parts(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    data = xlsx(people_list(t))
    refused = await upload(http, manager, data)
    assert refused.status_code == 413 and "help desk" in refused.json()["detail"]
    case = await open_case(http, "recipient_bulk_upload", "Recipient bulk upload of more than "
                           "5,000 rows", location_id=manager.location_id,
                           files=[("everyone.xlsx", data, XLSX_TYPE)])
    assert case.status_code == 201, case.text
    case = case.json()
    staff, _ = await agent(system, "recipients")
    detail = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    body = {"attachment_id": detail["attachments"][0]["id"], "location_id": manager.location_id}
    url = f"/api/v1/helpdesk/cases/{case['id']}/recipients"

    from models.enums import Role
    from tests.support.accounts import make_user
    from tests.support.web import browser
    desk = browser(system)
    await desk.login((await make_user(system, Role.HELPDESK_AGENT, team="recipients")).email)
    page_url = f"/helpdesk/cases/{case['id']}"
    assert "Import recipients" in (await desk.get(page_url)).text
    checked = await desk.submit(page_url, {"attachment_id": str(body["attachment_id"]),
                                           "location_id": str(manager.location_id)},
                                action=f"{page_url}/check-import")
    assert f"{TOTAL - 2:,} valid rows, 2 problems" in checked.text, checked.text[-3000:]
    report = (await staff.post(f"{url}/check", json=body)).json()
    assert report["valid_rows"] == TOTAL - 2
    assert sorted((e["row"], e["column"]) for e in report["errors"]) == [
        (9, "Date of Birth"), (5102, "Phone")], "rows numbered as in the file"
    assert (await http.post(f"{url}/check", json=body)).status_code == 403, "agents only"
    elsewhere = await location_manager(system)
    wrong = await staff.post(url, json={**body, "location_id": elsewhere.location_id})
    assert wrong.status_code == 422 and "location_id" in wrong.json()["errors"]
    whole = await staff.post(url, json=body)
    assert whole.status_code == 422 and "Nothing was imported" in whole.json()["detail"]
    assert await people(system, f"Quill{t}") == 0

    done = await staff.post(url, json={**body, "valid_rows_only": True})
    assert done.status_code == 201, done.text
    assert done.json()["imported"] == TOTAL - 2
    assert (await staff.post(url, json={**body, "valid_rows_only": True})).status_code == 409

    case_now = (await http.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    said = case_now["messages"][-1]["body"]
    assert "in 2 parts of at most" in said, said
    part_ids = [int(p.split("/")[-1].rstrip(".,")) for p in said.split() if
                "/recipients/uploads/" in p]
    assert len(part_ids) == 2
    parts = [await finished(http, part, timeout=300) for part in part_ids]
    assert [p["total_rows"] for p in parts] == [MAX_ROWS, TOTAL - MAX_ROWS]
    assert sum(p["new_recipients"] for p in parts) == TOTAL - 2
    assert all(p["status"] == "done" for p in parts), parts
    assert await people(system, f"Quill{t}") == TOTAL - 2
    emailed = sorted(f"r{n}.{t.lower()}@example.org" for n in range(0, TOTAL, 100)
                     if n != 5100)  # its row is one of the two with problems
    await system.smtp.wait_for(subject="Register for your COVID-19 vaccination",
                               count=len(emailed))
    assert sorted(m.to[0] for m in invitations(system, t)) == emailed
    page = await http.get("/recipients")
    assert "everyone (part 1 of 2).xlsx" in page.text and "everyone (part 2 of 2).xlsx" in page.text


async def test_a_csv_list_too_large_to_upload_is_sent_to_the_help_desk_as_it_is(system):
    """Found by the outside check: the upload page takes a CSV list, and one over 5,000 rows
    is refused with "Open a help-desk case and attach the file", but the case form then refused
    that CSV file ("Attach the filled-in bulk upload template, an Excel (.xlsx) file"), though
    the agent's import reads CSV. A Recipient bulk upload case now takes the CSV list, and the
    agent checks it from the case."""
    from tests.support.recipients import csv_file

    manager = await location_manager(system)
    http = await manager_api(system, manager)
    data = csv_file(people_list(tag()))
    refused = await upload(http, manager, data, name="everyone.csv")
    assert refused.status_code == 413 and "help desk" in refused.json()["detail"]
    case = await open_case(http, "recipient_bulk_upload", "More than 5,000 recipients",
                           location_id=manager.location_id,
                           files=[("everyone.csv", data, "text/csv")])
    assert case.status_code == 201, case.text
    staff, _ = await agent(system, "recipients")
    detail = (await staff.get(f"/api/v1/helpdesk/cases/{case.json()['id']}")).json()
    report = await staff.post(f"/api/v1/helpdesk/cases/{case.json()['id']}/recipients/check",
                              json={"attachment_id": detail["attachments"][0]["id"],
                                    "location_id": manager.location_id})
    assert report.status_code == 200 and report.json()["valid_rows"] == TOTAL - 2, report.text
    pictures_only = await open_case(http, "recipient_bulk_upload", "A photo of the list",
                                    location_id=manager.location_id,
                                    files=[("list.pdf", b"%PDF-1.4 list", "application/pdf")])
    assert pictures_only.status_code == 422
    assert "CSV" in pictures_only.json()["errors"]["attachments"]
    await http.aclose()


async def test_the_import_form_chooses_the_cases_only_csv_list(system):
    """With the CSV list allowed on a Recipient bulk upload case, the agent's import form
    chooses it as it chooses a case's only workbook (it opened on "- Select -")."""
    import re

    from models.enums import Role
    from tests.support.accounts import make_user
    from tests.support.recipients import csv_file
    from tests.support.web import browser

    manager = await location_manager(system)
    http = await manager_api(system, manager)
    case = await open_case(http, "recipient_bulk_upload", "Our list",
                           location_id=manager.location_id,
                           files=[("notes.pdf", b"%PDF-1.4 notes", "application/pdf"),
                                  ("everyone.csv", csv_file(rows(3, tag())), "text/csv")])
    await http.aclose()
    assert case.status_code == 201, case.text
    desk = browser(system)
    await desk.login((await make_user(system, Role.HELPDESK_AGENT, team="recipients")).email)
    page = (await desk.get(f"/helpdesk/cases/{case.json()['id']}")).text
    assert re.search(r'<option value="\d+" selected>everyone.csv</option>', page), page[-4000:]
    await desk.http.aclose()
