"""The help desk in a real browser: register, open a case (with suggestions), an agent answers."""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.helpdesk import good_rows, open_case, provider_workbook, register_requester
from tests.support.inventory import enrolled_sites
from tests.support.review import reviewer
from tests.support.web import PASSWORD, api_client, unique_email
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_register_open_a_case_and_get_an_answer(page, system):
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access", first_name="Ada")
    writer = await api_client(system, staff.email)
    await writer.post("/api/v1/helpdesk/articles", json={
        "title": "Locked out after three attempts", "category": "access",
        "body": "Wait 30 minutes, then sign in again or reset your password."})
    email = unique_email("bhd")
    await page.goto("/help/register")
    await assert_accessible(page)
    await page.get_by_label("First name").fill("Pia")
    await page.get_by_label("Last name").fill("Provider")
    await page.get_by_label("Business email address").fill(email)
    await page.get_by_label("Registration code").fill("NCA65000")
    await page.get_by_role("button", name="Register").click()
    await expect(page.locator("#registration_code-error")).to_contain_text("NCA followed by six")
    await assert_accessible(page)
    await page.get_by_label("Registration code").fill("NCA650001")
    await page.get_by_role("button", name="Register").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await assert_accessible(page)
    mail = await system.smtp.one(to=email, subject="username and temporary password")
    username = re.search(r"Username: (\S+)", mail.text)[1]
    temporary = re.search(r"Temporary password: (\S+)", mail.text)[1]
    await page.goto("/login")
    await assert_accessible(page)
    await page.get_by_label("Email address or username").fill(username)
    await page.get_by_label("Password").fill(temporary)
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_label("Current (or temporary) password").fill(temporary)
    await page.locator("#password").fill(PASSWORD)
    await page.get_by_label("Type the new password again").fill(PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await expect(page.get_by_role("status")).to_contain_text("password has been changed")
    await assert_accessible(page)

    await page.goto("/help/cases/new")
    await assert_accessible(page)
    await page.get_by_label("What is it about?").select_option("access")
    await page.get_by_label("Subject").fill("Locked out of my account")
    await page.get_by_label("Describe the problem").fill("Three attempts and I am locked out.")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("link", name="Locked out after three attempts")).to_be_visible()
    await expect(page.get_by_label("Subject")).to_have_value("Locked out of my account")
    await assert_accessible(page)
    await page.get_by_role("button", name="Submit the case").click()
    await expect(page.get_by_role("status")).to_contain_text("is open")
    await assert_accessible(page)
    number = (await page.get_by_role("heading", level=1).inner_text()).split(":")[0]

    await page.context.clear_cookies()
    await log_in(page, staff.email)
    await page.goto("/helpdesk?team=access")
    await assert_accessible(page)
    await page.get_by_role("link", name=number).click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Take this case").click()
    await expect(page.get_by_role("status")).to_contain_text("assigned")
    await assert_accessible(page)
    await page.get_by_label("Resolution notes").fill("Unlocked your account; sign in again.")
    await page.get_by_role("button", name="Resolve").click()
    await expect(page.get_by_role("status")).to_contain_text("resolved")
    await assert_accessible(page)
    resolved = await system.smtp.one(to=email, subject=f"Case {number} resolved")
    assert "Unlocked your account" in resolved.text


async def test_files_attached_before_the_suggestions_arrive_and_so_do_replies(page, system):
    staff = await make_user(system, Role.HELPDESK_AGENT, team="bulk_uploads", first_name="Ada")
    writer = await api_client(system, staff.email)
    await writer.post("/api/v1/helpdesk/articles", json={
        "title": "Sending the practicing provider file", "category": "provider_bulk_upload",
        "body": "Attach the filled-in template to a bulk upload case."})
    _client, email = await register_requester(system)
    workbook = provider_workbook(good_rows(3), "Clinic on Main")
    reply_file = provider_workbook(good_rows(7), "Clinic on Main")
    more = provider_workbook(good_rows(5), "Clinic on Main")
    await log_in(page, email)
    await page.goto("/help/cases/new")
    await page.get_by_label("What is it about?").select_option("provider_bulk_upload")
    await page.get_by_label("Subject").fill("Practicing provider file for Clinic on Main")
    await page.get_by_label("Describe the problem").fill("Here is our provider file.")
    await page.locator("input#attachments").set_input_files(files=[{
        "name": "providers.xlsx", "mimeType": XLSX, "buffer": workbook}])
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("link", name="Sending the practicing provider file")) \
        .to_be_visible()
    await expect(page.get_by_text("Already attached")).to_be_visible()
    await expect(page.get_by_role("listitem").filter(has_text="providers.xlsx")).to_be_visible()
    await assert_accessible(page)
    # ...and one more attached after seeing the suggestions: both arrive.
    await page.locator("input#attachments").set_input_files(files=[{
        "name": "providers-more.xlsx", "mimeType": XLSX, "buffer": more}])
    await page.get_by_role("button", name="Submit the case").click()
    await expect(page.get_by_role("status")).to_contain_text("is open")
    await expect(page.get_by_role("link", name="providers.xlsx")).to_be_visible()
    number = (await page.get_by_role("heading", level=1).inner_text()).split(":")[0]
    await page.get_by_label("Your reply").fill("And the corrected file.")
    await page.locator("input#attachments").set_input_files(files=[{
        "name": "providers-v2.xlsx", "mimeType": XLSX, "buffer": reply_file}])
    await page.get_by_role("button", name="Send reply").click()
    await expect(page.get_by_role("status")).to_contain_text("reply was sent")
    await assert_accessible(page)

    await page.context.clear_cookies()
    await log_in(page, staff.email)
    await page.goto("/helpdesk?team=bulk_uploads")
    await page.get_by_role("link", name=number).click()
    for name, sent in (("providers.xlsx", workbook), ("providers-more.xlsx", more),
                       ("providers-v2.xlsx", reply_file)):
        href = await page.get_by_role("link", name=name, exact=True).get_attribute("href")
        downloaded = await page.request.get(href)
        assert downloaded.ok and await downloaded.body() == sent, name
    await assert_accessible(page)


