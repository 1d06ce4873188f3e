"""Help desk on the dev server: registration, scope, the bulk upload that unblocks approval."""

import asyncio
import re

from sqlmodel import func, select

from models.enrollment import PracticingProvider
from models.enums import Role
from models.helpdesk import Case
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import (
    agent,
    good_rows,
    open_case,
    provider_workbook,
    register_requester,
)
from tests.support.review import decide, reviewer, sign_until
from tests.support.web import api_client, browser, unique_email

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_provider_pins_and_the_generic_code_register(system):
    # as a packing list prints it or someone reads it out: spaces and a hyphen are no part of it
    for code in ("NCA650001", "VAC2021", "NCA 650-001", " nca-650001 "):
        client, email = await register_requester(system, code)
        me = (await client.get("/api/v1/me")).json()
        assert me["role"] == "requester" and not me["must_change_password"]


async def test_malformed_codes_are_refused_with_the_expected_form(system):
    async with system.http() as http:
        for code in ("NCA65000", "XYZ650001", ""):
            refused = await http.post("/api/v1/helpdesk/registrations", json={
                "first_name": "Bad", "last_name": "Code", "email": unique_email("bad"),
                "registration_code": code})
            assert refused.status_code == 422, code
            message = refused.json()["errors"]["registration_code"]
            assert "NCA followed by six digits" in message and "VAC2021" in message
        # a name is letters, as everywhere people are named (it took markup and digits)
        named = await http.post("/api/v1/helpdesk/registrations", json={
            "first_name": "<b>Bad</b>", "last_name": "Code 7", "email": unique_email("bad"),
            "registration_code": "VAC2021"})
        assert named.status_code == 422 and {"first_name", "last_name"} <= set(
            named.json()["errors"]), named.text


async def test_cases_are_routed_and_people_see_only_what_they_should(system):
    requester, email = await register_requester(system)
    other, _ = await register_requester(system)
    created = await open_case(requester, "inventory", "Freezer alarm log")
    assert created.status_code == 201
    case = created.json()
    assert case["team"] == "inventory" and case["number"].startswith("CS")
    receipt = await system.smtp.one(to=email, subject=case["number"])
    assert "We received your case" in receipt.subject
    assert (await other.get(f"/api/v1/helpdesk/cases/{case['id']}")).status_code == 404
    assert (await other.get("/api/v1/helpdesk/cases")).json() == {
        "items": [], "total": 0, "page": 1, "pages": 1}
    staff, _ = await agent(system, "inventory")
    queue = (await staff.get("/api/v1/helpdesk/cases?team=inventory")).json()["items"]
    assert case["id"] in [c["id"] for c in queue]
    assert (await staff.get("/api/v1/review/queue")).status_code == 403
    assert (await staff.get("/api/v1/organizations/mine")).status_code == 403
    note = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/messages",
                            data={"body": "Internal: check the logger vendor", "internal": "true"})
    assert note.status_code == 201
    seen = (await requester.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()["messages"]
    assert all("Internal" not in m["body"] for m in seen)
    forged = await requester.post(f"/api/v1/helpdesk/cases/{case['id']}/messages",
                                  data={"body": "sneaky", "internal": "true"})
    assert forged.status_code == 403


async def test_a_bulk_upload_with_bad_rows_then_fixed_unblocks_approval(system):
    enrollment = await start_enrollment(system, ["Big Hospital"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    await sign_until(system, enrollment, [location_id])
    staff_review = await reviewer(system)
    assert (await decide(staff_review, location_id, "approve")).status_code == 422

    template = await coordinator.get("/api/v1/helpdesk/templates/practicing-providers.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    rows = good_rows(30)
    rows[4] = ("Bad", "XY", "Row", "MD", "LIC-9")  # row 8: middle initial too long
    rows[19] = ("Also", None, "Bad", "Nurse", "LIC-10")  # row 23: not a license type
    bad_file = ("providers.xlsx", provider_workbook(rows), XLSX)
    case = (await open_case(coordinator, "provider_bulk_upload", "Providers for Big Hospital",
                            location_id=location_id, files=[bad_file])).json()
    assert case["team"] == "bulk_uploads"
    staff, _ = await agent(system, "bulk_uploads")
    detail = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    first_file = detail["attachments"][0]["id"]
    body = {"attachment_id": first_file, "location_id": location_id}
    report = (await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/imports/check",
                               json=body)).json()
    assert report["valid_rows"] == 28
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (8, "Middle Initial"), (23, "License Type")]
    # A spreadsheet has no list to choose from: the allowed values are said ("Choose one of
    # the options." before, found by the outside check)
    assert report["errors"][1]["message"] == ("“Nurse” is not a license type: write MD, DO, NP, "
                                              "PA or RPh.")
    refused = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/imports", json=body)
    assert refused.status_code == 422 and "Nothing was imported" in refused.json()["detail"]
    assert await active_providers(system, location_id) == 0

    fixed = ("providers-fixed.xlsx", provider_workbook(good_rows(30)), XLSX)
    reply = await coordinator.post(f"/api/v1/helpdesk/cases/{case['id']}/messages",
                                   data={"body": "Corrected file attached."},
                                   files=[("attachments", fixed)])
    assert reply.status_code == 201
    detail = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    second_file = detail["attachments"][-1]["id"]
    done = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/imports",
                            json={"attachment_id": second_file, "location_id": location_id})
    assert done.status_code == 201 and done.json()["imported"] == 30
    again = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/imports",
                             json={"attachment_id": second_file, "location_id": location_id})
    assert again.status_code == 409
    # When and where, as the README promises (it said only "This file was already imported.")
    said = again.json()["errors"]["attachment_id"]
    assert said.startswith("This file was already imported into Big Hospital on ")
    assert f"(case {case['number']}, 30 rows). Nothing was imported again." in said
    assert await active_providers(system, location_id) == 30
    for _ in range(50):
        approved = await decide(staff_review, location_id, "approve")
        if approved.status_code == 200:
            break
        await asyncio.sleep(0.1)
    assert approved.json()["status"] == "approved"


