"""Help-desk people for tests: a registered requester (through the real flow) and agents."""

import re
from io import BytesIO

import httpx
from openpyxl import load_workbook

from api.domain.provider_import import template
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.system import System
from tests.support.web import CSRF, PASSWORD, api_client, unique_email


async def register_requester(system: System, code: str = "VAC2021") -> tuple[httpx.AsyncClient, str]:
    """Register, read the emailed username and temporary password, log in, change it."""
    email = unique_email("req")
    async with system.http() as http:
        done = await http.post("/api/v1/helpdesk/registrations", json={
            "first_name": "Rae", "last_name": "Requester", "email": email,
            "registration_code": code})
        assert done.status_code == 202, done.text
        mail = await system.smtp.one(to=email, subject="username and temporary password")
        username = re.search(r"Username: (\S+)", mail.text)[1]
        temporary = re.search(r"Temporary password: (\S+)", mail.text)[1]
        token = (await http.post("/api/v1/auth/token", json={
            "email": username, "password": temporary})).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        blocked = await http.get("/api/v1/helpdesk/cases", headers=headers)
        assert blocked.status_code == 403, "the temporary password must be changed first"
        changed = await http.post("/api/v1/account/password", headers=headers, json={
            "current_password": temporary, "password": PASSWORD, "password_confirm": PASSWORD})
        assert changed.status_code == 204
    return await api_client(system, email), email


async def agent(system: System, team: str, lead: bool = False) -> tuple[httpx.AsyncClient, int]:
    user = await make_user(system, Role.HELPDESK_LEAD if lead else Role.HELPDESK_AGENT,
                           team=team, first_name="Lee" if lead else "Ada")
    return await api_client(system, user.email), user.id


def provider_workbook(rows: list[tuple], location: str = "Big Hospital") -> bytes:
    """The downloadable template, filled in as a coordinator would."""
    return filled_workbook(template(location), rows)


def filled_workbook(template_file: bytes, rows: list[tuple], location: str | None = None) -> bytes:
    """A bulk-upload template with rows written under its header (and B1 set, if given)."""
    book = load_workbook(BytesIO(template_file))
    sheet = book.worksheets[0]
    if location is not None:
        sheet["B1"] = location
    for n, row in enumerate(rows, start=4):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=n, column=column, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def letters(n: int) -> str:
    """A number written in letters (a name takes no digits): 0 "a", 25 "z", 26 "ba"."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = chr(ord("a") + digit) + word
        if not n:
            return word


def good_rows(count: int) -> list[tuple]:
    types = ["MD", "DO", "NP", "PA", "RPh"]
    return [(f"First{letters(n)}", "A" if n % 2 else None, f"Last{letters(n)}", types[n % 5],
             f"LIC-{5000 + n}")
            for n in range(count)]


async def open_case(client: httpx.AsyncClient, category: str, subject: str,
                    description: str = "Please help.", location_id: int | None = None,
                    files: list | None = None,
                    related_case_id: int | None = None) -> httpx.Response:
    data = {"category": category, "subject": subject, "description": description}
    if location_id:
        data["location_id"] = str(location_id)
    if related_case_id:
        data["related_case_id"] = str(related_case_id)
    return await client.post("/api/v1/helpdesk/cases", data=data,
                             files=[("attachments", f) for f in files or []])


def raw_workbook(rows: int, location: str, broken_at: int | None = None) -> bytes:
    """A minimal .xlsx written directly (fast for 100,000 rows), its sheet's XML optionally
    cut off in the middle of row `broken_at` as a damaged file would be."""
    import zipfile

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    lines = [f'<row r="1">{cell("A1", "Location name")}{cell("B1", location)}</row>',
             '<row r="3">' + "".join(cell(f"{c}3", h) for c, h in zip(
                 "ABCDE", ["First Name", "Middle Initial", "Last Name", "License Type",
                           "License Number"], strict=True)) + "</row>"]
    for n in range(4, rows + 4):
        values = [f"First{letters(n)}", "A", f"Last{letters(n)}", "MD", f"LIC-{n}"]
        lines.append(f'<row r="{n}">' + "".join(
            cell(f"{c}{n}", v) for c, v in zip("ABCDE", values, strict=True)) + "</row>")
    sheet = "".join(lines)
    if broken_at is not None:
        sheet = sheet[:sheet.index(f'<row r="{broken_at}">') + 20] + "<c r=\"A"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/'
                        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet '
                            'name="Practicing Providers" sheetId="1" r:id="rId1"/></sheets>'
                            '</workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{sheet}'
                                    + ("" if broken_at else "</sheetData></worksheet>"),
    }
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def corrupted(workbook: bytes) -> bytes:
    """The same file with the second half of its sheet's compressed bytes destroyed, as a
    transfer cut short and padded would leave it (the zip's directory still intact)."""
    import zipfile

    info = zipfile.ZipFile(BytesIO(workbook)).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(workbook)
    half = info.compress_size // 2
    damaged[start + half:start + info.compress_size] = b"\0" * (info.compress_size - half)
    return bytes(damaged)


async def desk(system: System, team: str = "general") -> list[tuple]:
    """Two agents (Ada Agent1, Ada Agent2) and the team's lead (Lee Lead), each with their
    account and API client."""
    people = [await make_user(system, Role.HELPDESK_AGENT, team=team, first_name="Ada",
                              last_name=f"Agent{n}") for n in (1, 2)]
    people.append(await make_user(system, Role.HELPDESK_LEAD, team=team, first_name="Lee",
                                  last_name="Lead"))
    return [(user, await api_client(system, user.email)) for user in people]


async def refused_new_case_keeping(http: httpx.AsyncClient, filename: str, data: bytes,
                                   content_type: str = "application/pdf"
                                   ) -> tuple[httpx.Response, str]:
    """A signed-in requester's new-case form sent with no subject and a file: refused (400),
    the file kept with the form, attached to nothing yet. The refused page and its CSRF token."""
    form = await http.get("/help/cases/new")
    token = CSRF.search(form.text)[1]
    refused = await http.post("/help/cases/new", data={
        "csrf_token": token, "category": "other", "subject": "", "description": "Card",
        "action": "suggest"}, files={"attachments": (filename, data, content_type)})
    assert refused.status_code == 400, refused.status_code
    return refused, token