async def test_a_temporary_password_leads_to_the_change_page_then_to_the_form(page, system):
    user = await make_user(system, Role.REQUESTER, must_change_password=True)
    await log_in(page, user.email)
    await expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    await page.goto("/help")
    await page.get_by_role("link", name="Open a case", exact=True).click()
    await expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert page.url.endswith("/account/password?next=%2Fhelp%2Fcases%2Fnew")
    await assert_accessible(page)
    await page.get_by_label("Current (or temporary) password").fill(PASSWORD)
    await page.locator("#password").fill("A-brand-new-pass-9")
    await page.get_by_label("Type the new password again").fill("A-brand-new-pass-9")
    await page.get_by_role("button", name="Change password").click()
    await expect(page.get_by_role("heading", name="Open a help-desk case")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("password has been changed")
    assert page.url.endswith("/help/cases/new")


async def test_the_state_view_and_the_console_filters_are_accessible(page, system):
    staff = await make_user(system, Role.REVIEWER)
    await log_in(page, staff.email)
    await page.goto("/state/locations")
    await page.get_by_label("Search: organization or location name").fill("nothing-matches-this")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_text("No locations match “nothing-matches-this”.")).to_be_visible()
    assert "q=nothing-matches-this" in page.url
    await assert_accessible(page)
    for path in ("/state/audit", "/review", "/state/transfers"):
        await page.goto(path)
        await assert_accessible(page)
    lead = await make_user(system, Role.HELPDESK_LEAD, team="general")
    await page.context.clear_cookies()
    await log_in(page, lead.email)
    await page.goto("/helpdesk?team=all&status=all&sort=newest")
    await page.get_by_label("Status").select_option("awaiting_requester")
    await page.get_by_role("button", name="Show cases").click()
    assert "status=awaiting_requester" in page.url and "sort=newest" in page.url
    await assert_accessible(page)


async def test_after_logging_out_back_does_not_show_the_case(page, system):
    """On a shared computer the next person presses Back: the browser kept nothing of the case
    (pages and files answer `Cache-Control: no-store`), so it asks again and meets the login."""
    requester, email = await register_requester(system)
    png = BytesIO()
    Image.new("RGB", (40, 20), "navy").save(png, "PNG")
    created = await requester.post("/api/v1/helpdesk/cases", data={
        "category": "other", "subject": "Private matter", "description": "Only mine to read"},
        files={"attachments": ("scan.png", png.getvalue(), "image/png")})
    assert created.status_code == 201, created.text
    case = created.json()
    await log_in(page, email)
    shown = await page.goto(f"/help/cases/{case['id']}")
    assert shown.headers["cache-control"] == "no-store"
    await expect(page.get_by_text("Only mine to read")).to_be_visible()
    link = page.get_by_role("link", name=re.compile(r"scan\.png"))
    file_url = await link.get_attribute("href")
    download = await page.request.get(file_url)
    assert download.headers["content-type"] == "image/png"
    assert download.headers["cache-control"] == "private, no-store"
    assert 'filename="scan.png"' in download.headers["content-disposition"], \
        "a picture kept as a PNG (re-encoded, bare) is named as one"
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("status")).to_contain_text("You have logged out.")
    await page.go_back()
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await expect(page.get_by_text("Only mine to read")).to_have_count(0)