async def active_providers(system, location_id: int) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(PracticingProvider).where(
            PracticingProvider.location_id == location_id, PracticingProvider.active))).one()


async def test_attachments_are_checked_by_content(system):
    requester, requester_email = await register_requester(system)
    renamed = ("photo.xlsx", b"this is plain text, not a workbook", XLSX)
    refused = await open_case(requester, "other", "Broken file", files=[renamed])
    assert refused.status_code == 422 and "attachments" in refused.json()["errors"]
    big = ("big.txt", b"x" * (11 * 1024 * 1024), "text/plain")
    both = await open_case(requester, "other", "Two bad files", files=[renamed, big])
    said = both.json()["errors"]["attachments"]
    assert "photo.xlsx: we accept" in said and "big.txt is 11.0 MB: files up to 10 MB" in said
    assert (await requester.get("/api/v1/helpdesk/cases")).json()["items"] == []
    misspelled = await requester.post("/api/v1/helpdesk/cases", data={
        "category": "other", "subject": "A file", "description": "See the file."},
        files=[("attachment", ("a.csv", b"a,b\n1,2\n", "text/csv"))])
    assert misspelled.status_code == 422
    assert list(misspelled.json()["errors"]) == ["attachment"]
    case = (await open_case(requester, "other", "A file", files=[
        ("a.csv", b"a,b\n1,2\n", "text/csv")])).json()
    extra = await requester.post(f"/api/v1/helpdesk/cases/{case['id']}/messages",
                                 data={"body": "hi", "urgent": "yes"})
    assert extra.status_code == 422 and "urgent" in extra.json()["errors"]
    attached = (await requester.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    assert [a["filename"] for a in attached["attachments"]] == ["a.csv"]
    receipt = await system.smtp.one(to=requester_email, subject=case["number"])
    said = "updated.\r\n\r\nAttached file: a.csv (open the case to see it).\r\n\r\nhttp"
    assert said in receipt.text, receipt.text
    assert "Attached file: a.csv" in receipt.html, "the receipt names what arrived"


async def test_a_file_just_over_the_limit_is_not_said_to_weigh_the_limit(system):
    """Found by the outside check: a file a few bytes over 10 MB was refused as "big.txt is
    10.0 MB: files up to 10 MB each are accepted", which reads as within the limit. Its size
    is now rounded up, so the number said is over the limit."""
    requester, _email = await register_requester(system)
    just_over = ("big.txt", b"x" * (10 * 1024 * 1024 + 1), "text/plain")
    refused = await open_case(requester, "other", "Just over", files=[just_over])
    said = refused.json()["errors"]["attachments"]
    assert refused.status_code == 422 and "big.txt is 10.1 MB: files up to 10 MB" in said, said


async def test_the_knowledge_base_is_written_by_agents_and_searched_by_all(system):
    staff, _ = await agent(system, "access")
    article = await staff.post("/api/v1/helpdesk/articles", json={
        "title": "Reset your CVMS password", "body": "Use Forgot password on the login page.",
        "category": "access"})
    assert article.status_code == 201
    requester, _ = await register_requester(system)
    assert (await requester.post("/api/v1/helpdesk/articles", json={
        "title": "Mine", "body": "x"})).status_code == 403
    async with system.http() as anonymous:
        found = (await anonymous.get("/api/v1/helpdesk/articles?q=forgot my password")).json()
    assert "Reset your CVMS password" in [a["title"] for a in found[:3]]


async def test_the_console_checks_and_imports_a_file_page_by_page(system):
    from tests.support.web import browser

    enrollment = await start_enrollment(system, ["Console Import Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    rows = good_rows(5)
    rows[1] = ("Bad", None, "Type", "Doctor", "LIC-1")
    case = (await open_case(coordinator, "provider_bulk_upload", "Five providers",
                            location_id=location_id,
                            files=[("p.xlsx", provider_workbook(rows, "Console Import Clinic"),
                                    XLSX)])).json()
    staff = await make_agent_user(system)
    person = browser(system)
    await person.login(staff)
    page_url = f"/helpdesk/cases/{case['id']}"
    detail = (await person.get(page_url)).text
    attachment = detail.split('name="attachment_id"')[1].split('<option value="')[2].split('"')[0]
    form = {"attachment_id": attachment, "location_id": str(location_id)}
    checked = await person.submit(page_url, form, action=f"{page_url}/check-import")
    assert "4 valid rows, 1 problem." in checked.text, "real plurals, not (s)"
    assert "Problems by row and column" in checked.text
    assert "<td data-label=\"Row\">5</td>" in checked.text and "License Type" in checked.text
    refused = await person.submit(page_url, form, action=f"{page_url}/import")
    assert refused.status_code == 422 and "Nothing was imported" in refused.text
    done = await person.submit(page_url, {**form, "valid_rows_only": "yes"},
                               action=f"{page_url}/import")
    assert "Imported 4 practicing providers." in done.text
    assert await active_providers(system, location_id) == 4
    # The import's message answered the requester: like a reply, it picked the case up (it
    # stayed "New" and "Nobody yet", found by the outside check).
    assert "Nobody yet" not in done.text and "Being worked on" in done.text


async def make_agent_user(system) -> str:
    from models.enums import Role
    from tests.support.accounts import make_user

    return (await make_user(system, Role.HELPDESK_AGENT, team="bulk_uploads")).email


async def test_a_recipient_asks_without_an_account(system):
    from tests.support.web import browser

    async with system.http() as http:
        missing = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Rosa Recipient", "question": "Where is my second dose?"})
        assert missing.status_code == 422 and "email" in missing.json()["errors"]
        # Said with every other problem at once, not only once the rest is right
        blank = await http.post("/api/v1/helpdesk/questions", json={"name": "", "question": ""})
        assert blank.status_code == 422
        assert set(blank.json()["errors"]) == {"name", "question", "email"}, blank.text
        assert "email address or a phone number" in blank.json()["errors"]["email"]
        by_phone = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Rosa Recipient", "phone": "(919) 555-0123",
            "question": "Where is my second dose?"})
        assert by_phone.status_code == 201 and by_phone.json()["team"] == "recipients"
    # The agent's page promised "Resolution notes (emailed to the requester)" to a phone number
    from models.enums import Role
    from tests.support.accounts import make_user
    desk = browser(system)
    await desk.login((await make_user(system, Role.HELPDESK_AGENT, team="recipients")).email)
    shown = (await desk.http.get(f"/helpdesk/cases/{by_phone.json()['id']}")).text
    await desk.http.aclose()
    assert "emailed to the requester" not in shown and "tell them by phone" in shown
    email = unique_email("recipient")
    person = browser(system)
    page = await person.submit("/help/ask", {
        "name": "Ray Recipient", "email": email, "phone": "",
        "question": "Can I get my proof of vaccination in Spanish?"})
    assert "Your case number is" in page.text and "/help/c/" in str(page.url)
    number = page.text.split("Your case number is <strong>")[1].split("<")[0]
    mail = await system.smtp.one(to=email, subject=f"We received your case {number}")
    assert mail.link("/help/c/") in str(page.url), "the page the question lands on is its own"
    reloaded = await person.http.get(str(page.url))
    assert reloaded.status_code == 200 and number in reloaded.text
    async with system.sessions() as session:
        asked = (await session.exec(select(Case).where(Case.requester_email == email))).all()
    assert len(asked) == 1, "reloading the page asked nothing again"


async def test_a_file_for_another_location_or_imported_before_is_refused(system):
    enrollment = await start_enrollment(system, ["Clinic Alpha", "Clinic Beta"])
    (email_a, alpha), (_email_b, beta) = enrollment.locations.items()
    coordinator = await complete_location(system, email_a, alpha, providers=0)
    staff, _ = await agent(system, "bulk_uploads")
    beta_file = ("beta.xlsx", provider_workbook(good_rows(3), "Clinic Beta"), XLSX)
    alpha_bytes = provider_workbook(good_rows(4), "Clinic Alpha")
    case = (await open_case(coordinator, "provider_bulk_upload", "Providers for Alpha",
                            location_id=alpha, files=[beta_file,
                                                      ("alpha.xlsx", alpha_bytes, XLSX)])).json()
    files = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()["attachments"]
    beta_id, alpha_id = files[0]["id"], files[1]["id"]
    url = f"/api/v1/helpdesk/cases/{case['id']}/imports"
    wrong = await staff.post(url, json={"attachment_id": beta_id, "location_id": beta})
    assert wrong.status_code == 422
    assert "This case is about Clinic Alpha" in wrong.json()["errors"]["location_id"]
    mismatch = await staff.post(url, json={"attachment_id": beta_id, "location_id": alpha})
    assert mismatch.status_code == 422 and "Clinic Beta" in mismatch.json()["detail"]
    done = await staff.post(url, json={"attachment_id": alpha_id, "location_id": alpha})
    assert done.status_code == 201 and done.json()["imported"] == 4

    again = (await open_case(coordinator, "provider_bulk_upload", "Alpha again",
                             location_id=alpha, files=[("copy.xlsx", alpha_bytes, XLSX)])).json()
    copy_id = (await staff.get(f"/api/v1/helpdesk/cases/{again['id']}")).json()[
        "attachments"][0]["id"]
    repeat = await staff.post(f"/api/v1/helpdesk/cases/{again['id']}/imports/check",
                              json={"attachment_id": copy_id, "location_id": alpha})
    assert repeat.status_code == 409
    assert "already imported into Clinic Alpha" in repeat.json()["detail"]
    assert case["number"] in repeat.json()["detail"]
    assert await active_providers(system, alpha) == 4


def test_usernames_spell_every_letter_of_a_name_in_plain_letters():
    from api.domain.helpdesk import username_base

    assert username_base("Åsa", "Lindqvist-Ørsted") == "alindqvistorsted"
    assert username_base("Thảo", "Nguyễn") == "tnguyen"
    assert username_base("Zoë", "O’Brien-Łukasz") == "zobrienlukasz"
    assert username_base("王", "小明") == "wangxiaoming"  # a syllable, not a letter
    assert username_base(" ", "!!!") == "user"


async def test_a_bulk_upload_case_carries_its_workbook(system):
    """SPEC 4: bulk-upload cases carry an Excel file, which the help desk imports; one sent
    without it (or with only a PDF) is refused on the attachments, saying what to attach
    (found by the outside check: it was accepted with nothing to import)."""
    requester, _email = await register_requester(system)
    subject = f"Our providers {unique_email('b')}"
    for category in ("provider_bulk_upload", "recipient_bulk_upload"):
        for files in ([], [("notes.pdf", b"%PDF-1.4 notes", "application/pdf")]):
            refused = await open_case(requester, category, subject, files=files)
            assert refused.status_code == 422, refused.text
            assert "Excel (.xlsx)" in refused.json()["errors"]["attachments"]
    workbook = ("providers.xlsx", provider_workbook(good_rows(2), "Clinic on Main"), XLSX)
    opened = await open_case(requester, "provider_bulk_upload", subject, files=[workbook])
    assert opened.status_code == 201, opened.text
    other = await open_case(requester, "other", f"No file needed {subject}")
    assert other.status_code == 201, other.text
    async with system.sessions() as session:
        made = (await session.exec(select(func.count()).select_from(Case).where(
            Case.subject == subject))).one()
    assert made == 1


async def test_providers_are_imported_only_for_a_location_the_requester_coordinates(system):
    """Found by the outside check: a requester tied to no location opened a provider bulk
    upload case without a location, its file naming someone else's clinic, and the agent's
    import put the rows into that clinic."""
    enrollment = await start_enrollment(system, ["Durham Outsider Clinic"])
    (email, durham), = enrollment.locations.items()
    coordinator = await complete_location(system, email, durham, providers=0)
    stranger, _ = await register_requester(system)
    staff, _ = await agent(system, "bulk_uploads")
    workbook = provider_workbook(good_rows(3), "Durham Outsider Clinic")
    case = (await open_case(stranger, "provider_bulk_upload", "Providers for Durham",
                            files=[("durham.xlsx", workbook, XLSX)])).json()
    file_id = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()[
        "attachments"][0]["id"]
    body = {"attachment_id": file_id, "location_id": durham}
    url = f"/api/v1/helpdesk/cases/{case['id']}/imports"
    checked = await staff.post(f"{url}/check", json=body)
    assert checked.status_code == 403, checked.text
    assert "not a coordinator of Durham Outsider Clinic" in checked.json()["errors"]["location_id"]
    refused = await staff.post(url, json={**body, "valid_rows_only": True})
    assert refused.status_code == 403, refused.text
    assert await active_providers(system, durham) == 0
    own = (await open_case(coordinator, "provider_bulk_upload", "Our providers",
                           files=[("ours.xlsx", workbook, XLSX)])).json()
    own_file = (await staff.get(f"/api/v1/helpdesk/cases/{own['id']}")).json()[
        "attachments"][0]["id"]
    done = await staff.post(f"/api/v1/helpdesk/cases/{own['id']}/imports",
                            json={"attachment_id": own_file, "location_id": durham})
    assert done.status_code == 201 and done.json()["imported"] == 3


async def test_attachment_names_are_cleaned_and_pictures_keep_their_kind(system):
    """Found by the outside check: a PNG named ../../etc/passwd.png was served as
    filename="../../etc/passwd.jpg", markup in a name was echoed as is, and every PNG became
    a .jpg."""
    from io import BytesIO

    from PIL import Image

    from models.helpdesk import CaseAttachment

    def picture(kind: str) -> bytes:
        out = BytesIO()
        Image.new("RGB", (20, 10), "olive").save(out, kind)
        return out.getvalue()

    requester, _ = await register_requester(system)
    case = (await open_case(requester, "other", "Odd names", files=[
        ("../../etc/passwd.png", picture("PNG"), "image/png"),
        ("<img src=x onerror=alert(1)>.png", picture("PNG"), "image/png"),
        ("photo.jpeg", picture("JPEG"), "image/jpeg"),
        ("Nguy\u1ec5n \u202enotes.pdf", b"%PDF-1.4 notes", "application/pdf")])).json()
    async with system.sessions() as session:
        files = (await session.exec(select(CaseAttachment).where(
            CaseAttachment.case_id == case["id"]).order_by(CaseAttachment.id))).all()
    assert [f.filename for f in files] == [
        "passwd.png", "img src=x onerror=alert(1).png", "photo.jpg", "Nguy\u1ec5n notes.pdf"]
    served = [await requester.get(f"/files/{f.file_id}") for f in files]
    assert [s.headers["content-type"] for s in served] == [
        "image/png", "image/png", "image/jpeg", "application/pdf"]
    assert served[0].content.startswith(b"\x89PNG")
    assert served[0].headers["content-disposition"] == (
        "inline; filename=\"passwd.png\"; filename*=UTF-8''passwd.png")
    assert served[3].headers["content-disposition"] == (
        "inline; filename=\"Nguyen notes.pdf\"; filename*=UTF-8''Nguy%E1%BB%85n%20notes.pdf")


async def test_a_files_name_ends_as_what_it_is(system):
    """Found by the outside check: pictures were renamed after their real kind, but a PDF sent
    as scan.png or vaccination-card.jpg was kept and served under that name (an image viewer
    opened it), and a workbook sent as report.pdf under .pdf. Only an extension is replaced:
    a name with a dot in its words keeps them."""
    from models.helpdesk import CaseAttachment

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    requester, _ = await register_requester(system)
    case = (await open_case(requester, "other", "Misnamed files", files=[
        ("scan.png", pdf, "image/png"), ("vaccination-card.jpg", pdf, "image/jpeg"),
        ("report.pdf", provider_workbook(good_rows(1)), "application/pdf"),
        ("Dr. Smith letter", pdf, "application/octet-stream"),
        ("notes.TXT", b"plain words", "text/plain")])).json()
    async with system.sessions() as session:
        files = (await session.exec(select(CaseAttachment).where(
            CaseAttachment.case_id == case["id"]).order_by(CaseAttachment.id))).all()
    assert [f.filename for f in files] == [
        "scan.pdf", "vaccination-card.pdf", "report.xlsx", "Dr. Smith letter.pdf", "notes.txt"]
    served = [await requester.get(f"/files/{f.file_id}") for f in files]
    assert [s.headers["content-type"].split(";")[0] for s in served] == [
        "application/pdf", "application/pdf", XLSX, "application/pdf", "text/plain"]
    assert served[0].headers["content-disposition"] == (
        "inline; filename=\"scan.pdf\"; filename*=UTF-8''scan.pdf")
    assert 'filename="report.xlsx"' in served[2].headers["content-disposition"]
    listed = (await requester.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    assert [a["filename"] for a in listed["attachments"]][:3] == [
        "scan.pdf", "vaccination-card.pdf", "report.xlsx"]


async def test_a_wide_screenshot_keeps_its_width(system):
    """Found by the outside check: a 2600 px screenshot came back 2000 px wide (the storage
    unit photos' bound), blurring its small text; a case's picture keeps up to 4096 px."""
    from io import BytesIO

    from PIL import Image

    def png(width: int, height: int) -> bytes:
        out = BytesIO()
        Image.new("RGB", (width, height), "white").save(out, "PNG")
        return out.getvalue()

    requester, _ = await register_requester(system)
    case = (await open_case(requester, "other", "A wide screenshot", files=[
        ("wide.png", png(2600, 1200), "image/png"), ("huge.png", png(5000, 1000), "image/png")])
    ).json()
    from models.helpdesk import CaseAttachment

    async with system.sessions() as session:
        files = (await session.exec(select(CaseAttachment).where(
            CaseAttachment.case_id == case["id"]).order_by(CaseAttachment.id))).all()
    served = [await requester.get(f"/files/{f.file_id}") for f in files]
    sizes = [Image.open(BytesIO(s.content)).size for s in served]
    assert sizes == [(2600, 1200), (4096, 819)], sizes


async def test_the_requester_is_told_which_rows_were_skipped(system):
    """Found by the outside check: the requester's email and page said only "8 row(s) with
    problems were skipped", not which rows nor why."""
    from models.helpdesk import CaseMessage

    enrollment = await start_enrollment(system, ["Skipped Rows Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    rows = good_rows(4)
    rows[1] = ("Bad", "XY", "Type", "Doctor", "LIC-1")  # row 5: two problems
    case = (await open_case(coordinator, "provider_bulk_upload", "Four providers",
                            location_id=location_id, files=[
                                ("p.xlsx", provider_workbook(rows, "Skipped Rows Clinic"),
                                 XLSX)])).json()
    staff, _ = await agent(system, "bulk_uploads")
    file_id = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()[
        "attachments"][0]["id"]
    done = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/imports", json={
        "attachment_id": file_id, "location_id": location_id, "valid_rows_only": True})
    assert done.status_code == 201 and done.json()["imported"] == 3
    async with system.sessions() as session:
        body = (await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case["id"]))).one()
    assert body.startswith("Imported 3 practicing providers into Skipped Rows Clinic. 1 row "
                           "with problems was skipped. Fix it and send it in a new file:\n")
    assert "\n- Row 5, Middle Initial: " in body and "\n- Row 5, License Type: " in body
    mail = await system.smtp.one(to=email, subject="updated")
    assert "- Row 5, License Type: " in mail.text


