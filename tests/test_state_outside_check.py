"""What an outside check of the state program's screens found, as the state's staff use them."""

import asyncio
import csv
import html
import io
import re
import uuid

from api.domain.state_lists import pin
from models.audit import AuditEvent
from models.enrollment import Location, Organization
from models.enrollment_enums import LocationStatus, OrganizationStatus
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import (
    add_storage_unit,
    complete_location,
    photo,
    sign_and_submit,
    start_enrollment,
)
from tests.support.inventory import lot_id, request_transfer, transfer_status, two_sites_holding
from tests.support.review import (
    STATUS_LOOK,
    decide,
    enrolled_site,
    reviewer,
    reviewing,
    sign_until,
    wait_for_status,
)
from tests.support.web import browser


def cells(response) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def _site_in_the_audit_log(system, name: str, marker: str, status: LocationStatus,
                                 alone: bool = False):
    """A reviewer's browser, and a location in `status` whose move there the audit log holds
    (`alone`: and an organization with no location)."""
    staff = await make_user(system, Role.REVIEWER, first_name="Rita")
    async with system.sessions() as session:
        org = Organization(legal_name=f"{marker} Health", admin_user_id=staff.id,
                           status=OrganizationStatus.SUBMITTED)
        session.add(org)
        await session.flush()
        site = Location(organization_id=org.id, name=name, street="1 Main St", city="Raleigh",
                        state="NC", zip_code="27601", coordinator_first_name="C",
                        coordinator_last_name="Q", coordinator_email=f"c@{marker}.org",
                        status=status)
        session.add(site)
        if alone:
            session.add(Organization(legal_name=f"{marker} Alone", admin_user_id=staff.id))
        await session.flush()
        session.add(AuditEvent(subject_type="location", subject_id=site.id,
                               action=f"status:{status.value}", actor="system"))
        await session.commit()
    person = browser(system)
    await person.login(staff.email)
    return person, site


async def test_the_audit_logs_csv_names_a_location_by_its_pin_and_name(system):
    """The audit log's page names a location "Eastgate Clinic (NCA650412)"; its CSV said
    "location", "412": the location's row id, a number nobody is told and no search finds.
    The CSV's record number is now the Provider PIN, and a column names the record as the page
    does."""
    marker = f"au{uuid.uuid4().hex[:6]}"
    person, site = await _site_in_the_audit_log(system, f"{marker} Eastgate Clinic", marker,
                                                LocationStatus.IN_PROGRESS)
    page = await person.get(f"/state/audit?q={pin(site.id)}")
    assert f"{marker} Eastgate Clinic ({pin(site.id)})" in page.text
    rows = cells(await person.get(f"/state/audit.csv?q={pin(site.id)}"))
    assert rows[0] == ["When (Eastern time)", "Record", "Record number", "Record name", "What", "Who"]
    assert [row[1:5] for row in rows[1:]] == [
        ["location", pin(site.id), f"{marker} Eastgate Clinic ({pin(site.id)})",
         "Status: Section B in progress"]]


async def test_a_denial_refused_by_a_decision_made_meanwhile_gives_back_the_reason_typed(system):
    """Two reviewers had one transfer open; one approved it, the other wrote why to deny it and
    pressed Deny: the page said "Not done: This transfer is approved..." and the reason typed
    was gone (the location's review page gives it back). It is now shown, to copy."""
    state = await reviewer(system)
    holding = await two_sites_holding(system, ["Meanwhile North", "Meanwhile South"],
                                      "MEANWHILE-1", 20, state)
    lot = await lot_id(holding.sender, holding.source, "MEANWHILE-1")
    asked = (await request_transfer(holding.sender, holding.source, holding.target, lot,
                                    5)).json()
    assert (await state.post(f"/api/v1/transfers/{asked['id']}/decision",
                             json={"decision": "approve"})).status_code == 200
    await transfer_status(holding.sender, asked["id"], "approved")
    other = await make_user(system, Role.REVIEWER, first_name="Rhea")
    person = browser(system)
    await person.login(other.email)
    typed = "South's freezer failed on Monday; send them elsewhere"
    page = await person.submit(f"/transfers/{asked['id']}", {
        "decision": "deny", "reason": typed}, action=f"/transfers/{asked['id']}/decide")
    await person.http.aclose()
    assert page.status_code == 409
    shown = html.unescape(re.sub(r"<[^>]+>", "", page.text))
    assert "it cannot be decided." in shown
    assert "What you typed was not sent to anyone" in shown and typed in shown


