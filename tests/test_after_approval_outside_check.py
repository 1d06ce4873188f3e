"""Found by the outside check of review and changes after approval: a storage unit the
reviewer did not approve is shown with its reason where the coordinator adds it again; a
resubmission starts at step 2; the officers' reminder keeps its sentences apart."""

import asyncio
import logging
import re
from urllib.parse import urlsplit

import pytest

from notifications.catalogue import EmailKind
from notifications.render import render
from tests.support.enrollment import add_storage_unit, complete_location, photo, start_enrollment
from tests.support.review import decide, enrolled_site, reviewer, sign_until, wait_for_status
from tests.test_email_catalogue import BASE, sample_context

REASON = "The inside photo shows another unit & <b>no</b> thermometer"


async def _unit_status(staff, location_id: int, unit_id: int) -> str:
    for _ in range(200):
        detail = (await staff.get(f"/api/v1/review/locations/{location_id}")).json()
        status = {u["id"]: u["review_status"] for u in detail["storage_units"]}[unit_id]
        if status != "pending":
            return status
        await asyncio.sleep(0.1)
    return "pending"


async def _in_queue(staff, location_id: int) -> None:
    for _ in range(200):
        queue = (await staff.get("/api/v1/review/queue?limit=200")).json()["items"]
        if any(i["location_id"] == location_id for i in queue):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the change never reached the review queue")


async def test_a_storage_unit_not_approved_shows_its_reason_where_it_is_added_again(system):
    """It was listed like any approved unit, with a Remove button that was always refused
    ("approved and can no longer be changed"), and the location's page said only "Approved":
    the coordinator, told by email to correct it, found neither the reason nor what to do."""
    site = await enrolled_site(system, "Changing Clinic")
    email, location_id = site.email, site.location_id
    coordinator, staff = site.coordinator, site.staff
    added = await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                   brand="Stirling", model="ULT25")
    assert added.status_code == 201, added.text
    unit_id = added.json()["id"]

    await _in_queue(staff, location_id)
    storage = (await coordinator.get(f"/locations/{location_id}/section-b/storage")).text
    assert "Waiting for the Immunization Branch's review" in storage
    overview = (await coordinator.get(f"/locations/{location_id}/section-b")).text
    assert "Waiting for the Immunization Branch's review: storage unit Stirling ULT25" \
        in overview

    assert (await decide(staff, location_id, "reject", REASON)).status_code == 200
    assert await _unit_status(staff, location_id, unit_id) == "rejected"
    await system.smtp.one(to=email, subject="change rejected")

    storage = (await coordinator.get(f"/locations/{location_id}/section-b/storage")).text
    escaped = "The inside photo shows another unit &amp; &lt;b&gt;no&lt;/b&gt; thermometer"
    assert "Not approved." in storage and escaped in storage
    assert 'value="remove-' not in storage, "no Remove that is always refused"
    assert 'value="pause"' not in storage, "no Section B step: nothing to pause"
    assert "Storage units (1 of 5)" in storage, "the unit not approved is not counted"
    overview = (await coordinator.get(f"/locations/{location_id}/section-b")).text
    assert "The storage unit Stirling ULT25 was not approved" in overview and escaped in overview
    assert f'href="/locations/{location_id}/section-b/storage">Add the unit again' in overview

    # added again, the newer unit waits for review and the old refusal is no longer the news
    again = await add_storage_unit(coordinator, location_id, photo("gray"), photo("black"),
                                   brand="Stirling", model="ULT25")
    assert again.status_code == 201, again.text
    overview = (await coordinator.get(f"/locations/{location_id}/section-b")).text
    assert "was not approved" not in overview
    assert "Waiting for the Immunization Branch's review: storage unit Stirling ULT25" \
        in overview