async def test_a_file_for_another_location_says_what_can_be_done(system):
    """Found by the outside check: on a case about one location, a file naming another was
    answered "Choose the location the file names", which is then refused."""
    enrollment = await start_enrollment(system, ["Raleigh Message Clinic", "Cary Message Clinic"])
    (email, raleigh), (_other, _cary) = enrollment.locations.items()
    coordinator = await complete_location(system, email, raleigh, providers=0)
    case = (await open_case(coordinator, "provider_bulk_upload", "Providers", location_id=raleigh,
                            files=[("cary.xlsx", provider_workbook(good_rows(2),
                                                                   "Cary Message Clinic"),
                                    XLSX)])).json()
    staff, _ = await agent(system, "bulk_uploads")
    file_id = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()[
        "attachments"][0]["id"]
    checked = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/imports/check",
                               json={"attachment_id": file_id, "location_id": raleigh})
    assert checked.status_code == 422
    said = checked.json()["errors"]["location_id"]
    assert "Choose the location the file names" not in said
    assert "ask the requester for the file for Raleigh Message Clinic, or to open a case for " \
           "“Cary Message Clinic”" in said


async def test_a_too_short_subject_says_how_long_it_must_be(system):
    """Found by the outside check: a subject of 1-2 characters was refused with "This field is
    required." (page and API)."""
    from tests.support.web import browser

    requester, email = await register_requester(system)
    short = await open_case(requester, "other", "ab")
    assert short.status_code == 422
    assert short.json()["errors"]["subject"] == "Use at least 3 characters."
    blank = await open_case(requester, "other", "")
    assert blank.json()["errors"]["subject"] == "This field is required."
    person = browser(system)
    await person.login(email)
    page = await person.submit("/help/cases/new", {"category": "other", "subject": "ab",
                                                   "description": "Hi", "action": "suggest"})
    assert page.status_code == 400 and "Use at least 3 characters." in page.text