async def test_the_console_shows_which_team_is_open_and_keeps_tab_words_whole(page, system):
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await log_in(page, agent.email)
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.goto("/helpdesk?team=all")
    tabs = page.locator(".usa-button-group a.usa-button")
    current = page.locator('.usa-button-group a[aria-current="page"]')
    await expect(current).to_have_text("All teams")
    fills = await tabs.evaluate_all("tabs => tabs.map(t => getComputedStyle(t).backgroundColor)")
    mine = await current.evaluate("t => getComputedStyle(t).backgroundColor")
    assert fills.count(mine) == 1, f"the open team's tab looks like the others: {fills}"
    # Each word of each tab on one line (the tabs may wrap between words when crowded).
    broken = await tabs.evaluate_all("""tabs => tabs.flatMap(tab => {
        const text = tab.firstChild, out = [];
        for (const m of text.data.matchAll(/\\S+/g)) {
            const r = document.createRange();
            r.setStart(text, m.index); r.setEnd(text, m.index + m[0].length);
            if (r.getClientRects().length > 1) out.push(m[0]);
        }
        return out; })""")
    assert not broken, f"words broken across lines: {broken}"
    await assert_accessible(page)


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (30, 20), "teal").save(out, "PNG")
    return out.getvalue()


async def test_a_refused_file_does_not_drop_the_good_ones_beside_it(page, system):
    """Found by the outside check: two pictures and an empty PDF chosen together, the PDF
    refused and the pictures silently gone; a reply's good workbook likewise."""
    _requester, email = await register_requester(system)
    await log_in(page, email)
    await page.goto("/help/cases/new")
    await page.get_by_label("What is it about?").select_option("other")
    await page.get_by_label("Subject").fill("My card photos")
    await page.get_by_label("Describe the problem").fill("Front and back of the card.")
    await page.locator("#attachments").set_input_files([
        {"name": "card.png", "mimeType": "image/png", "buffer": _png()},
        {"name": "back.png", "mimeType": "image/png", "buffer": _png()},
        {"name": "empty.pdf", "mimeType": "application/pdf", "buffer": b""}])
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator("#attachments-error")).to_contain_text("empty.pdf is empty")
    # The file field itself says why (a screen reader reads the error on reaching it).
    await expect(page.locator("input#attachments")).to_have_accessible_description(
        re.compile("empty.pdf is empty"))
    kept = page.locator('ul[aria-labelledby="kept-files-label"] li')
    await expect(kept).to_have_count(2)
    await expect(kept.first).to_contain_text("card")
    await assert_accessible(page)
    await page.get_by_role("button", name="Submit the case").click()
    await expect(page.get_by_role("status")).to_contain_text("is open")
    await expect(page.get_by_role("link", name=re.compile(r"^card\."))).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(r"^back\."))).to_be_visible()

    await page.get_by_label("Your reply").fill("And the provider list.")
    workbook = provider_workbook(good_rows(2), "Any Clinic")
    await page.locator("#attachments").set_input_files([
        {"name": "list.xlsx", "mimeType": XLSX, "buffer": workbook},
        {"name": "notes.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90"}])
    await page.get_by_role("button", name="Send reply").click()
    await expect(page.locator("#attachments-error")).to_contain_text("notes.exe")
    await expect(page.locator("input#attachments")).to_have_accessible_description(
        re.compile("notes.exe"))
    kept = page.locator('ul[aria-labelledby="kept-files-label"] li')
    await expect(kept).to_have_count(1)  # each kept file with its "Remove" box
    await expect(kept).to_contain_text("list.xlsx")
    await expect(page.get_by_role("checkbox", name="Remove list.xlsx")).not_to_be_checked()
    await expect(page.get_by_label("Your reply")).to_have_value("And the provider list.")
    await page.get_by_role("button", name="Send reply").click()
    await expect(page.get_by_role("status")).to_contain_text("reply was sent")
    await expect(page.get_by_role("link", name="list.xlsx")).to_be_visible()


async def _messages(system, case_id: int, kind: str) -> list[str]:
    from sqlmodel import select

    from models.helpdesk import CaseMessage

    async with system.sessions() as session:
        return list((await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case_id, CaseMessage.author_kind == kind))).all())


async def _send_back_and_again(page, button: str, done: str) -> None:
    """Send the form, go Back to it (the browser fetches the page again and restores what was
    typed), and send it again, as the outside check did."""
    await page.get_by_role("button", name=button).click()
    await expect(page.get_by_role("status")).to_contain_text(done)
    await page.go_back()
    await page.get_by_role("button", name=button).click()
    await expect(page.get_by_role("status")).to_contain_text("already sent")