async def test_a_resubmission_continues_from_step_2(system):
    """"Continue where you left off" after choosing Resubmit opened the step last saved before
    the first submission (step 8, practicing providers, for the demo's mobile unit)."""
    enrollment = await start_enrollment(system, ["Again Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    base = f"/api/v1/locations/{location_id}"
    before = (await coordinator.get(f"{base}/section-b")).json()["last_step"]
    assert before != "location", "the setup saves later steps last"
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Photos are blurry")).status_code == 200
    await wait_for_status(system, location_id, "rejected")
    assert (await coordinator.post(f"{base}/section-b/resubmit")).status_code == 200
    assert (await coordinator.get(f"{base}/section-b")).json()["last_step"] == "location"
    page = (await coordinator.get(f"/locations/{location_id}/section-b")).text
    assert f'href="/locations/{location_id}/section-b/location">Continue where you left off' \
        in page


@pytest.mark.parametrize(("flag", "value"), [("reminder", 1),
                                             ("addendum", ["Location added: Pop-up Site"])])
def test_the_signing_reminder_keeps_its_sentences_apart(flag, value):
    """"...expires on December 19, 2026, 12:01 AM EST.Earlier links we sent you no longer
    work." (the newline after the condition was taken by the template's trim_blocks)."""
    context = sample_context(EmailKind.SIGNING_REQUEST).model_copy(update={flag: value})
    text = render(EmailKind.SIGNING_REQUEST, context, portal_url=BASE).text
    assert "Earlier links we sent you no longer work." in text
    assert not re.search(r"[A-Za-z0-9)]\.Earlier", text), text


async def test_the_review_of_a_change_says_what_changed_above_the_decision(system):
    """The reviewer saw "change waiting for review" and had to find the unit marked "Waiting
    for review" in the storage units, below the whole Section B."""
    site = await enrolled_site(system, "Told Clinic")
    location_id = site.location_id
    coordinator, staff = site.coordinator, site.staff
    added = await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                   brand="Panasonic", model="MDF-U76")
    assert added.status_code == 201, added.text
    await _in_queue(staff, location_id)
    page = (await staff.get(f"/review/locations/{location_id}")).text
    told = page.find("The change to review")
    assert told != -1 and told < page.find('id="decide"')
    assert "A storage unit added to this enrolled site: <strong>Panasonic MDF-U76</strong>" in page


async def test_the_state_list_says_an_enrolled_site_waits_on_a_change_review(system):
    """/state/locations showed the site "Approved", waiting on "-", while its added storage
    unit waited in the review queue."""
    site = await enrolled_site(system, "Listed Clinic")
    location_id = site.location_id
    coordinator, staff = site.coordinator, site.staff
    assert (await add_storage_unit(coordinator, location_id, photo("khaki"), photo("white"))
            ).status_code == 201  # another unit than Section B's (the same is listed already)
    await _in_queue(staff, location_id)
    page = (await staff.get("/state/locations", params={"q": "Listed Clinic"})).text
    assert "Immunization Branch: review a change to the enrolled site (since" in page
    sheet = (await staff.get("/state/locations.csv", params={"q": "Listed Clinic"})).text
    assert "Immunization Branch: review a change to the enrolled site" in sheet


async def test_a_form_dropped_by_a_double_click_is_not_logged_as_a_crash(system):
    """A double-clicked Reject sent the form twice; the browser dropped the first while the
    server read it, and the log showed "Exception in ASGI application" with a traceback
    (ClientDisconnect from the CSRF check reading the form)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addHandler(handler)
    try:
        url = urlsplit(system.settings.public_base_url)
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        writer.write(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 500\r\n\r\ncsrf_token=abc&email=")
        await writer.drain()
        await asyncio.sleep(0.5)  # the server is reading the form
        writer.close()
        await writer.wait_closed()
        await asyncio.sleep(1)
    finally:
        uvicorn_log.removeHandler(handler)
    crashes = [r for r in records if r.levelno >= logging.ERROR]
    assert not crashes, [r.getMessage() for r in crashes]


def test_an_empty_queue_says_nothing_waits_rather_than_nothing_matches():
    """With no search and no filter, the state's transfer list said "0 transfers, the oldest
    first." over a table reading "Nothing matches." (and the review queue "0 waiting, the
    longest-waiting first."), as if a search had found nothing."""
    from types import SimpleNamespace

    from api.pages import templates

    source = ('{% import "macros/listing.html" as listing %}'
              '{{ listing.pages(f, "/state/transfers", found, "transfers, the oldest first", '
              '"transfer", empty="No transfers match", idle="None waits.") }}')
    found = SimpleNamespace(total=0, pages=0, page=1)
    unfiltered = SimpleNamespace(q="", status="", age="", page=1)
    shown = templates.env.from_string(source).render(f=unfiltered, found=found)
    assert "None waits." in shown and "0 transfers" not in shown
    searched = SimpleNamespace(q="TR9", status="", age="", page=1)
    shown = templates.env.from_string(source).render(f=searched, found=found)
    assert "No transfers match “TR9”" in shown
    for page in ("inventory/state_queue.html", "review/queue.html"):
        text = templates.env.loader.get_source(templates.env, page)[0]
        assert "idle=" in text and "Nothing matches.</td>" not in text.replace(
            "{% if f.q or f.status or f.age %}Nothing matches.", "")


async def test_saving_the_bulk_upload_choice_says_what_was_saved(system):
    """"Save this choice" (25 or more practicing providers) came back to the same page without
    a word: the coordinator could not tell it was saved nor what it meant."""
    from urllib.parse import unquote

    from api.pages import NOTICE_COOKIE

    enrollment = await start_enrollment(system, ["Many Providers Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    page = f"/locations/{location_id}/section-b/providers"
    saved = await coordinator.post(page, data={"action": "bulk", "bulk_choice_shown": "yes",
                                               "bulk_upload_planned": "yes"})
    assert saved.status_code == 303
    notice = unquote(saved.cookies.get(NOTICE_COOKIE) or "")
    assert notice.startswith("Saved: you will send the practicing providers with the bulk "
                             "upload template"), notice


async def test_the_templates_case_link_opens_a_bulk_upload_case_for_the_location(system):
    """"Open a bulk upload case" on the template's page opened an empty new-case form: the
    coordinator had to find the category and the location again."""
    import html as markup

    from tests.support.enrollment import register_coordinator

    enrollment = await start_enrollment(system, ["Linked Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    page = (await coordinator.get("/help/practicing-provider-template",
                                  params={"location": location_id})).text
    link = re.search(r'href="(/help/cases/new[^"]*)">Open a bulk upload case', page)
    assert link and "category=provider_bulk_upload" in link[1], page
    form = (await coordinator.get(markup.unescape(link[1]))).text
    assert '<option value="provider_bulk_upload" selected' in form
    assert f'<option value="{location_id}" selected' in form
    assert 'value="Practicing providers for Linked Clinic"' in form