async def test_suggested_articles_stay_after_a_refused_submit(system):
    """Found by the outside check: a bulk-upload case form first suggested two articles; after
    a refused "Submit the case" it showed "No matching articles"."""
    from tests.support.web import browser

    staff, _ = await agent(system, "general")
    title = f"Filling the provider template {unique_email('kb')}"
    written = await staff.post("/api/v1/helpdesk/articles", json={
        "title": title, "category": "provider_bulk_upload",
        "body": "Write the location in cell B1, one provider a row."})
    assert written.status_code == 201, written.text
    _requester, email = await register_requester(system)
    person = browser(system)
    await person.login(email)
    form = {"category": "provider_bulk_upload", "subject": "Filling the provider template",
            "description": "How do I fill the provider template?"}
    suggested = await person.submit("/help/cases/new", {**form, "action": "suggest"})
    assert title in suggested.text
    refused = await person.submit("/help/cases/new", {**form, "suggested": "1",
                                                      "action": "submit"})
    assert refused.status_code == 400 and "Excel (.xlsx)" in refused.text  # no workbook
    assert title in refused.text and "No matching articles" not in refused.text


async def article_written(system, title: str):
    """An agent signed in to the console (their browser) and the article they wrote there
    ("First words.", published)."""
    from models.helpdesk import Article

    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    person = browser(system)
    await person.login(staff.email)
    await person.submit("/helpdesk/kb", {"title": title, "body": "First words.",
                                         "category": "", "published": "yes"})
    async with system.sessions() as session:
        article = (await session.exec(select(Article).where(Article.title == title))).one()
    return person, article