async def test_back_then_send_again_asks_and_replies_once(page, system):
    """Found by the outside check: the public question, a reply from the personal link, a
    provider's reply and an agent's, each sent again after Back, acted twice (two cases, two
    messages, two emails)."""
    from sqlmodel import select

    from models.helpdesk import Case

    email = unique_email("twice")
    await page.goto("/help/ask")
    await page.get_by_label("Your name").fill("Tess Twice")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Your question").fill("Where do I get my card?")
    await page.get_by_role("button", name="Send my question").click()
    await expect(page).to_have_url(re.compile(r"/help/c/\d+/"))
    link = page.url.split("?")[0]
    await page.go_back()
    await expect(page.get_by_label("Your question")).to_have_value("Where do I get my card?")
    await page.get_by_role("button", name="Send my question").click()
    await expect(page).to_have_url(re.compile(r"/help/c/\d+/"))
    assert page.url.split("?")[0] == link, "led to the question the first send asked"
    async with system.sessions() as session:
        asked = (await session.exec(select(Case).where(Case.requester_email == email))).all()
    assert len(asked) == 1, "one question, not two"
    public_case = asked[0].id
    await page.get_by_label("Your reply").fill("It is the white card.")
    await _send_back_and_again(page, "Send reply", "sent to the help desk")
    assert await _messages(system, public_case, "requester") == ["It is the white card."]
    await system.smtp.one(to=email, subject="received")
    assert len(system.smtp.find(to=email, subject="received")) == 1

    requester, requester_email = await register_requester(system)
    case = (await requester.post("/api/v1/helpdesk/cases", data={
        "category": "other", "subject": "Twice over", "description": "Once, please."})).json()
    await log_in(page, requester_email)
    await page.goto(f"/help/cases/{case['id']}")
    await page.get_by_label("Your reply").fill("More detail.")
    await _send_back_and_again(page, "Send reply", "reply was sent")
    assert await _messages(system, case["id"], "requester") == ["More detail."]

    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await page.context.clear_cookies()
    await log_in(page, staff.email)
    await page.goto(f"/helpdesk/cases/{case['id']}")
    await page.get_by_label("Message").fill("Here is the answer.")
    await _send_back_and_again(page, "Reply to the requester", "reply was sent")
    assert await _messages(system, case["id"], "agent") == ["Here is the answer."]


@pytest.mark.once  # layout and accessibility: the SQLite pass only
async def test_the_console_search_box_is_a_whole_box(page, system):
    """Found by the outside check: the search box looked cut off at 1280 and 390 px wide (USWDS
    search styling, its right border removed for a button that was not there)."""
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await log_in(page, agent.email)
    for width, height in ((1280, 800), (390, 844)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.goto("/helpdesk?team=all")
        box = page.locator("input[name=q]")
        borders = await box.evaluate("""b => { const s = getComputedStyle(b);
            return [s.borderLeftWidth, s.borderRightWidth, s.borderLeftStyle,
                    s.borderRightStyle]; }""")
        assert borders[0] == borders[1] and borders[2] == borders[3], (width, borders)
    await assert_accessible(page)


@pytest.mark.once  # layout and accessibility: the SQLite pass only
async def test_the_knowledge_base_edit_form_is_accessible(page, system):
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    writer = await api_client(system, agent.email)
    made = await writer.post("/api/v1/helpdesk/articles", json={
        "title": "Printing a vaccination card", "body": "Use the card page.", "published": False})
    await log_in(page, agent.email)
    await page.goto("/helpdesk/kb")
    await assert_accessible(page)
    await page.locator(f'a[href="/helpdesk/kb/{made.json()["id"]}"]').click()
    await expect(page.get_by_role("heading", name="Edit an article")).to_be_visible()
    await expect(page.get_by_label("Published")).not_to_be_checked()
    await assert_accessible(page)


async def test_a_refused_add_location_leaves_the_import_forms_location_as_it_was(page, system):
    """The case's two forms share the field name location_id: after "Add the location" was
    refused, the import form's Location (a site search box) showed the location's bare id,
    "2", instead of the site's name."""
    sites = await enrolled_sites(system, ["Shared Field Clinic"], False, await reviewer(system))
    (location_id,) = sites.ids
    case = (await open_case(sites.staff[location_id], "user_onboarding", "Add Sam",
                            location_id=location_id)).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access")
    await log_in(page, staff.email)
    await page.goto(f"/helpdesk/cases/{case['id']}")
    site = page.locator("form[action$='/check-import']").get_by_label("Location")
    before = await site.input_value()
    assert "Shared Field Clinic" in before
    form = page.locator("form[action$='/add-location']")
    await form.get_by_label("Email address of their CVMS account").fill("nobody@example.org")
    await form.get_by_role("button", name="Add the location").click()
    await expect(page.locator("#grant-email-error")).to_be_visible()
    await expect(site).to_have_value(before)
    await assert_accessible(page)