async def test_a_location_with_no_provider_says_so_where_the_reviewer_decides(system):
    """A location sent with the 25+ providers' bulk upload still to come waits in the queue
    ("No practicing providers yet"); its review page offered Approve with nothing said, and
    pressing it answered "Add at least one (or import the bulk upload) first", as if the
    reviewer could. The page now says by the decision that it cannot be approved yet and who
    adds the providers; the refusal says the same."""
    location_id, _email, person = await reviewing(system, "Providers Later Clinic", providers=0)
    page = html.unescape(re.sub(r"<[^>]+>", "", (await person.get(
        f"/review/locations/{location_id}")).text))
    await person.http.aclose()
    said = "Providers Later Clinic cannot be approved yet: it has no active practicing provider."
    assert said in page and page.index(said) < page.index("Approve")
    assert "Its coordinator adds one in Section B" in page
    refused = await decide(await reviewer(system), location_id, "approve")
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith(said)
    assert "first." not in refused.json()["detail"]


async def change_on_review_page(staff, location_id: int, unit: str) -> str:
    """The review page once the change of `unit` is the one to decide (its process opens
    each change in turn)."""
    for _ in range(200):
        page = (await staff.get(f"/review/locations/{location_id}")).text
        if f"enrolled site: <strong>{unit}" in page:
            return page
        await asyncio.sleep(STATUS_LOOK)
    raise AssertionError(page)


async def test_two_units_added_are_decided_one_at_a_time_and_the_page_says_which(system):
    """An enrolled site added two storage units. The review page said "A storage unit added to
    this enrolled site: Alpha A1, Bravo B2 ... Approving or rejecting decides this change
    only", so the reviewer rejected "the change"; the rejection was Alpha's alone (so said its
    email) and Bravo came back to the queue a moment later. The page now names the unit being
    decided and says the other comes next, on its own."""
    site = await enrolled_site(system, "Two Units Clinic")
    location_id, coordinator, staff = site.location_id, site.coordinator, site.staff
    for brand, color in (("Alpha", "white"), ("Bravo", "black")):
        added = await add_storage_unit(coordinator, location_id, photo(color), photo(),
                                       brand=brand, model=brand[0] + "1")
        assert added.status_code == 201, added.text
    page = await change_on_review_page(staff, location_id, "Alpha A1")
    assert "<strong>Alpha A1</strong> (refrigerator). " in page
    assert "Also added, and reviewed next, each on its own: <strong>Bravo B1</strong>" in page
    assert (await decide(staff, location_id, "reject", "No thermometer")).status_code == 200
    page = await change_on_review_page(staff, location_id, "Bravo B1")
    assert "Also added" not in page


async def test_a_page_opened_on_one_change_does_not_decide_the_next(system):
    """Two reviewers had the review of an added unit (Alpha) open; one approved it, and the
    other, a moment later, rejected it with a reason about Alpha: the rejection went to Bravo,
    the next unit waiting, which nobody had looked at (and its email gave Alpha's reason).
    The decision now carries the change it was made on: this one is refused, said on the page
    with Bravo to decide and the reason kept, and nothing is sent."""
    site = await enrolled_site(system, "Stale Tab Clinic")
    location_id, coordinator, staff = site.location_id, site.coordinator, site.staff
    for brand, color in (("Alpha", "white"), ("Bravo", "black")):
        added = await add_storage_unit(coordinator, location_id, photo(color), photo(),
                                       brand=brand, model=brand[0] + "1")
        assert added.status_code == 201, added.text
    await change_on_review_page(staff, location_id, "Alpha A1")
    other = await make_user(system, Role.REVIEWER, first_name="Rhea")
    person = browser(system)
    await person.login(other.email)
    opened = await person.get(f"/review/locations/{location_id}")  # the second tab, on Alpha
    assert "enrolled site: <strong>Alpha A1" in opened.text
    seen = re.search(r'name="change" value="(\d+)"', opened.text)[1]  # what the tab sends
    assert (await decide(staff, location_id, "approve")).status_code == 200
    await change_on_review_page(staff, location_id, "Bravo B1")
    refused = await person.submit(f"/review/locations/{location_id}", {
        "decision": "reject", "reason": "Alpha's thermometer is missing", "change": seen},
        action=f"/review/locations/{location_id}/decision")
    await person.http.aclose()
    assert refused.status_code == 409
    shown = html.unescape(re.sub(r"<[^>]+>", "", refused.text))
    assert "The change you were deciding was decided a moment ago" in shown
    assert "enrolled site: <strong>Bravo B1" in refused.text
    assert "Alpha's thermometer is missing" in shown  # kept in the reason box
    detail = (await staff.get(f"/api/v1/review/locations/{location_id}")).json()
    assert {u["model"]: u["review_status"] for u in detail["storage_units"]
            if u["model"] in ("A1", "B1")} == {"A1": "approved", "B1": "pending"}
    alpha = next(u["id"] for u in detail["storage_units"] if u["model"] == "A1")
    stale = await staff.post(f"/api/v1/review/locations/{location_id}/decision", json={
        "decision": "approve", "change": alpha})
    assert stale.status_code == 409