async def test_an_agent_edits_and_unpublishes_an_article_from_the_console(system):
    """Found by the outside check: /helpdesk/kb only wrote new articles; changing or
    unpublishing one needed PUT /api/v1/helpdesk/articles/{id}."""
    from models.helpdesk import Article

    title = f"Old title {unique_email('art')}"
    person, article = await article_written(system, title)
    listing = await person.get("/helpdesk/kb")
    assert f'href="/helpdesk/kb/{article.id}"' in listing.text
    form = await person.get(f"/helpdesk/kb/{article.id}")
    assert "Edit an article" in form.text and "First words." in form.text
    assert f'name="article_id" value="{article.id}"' in form.text
    saved = await person.submit(f"/helpdesk/kb/{article.id}", {
        "article_id": str(article.id), "title": f"New {title}", "body": "Better words.",
        "category": ""}, action="/helpdesk/kb")  # "published" left unchecked: unpublished
    assert saved.status_code == 200 and f"“New {title}” is saved." in saved.text
    async with system.sessions() as session:
        changed = await session.get(Article, article.id)
    assert (changed.title, changed.body, changed.published) == (
        f"New {title}", "Better words.", False)
    async with system.http() as anonymous:
        assert (await anonymous.get(f"/help/articles/{article.id}")).status_code == 404


