"""The error summary names fields as people see them, in page order, and is the only alert."""

import html
import re

from api.domain.section_b_view import change_rows
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import start_enrollment
from tests.support.helpdesk import register_requester
from tests.support.web import browser, unique_email

SUMMARY = re.compile(r'<div class="usa-alert usa-alert--error" id="error-summary".*?</ul>', re.S)


async def test_the_summary_lists_visible_labels_in_page_order_linked_to_fields(system):
    person = browser(system)
    page = await person.submit("/register", {"first_name": "", "last_name": "",
                                             "email": "not-an-email", "password": "short",
                                             "password_confirm": "other"})
    assert page.status_code == 400
    summary = SUMMARY.search(page.text)[0]
    links = re.findall(r'<a class="usa-link" href="#([^"]+)">([^:<]+):', summary)
    assert links[:3] == [("first_name", "First name"), ("last_name", "Last name"),
                         ("email", "Business email address")]
    assert [target for target, _ in links] == sorted(
        (target for target, _ in links), key=lambda t: page.text.index(f'id="{t}"'))
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert page.text.count('role="alert"') == 1, "field messages are not live regions"
    assert "first_name:" not in summary.lower()


def test_changes_since_rejection_read_as_labels_with_photos_marked():
    rows = change_rows([("storage_units.1.inside_photo_sha256", "a" * 64, "b" * 64),
                        ("steps.availability.mon_am_from", "NA", "08:00"),
                        ("steps.location.shipping_city", "Raleigh", "Asheville")])
    assert [(r.label, r.before, r.after) for r in rows if not r.photo] == [
        ("Step 2, Location information: City", "Raleigh", "Asheville"),
        ("Step 4, Availability to receive shipments: Monday morning from", "N/A", "08:00")]
    photo, = [r for r in rows if r.photo]
    assert photo.label == "Storage unit 1: inside photo" and photo.before == "a" * 64


def test_the_same_choices_in_another_order_are_no_change():
    """Found by the check of the fixes: walking Section B again listed "Pharmacy -> Outpatient"
    and "Outpatient -> Pharmacy" as changes (the same two settings, ticked in another order).
    A step's set of choices is one answer; a real change shows the whole set before and now."""
    from api.domain.review import changes

    before = {"steps": {"provider": {"settings": ["pharmacy", "outpatient"]}}}
    assert changes(before, {"steps": {"provider": {"settings": ["outpatient", "pharmacy"]}}}) \
        == []
    (key, old, new), = changes(before, {"steps": {"provider": {"settings": ["pharmacy"]}}})
    assert key == "steps.provider.settings" and old == ["outpatient", "pharmacy"], (old, new)
    assert new == ["pharmacy"]


async def _agent_on_a_public_question(system, who: str):
    """A help-desk agent signed in, and the page of a case a visitor's question opened."""
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Summary Person", "email": unique_email(who), "question": "When?"})
    assert asked.status_code == 201, asked.text
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    person = browser(system)
    await person.login(staff.email)
    return person, f"/helpdesk/cases/{asked.json()['id']}"


async def test_an_empty_reply_is_named_by_its_label_message(system):
    """The reply's field is called `body`; the summary names it "Message" as the page does
    (it used to lose the name, taking "body" for where FastAPI says a field came from)."""
    person, case = await _agent_on_a_public_question(system, "summary")
    page = await person.submit(case, {"body": ""}, action=f"{case}/reply")
    assert page.status_code == 422, page.status_code
    summary = SUMMARY.search(page.text)[0]
    assert re.search(r'href="#body">Message: This field is required', summary), summary


async def test_a_refused_attachment_is_described_on_the_file_field_of_the_agents_page(system):
    """The agent's reply form names a refused file beside its field, and the field points at
    that message (aria-describedby), as the requester's forms do, so a screen reader reaching
    the file field hears why."""
    person, case = await _agent_on_a_public_question(system, "described")
    page = await person.submit(case, {"body": "See the file."}, action=f"{case}/reply",
                               files={"attachments": ("notes.exe", b"MZ\x90",
                                                      "application/octet-stream")})
    assert page.status_code in (400, 422), page.status_code
    assert re.search(r'<span class="usa-error-message" id="attachments-error">[^<]*notes\.exe',
                     page.text), page.text[:2000]
    field = re.search(r'<input class="usa-file-input"[^>]*>', page.text)[0]
    assert 'aria-describedby="attachments-error"' in field, field


async def test_the_officers_errors_say_which_officer(system):
    """Both officers have a "Full name", "Title" and "Email address": the summary says whose."""
    enrollment = await start_enrollment(system, ["Summary Officers Site"], submit=False)
    person = browser(system)
    await person.login(enrollment.admin_email)
    page = await person.submit("/organization/section-a/officers", {
        "ceo_name": "", "ceo_title": "", "ceo_email": "", "cmo_name": "", "cmo_title": "",
        "cmo_email": ""})
    assert page.status_code == 400, page.status_code
    summary = SUMMARY.search(page.text)[0]
    labels = [(target, html.unescape(label)) for target, label in re.findall(
        r'<a class="usa-link" href="#([^"]+)">([^:<]+):', summary)]
    assert labels == [("ceo_name", "CEO's full name"), ("ceo_title", "CEO's title"),
                      ("ceo_email", "CEO's email address"), ("cmo_name", "CMO's full name"),
                      ("cmo_title", "CMO's title"), ("cmo_email", "CMO's email address")]


async def test_continue_on_an_empty_case_form_asks_for_the_case_first(system):
    """The suggestions are found from the subject and description: "Continue" with nothing
    typed names what is missing, instead of "No matching articles"."""
    _client, email = await register_requester(system)
    person = browser(system)
    await person.login(email)
    page = await person.submit("/help/cases/new", {"category": "", "subject": "",
                                                    "description": "", "action": "suggest"})
    assert page.status_code == 400, page.status_code
    summary = SUMMARY.search(page.text)[0]
    assert 'href="#subject"' in summary and 'href="#description"' in summary
    assert "No matching articles" not in page.text
    typed = await person.submit("/help/cases/new", {
        "category": "access", "subject": "Cannot sign in", "description": "It says locked.",
        "action": "suggest"})
    assert typed.status_code == 200 and "Submit the case" in typed.text
