"""What an outside check of the review console found, as the state's reviewers use it."""

import asyncio
import html
import re

import pytest

from api.domain import review as review_domain
from models.enums import Role
from notifications.catalogue import EmailKind, LocationDecisionContext
from notifications.render import render
from tests.support.accounts import make_user
from tests.support.enrollment import (
    add_storage_unit,
    complete_location,
    photo,
    sign_and_submit,
    start_enrollment,
)
from tests.support.review import STATUS_LOOK, decide, reviewer, sign_until, wait_for_status
from tests.support.web import browser

BASE = "https://cvms.example.gov"


async def test_two_reviewers_deciding_at_once_the_second_sees_the_first_decision(
        system, monkeypatch):
    """Two reviewers opened one location and decided at once. The second's request had read the
    location before the first's approval landed: its refusal came back headed "Waiting for
    review" with Approve and Reject still offered, the refusal put on the reason field. It now
    shows the location as it is (approved, by whom) with no form, the refusal said above; and
    the refused decision's address, opened again, is the location's page (it was a 405)."""
    enrollment = await start_enrollment(system, ["Decided At Once"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    first = await make_user(system, Role.REVIEWER, first_name="Fran", last_name="First")
    second = await make_user(system, Role.REVIEWER, first_name="Sam", last_name="Second")
    told = review_domain.enrollment_process.decide

    async def first_lands_meanwhile(gateway, location, reviewer_id, role, approve, reason,
                                    **seen):
        await told(gateway, location, first.id, role, True, None)  # the other reviewer's click
        return await told(gateway, location, reviewer_id, role, approve, reason, **seen)

    monkeypatch.setattr(review_domain.enrollment_process, "decide", first_lands_meanwhile)
    page = browser(system)
    await page.login(second.email)
    refused = await page.submit(f"/review/locations/{location_id}",
                                {"decision": "reject", "reason": "Photos are blurry"},
                                action=f"/review/locations/{location_id}/decision")
    assert refused.status_code == 409
    shown = html.unescape(re.sub(r"<[^>]+>", "", refused.text))
    assert "Not done: This location's status is \u201cApproved\u201d" in shown
    assert "Approved by Fran First" in shown and "Waiting for review since" not in shown
    assert 'value="approve"' not in refused.text and 'name="reason"' not in refused.text
    assert "What you typed was not sent to anyone" in shown and "Photos are blurry" in shown
    await wait_for_status(system, location_id, "approved")
    assert not system.smtp.find(to=email, subject="rejected")
    again = await page.get(f"/review/locations/{location_id}/decision")
    assert again.status_code == 200
    assert again.url.path == f"/review/locations/{location_id}"
    await page.http.aclose()


async def test_a_download_with_a_status_that_is_no_choice_is_refused_as_its_page_is(system):
    """The page names a status that is no choice (an old bookmark, a typed address) on its
    field; its CSV gave another view without a word: every location for /state/locations.csv,
    an empty file for the queue and the audit log, every transfer for /state/transfers.csv."""
    staff = await make_user(system, Role.REVIEWER)
    person = browser(system)
    await person.login(staff.email)
    for path in ("/state/locations", "/review", "/state/transfers", "/state/audit"):
        shown = await person.get(f"{path}?status=bogus")
        assert shown.status_code == 422 and "Choose one of the options." in shown.text
        export = await person.get(f"{path}.csv?status=bogus")
        assert export.status_code == 422, path
        assert "text/csv" not in export.headers["content-type"]
        assert "Choose one of the options." in export.text
        assert (await person.get(f"{path}.csv")).status_code == 200
    await person.http.aclose()


async def test_a_page_number_that_is_none_says_so(system):
    """A list's address with a page that is no page number (page=abc, 0, -1) showed the first
    page under "Please correct the following: Enter a whole number.", naming nothing: there is
    no field to correct. It now says which page there is not, and that this is the first."""
    staff = await make_user(system, Role.REVIEWER)
    person = browser(system)
    await person.login(staff.email)
    for path in ("/state/locations", "/review", "/state/transfers", "/state/audit"):
        for typed in ("abc", "0", "-1"):
            shown = await person.get(f"{path}?page={typed}")
            assert shown.status_code == 422
            said = html.unescape(re.sub(r"<[^>]+>", "", shown.text))
            assert f"There is no page \u201c{typed}\u201d: this is the first." in said, path
            assert "Enter a whole number." not in said
    await person.http.aclose()


async def test_a_resubmission_with_nothing_changed_says_so_to_the_reviewer(system):
    """A coordinator resubmitted Section B after a rejection without changing an answer: the
    review page showed no "Changed since the rejection" at all, as for a first submission, so
    the reviewer could not tell nothing had changed from nothing being shown."""
    enrollment = await start_enrollment(system, ["Unchanged Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    first = (await staff.get(f"/review/locations/{location_id}")).text
    assert "Changed since the rejection" not in first
    assert (await decide(staff, location_id, "reject", "Photos are blurry")).status_code == 200
    reopened = await coordinator.post(f"/api/v1/locations/{location_id}/section-b/resubmit")
    assert reopened.status_code == 200
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    await wait_for_status(system, location_id, "pending_review")
    page = html.unescape((await staff.get(f"/review/locations/{location_id}")).text)
    assert "Changed since the rejection" in page
    assert "Nothing: the coordinator resubmitted Section B as it was" in page


@pytest.mark.parametrize("amendment", [None, "Storage unit Helmer HPR120 (refrigerator)"])
def test_a_note_typed_with_an_approval_reaches_the_coordinator(amendment):
    """The reason field says "the coordinator receives it"; a note typed there with Approve was
    kept with the decision but left out of the approval email."""
    context = LocationDecisionContext(
        recipient_name="Ana", organization_name="Piedmont Health", location_name="Elm Clinic",
        reason="Approved; replace the thermometer <b>battery</b> soon.\nThanks",
        amendment=amendment, action_url=f"{BASE}/inventory/1", admin_url=None)
    mail = render(EmailKind.LOCATION_APPROVED, context, portal_url=BASE)
    assert ("Note from the reviewer:\nApproved; replace the thermometer <b>battery</b> soon.\n"
            "Thanks") in mail.text
    assert ("Note from the reviewer:</strong><br>Approved; replace the thermometer "
            "&lt;b&gt;battery&lt;/b&gt; soon.<br>Thanks") in mail.html
    plain = render(EmailKind.LOCATION_APPROVED, context.model_copy(update={"reason": None}),
                   portal_url=BASE)
    assert "Note from the reviewer" not in plain.text + plain.html
    # the note is a paragraph of its own, one blank line on each side, as the text around it
    # (it followed the sentence before on the next line, with two blank lines after it)
    assert re.search(r"\.\n\nNote from the reviewer:\n.*\nThanks\n\n(As|Open) ", mail.text), \
        mail.text
    assert "\n\n\n" not in mail.text and "\n\n\n" not in plain.text


async def test_a_change_to_a_site_approved_after_a_rejection_is_not_shown_against_it(system):
    """A site rejected once, resubmitted and approved, then added a storage unit: its review
    page headed the new unit "Changed since the rejection" (compared with the Section B the
    rejection had seen, settled since by the approval). The change is shown for itself."""
    enrollment = await start_enrollment(system, ["Settled Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Photos are blurry")).status_code == 200
    assert (await coordinator.post(
        f"/api/v1/locations/{location_id}/section-b/resubmit")).status_code == 200
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    await wait_for_status(system, location_id, "pending_review")
    assert (await decide(staff, location_id, "approve")).status_code == 200
    await wait_for_status(system, location_id, "approved")
    assert (await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                   brand="LaterFreezer")).status_code == 201
    for _ in range(200):  # the change reaches the queue when its process has taken it
        page = (await staff.get(f"/review/locations/{location_id}")).text
        if "The change to review" in page:
            break
        await asyncio.sleep(STATUS_LOOK)
    assert "The change to review" in page and "LaterFreezer" in page
    assert "Changed since the rejection" not in page
    detail = (await staff.get(f"/api/v1/review/locations/{location_id}")).json()
    assert detail["changes_since_rejection"] == []


async def test_a_decision_says_who_was_told_and_what_happens_next(system):
    """"X was rejected. The coordinator has been emailed." said nothing of the administrator
    copied, nor what comes next; an approval did not say the site is now enrolled."""
    enrollment = await start_enrollment(system, ["Told Clinic", "Next Clinic"])
    (_, approved_id), (_, rejected_id) = enrollment.locations.items()
    for email, location_id in enrollment.locations.items():
        await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [approved_id, rejected_id])
    staff = await make_user(system, Role.REVIEWER)
    person = browser(system)
    await person.login(staff.email)
    approved = await person.submit(f"/review/locations/{approved_id}", {"decision": "approve"},
                                   action=f"/review/locations/{approved_id}/decision")
    assert ("Told Clinic was approved: it is now an enrolled site. Its coordinator and the "
            "organization's administrator have been emailed.") in html.unescape(approved.text)
    rejected = await person.submit(f"/review/locations/{rejected_id}",
                                   {"decision": "reject", "reason": "Photos are blurry"},
                                   action=f"/review/locations/{rejected_id}/decision")
    assert ("Next Clinic was rejected. Its coordinator has been emailed the reason, the "
            "organization's administrator copied; when they resubmit Section B, it comes back "
            "to this queue.") in html.unescape(rejected.text)
    await person.http.aclose()