async def test_an_edit_form_sent_twice_is_saved_once_and_not_called_a_conflict(system):
    """An article's edit form carries the save it was opened on, so another agent's change
    made since is not overwritten unseen (tests/test_browser_kb_edited_meanwhile.py). The same
    form sent twice (a double click, or Back and Save) is not another agent's change: the
    second finds the article already reading as it would save it, and says it was saved."""
    from models.helpdesk import Article

    title = f"Edited twice {unique_email('art')}"
    person, article = await article_written(system, title)
    form = await person.get(f"/helpdesk/kb/{article.id}")
    opened_on = re.search(r'name="edited_from" value="([^"]+)"', form.text)[1]
    edit = {"article_id": str(article.id), "edited_from": opened_on, "title": title,
            "body": "Better words.", "category": "", "published": "yes"}
    first = await person.submit(f"/helpdesk/kb/{article.id}", edit, action="/helpdesk/kb")
    assert f"“{title}” is saved." in first.text
    again = await person.submit(f"/helpdesk/kb/{article.id}", edit, action="/helpdesk/kb")
    assert again.status_code == 200 and "already saved" in again.text, again.text[-2000:]
    stale = await person.submit(f"/helpdesk/kb/{article.id}", {**edit, "body": "Other words."},
                                action="/helpdesk/kb")  # the same old form, other words
    assert stale.status_code == 409 and "changed since you opened it" in stale.text
    await person.http.aclose()
    async with system.sessions() as session:
        assert (await session.get(Article, article.id)).body == "Better words."