async def test_a_page_opened_before_a_rejection_does_not_approve_the_resubmission(system):
    """A reviewer left a location's review open; another rejected it, and its coordinator
    changed Section B and resubmitted. Approve, pressed on the page left open, approved the
    resubmission (its changes never read). The decision now carries how many decisions the
    location had when it was read: this one is refused, the page shows the location as it
    is now (what changed since the rejection), and nothing is sent."""
    enrollment = await start_enrollment(system, ["Left Open Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    other = await make_user(system, Role.REVIEWER, first_name="Rhea")
    person = browser(system)
    await person.login(other.email)
    opened = (await person.get(f"/review/locations/{location_id}")).text
    seen = re.search(r'name="decisions_seen" value="(\d+)"', opened)[1]
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Backup phone")).status_code == 200
    await wait_for_status(system, location_id, "rejected")
    assert (await coordinator.post(
        f"/api/v1/locations/{location_id}/section-b/resubmit")).status_code == 200
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    await wait_for_status(system, location_id, "pending_review")
    refused = await person.submit(f"/review/locations/{location_id}", {
        "decision": "approve", "decisions_seen": seen},
        action=f"/review/locations/{location_id}/decision")
    await person.http.aclose()
    assert refused.status_code == 409
    shown = html.unescape(re.sub(r"<[^>]+>", "", refused.text))
    assert "Another decision was taken on this location since you opened it" in shown
    assert 'name="decisions_seen" value="1"' in refused.text
    stale = await staff.post(f"/api/v1/review/locations/{location_id}/decision", json={
        "decision": "approve", "decisions_seen": 0})
    assert stale.status_code == 409
    assert (await staff.post(f"/api/v1/review/locations/{location_id}/decision", json={
        "decision": "approve", "decisions_seen": 1})).status_code == 200


async def test_the_state_lists_csv_dates_are_dates_a_spreadsheet_sorts(system):
    """The state's CSV files wrote their dates as the pages do ("December 7, 2026, 8:34 AM
    EST"): a spreadsheet reads that as text, so sorting a column by it put April before
    December, and no date filter applied. They are now "2026-12-07 08:34", Eastern time, as
    the header says (the location managers' reports already wrote ISO days)."""
    marker = f"dt{uuid.uuid4().hex[:6]}"
    person, site = await _site_in_the_audit_log(system, f"{marker} Clinic", marker,
                                                LocationStatus.PENDING_REVIEW, alone=True)
    moment = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    for path, column in ((f"/state/locations.csv?q={marker}", "In status since"),
                         (f"/review.csv?q={marker}", "Waiting since"),
                         (f"/state/locations/organizations.csv?q={marker}", "In status since"),
                         (f"/state/audit.csv?q={pin(site.id)}", "When"),
                         ("/state/transfers.csv", "Requested")):
        rows = cells(await person.get(path))
        header = f"{column} (Eastern time)"
        assert header in rows[0], (path, rows[0])
        dates = [row[rows[0].index(header)] for row in rows[1:]]
        assert all(moment.fullmatch(d) for d in dates), (path, dates)
        assert dates or path == "/state/transfers.csv", path
    await person.http.aclose()


async def test_the_review_page_shows_what_section_a_said(system):
    """The review page showed Section B, the units, providers and signatures, but not what the
    administrator submitted in Section A: the organization's type, address and contact, whether
    it redistributes, and the location's own address and coordinator. A reviewer approving a
    site could not see where it is. Section A is now shown above Section B."""
    location_id, email, person = await reviewing(system, "Whereabouts Clinic")
    page = (await person.get(f"/review/locations/{location_id}")).text
    await person.http.aclose()
    shown = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    section_a = shown[shown.index("Section A: the organization and this location"):
                      shown.index("Section B")]
    for said in ("Wake Health Partners", "Clinic", "1 Health Way, Raleigh, NC 27601",
                 "919-555-0000", "office@wakehealth.example", "Redistribution participant No",
                 "100 Main St, Raleigh, NC 27601", f"Whereabouts Coordinator ({email})"):
        assert said in section_a, (said, section_a)