async def test_the_import_form_chooses_the_cases_only_spreadsheet(system):
    """Found by the outside check: a bulk-upload case with one workbook opened its import form
    on "- Select -", the agent to pick the only file there was. The case's only spreadsheet is
    chosen already (a PDF beside it is no choice); with two, the agent picks."""
    requester, _email = await register_requester(system)
    workbook = ("providers.xlsx", provider_workbook(good_rows(2), "Clinic on Main"), XLSX)
    notes = ("notes.pdf", b"%PDF-1.4 notes", "application/pdf")
    case = (await open_case(requester, "provider_bulk_upload", f"One file {unique_email('o')}",
                            files=[notes, workbook])).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="bulk_uploads")
    person = browser(system)
    await person.login(staff.email)
    api = await api_client(system, staff.email)
    files = (await api.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()["attachments"]
    sheet = next(f["id"] for f in files if f["filename"] == "providers.xlsx")
    page = (await person.get(f"/helpdesk/cases/{case['id']}")).text
    assert re.search(rf'<option value="{sheet}" selected>providers.xlsx</option>', page), page
    assert len(re.findall(r"<option value=\"\d+\" selected>", page)) == 1

    again = ("providers-2.xlsx", provider_workbook(good_rows(3), "Clinic on Main"), XLSX)
    assert (await requester.post(f"/api/v1/helpdesk/cases/{case['id']}/messages",
                                 data={"body": "Another file."},
                                 files=[("attachments", again)])).status_code == 201
    page = (await person.get(f"/helpdesk/cases/{case['id']}")).text
    assert "providers-2.xlsx" in page
    assert not re.search(r'<option value="\d+" selected>providers', page)


async def test_the_choice_to_import_only_valid_rows_comes_before_the_import_button(system):
    """Found by the outside check: "Import only the valid rows" stood after the Import button,
    so reading (or tabbing) down the form an agent met the button before the choice that
    changes what it does. The choice now comes first."""
    requester, _email = await register_requester(system)
    workbook = ("providers.xlsx", provider_workbook(good_rows(2), "Clinic on Main"), XLSX)
    case = (await open_case(requester, "provider_bulk_upload", f"Order {unique_email('o')}",
                            files=[workbook])).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="bulk_uploads")
    person = browser(system)
    await person.login(staff.email)
    page = (await person.get(f"/helpdesk/cases/{case['id']}")).text
    form = page.split(f'action="/helpdesk/cases/{case["id"]}/check-import"')[1].split("</form>")[0]
    assert form.index('id="valid_rows_only"') < form.index(">Check the file<")
    assert form.index('id="valid_rows_only"') < form.index(">Import<")


async def test_a_new_article_saved_again_after_back_is_one_article(system):
    """Found by the outside check: an agent who saved a new article, went Back and pressed
    Save again (the form as it was) published it twice. The same article sent again by its
    author soon after is now recognised: one article, and the page says it was saved already."""
    from models.enums import Role
    from models.helpdesk import Article
    from tests.support.accounts import make_user
    from tests.support.web import browser

    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    person = browser(system)
    await person.login(staff.email)
    title = f"Twice {unique_email('art')}"
    form = {"title": title, "body": "The same words.", "category": "", "published": "yes"}
    first = await person.submit("/helpdesk/kb", form)
    assert f"“{title}” is saved." in first.text
    again = await person.submit("/helpdesk/kb", form)
    assert again.status_code == 200 and "already saved" in again.text, again.text[-2000:]
    async with system.sessions() as session:
        found = (await session.exec(select(Article).where(Article.title == title))).all()
    assert len(found) == 1
    other = await person.submit("/helpdesk/kb", {**form, "body": "Other words."})
    assert f"“{title}” is saved." in other.text, "a different article of that title is saved"
    await person.http.aclose()
    async with system.sessions() as session:  # the run's article list keeps titles unique
        for article in (await session.exec(select(Article).where(
                Article.title == title, Article.body == "Other words."))).all():
            await session.delete(article)
        await session.commit()
