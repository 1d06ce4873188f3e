"""Appointments in a real browser: a Location Manager turns scheduling off (the Recipient Portal
says walk-ins are welcome) and on again; a recipient moves a booking to another time in one
step, and a time that filled while the page was open is refused next to the field with nothing
moved. Every page accessible."""

import re
import uuid
from datetime import timedelta

import pytest
from playwright.async_api import expect

from models.administrations import Appointment, AppointmentSlot
from models.base import utcnow
from models.enums import Role
from models.recipient_rules import recipient_path
from tests.support.a11y import assert_accessible
from tests.support.care import vaccinating_site, walk_in
from tests.support.web import CSRF
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def _slot(site, days: int, capacity: int) -> int:
    made = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": (utcnow() + timedelta(days=days)).isoformat(),
              "capacity": capacity})
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def test_scheduling_switch_and_a_one_step_reschedule(page, system):
    site = await vaccinating_site(system)
    first, second = await _slot(site, 2, capacity=1), await _slot(site, 5, capacity=2)
    last_place = await _slot(site, 7, capacity=1)
    email = f"mv-{uuid.uuid4().hex[:6]}@example.org"
    person = await walk_in(site, email=email)
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])

    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/care/{site.location_id}/appointments")
    # the manager offers a time on the page: a past day is named next to the day, kept as typed
    assert await page.locator("#day").count() == 1, "one element per id (the day to show has its own)"
    await page.locator("#day").fill("2020-03-02")
    await page.get_by_label("Time (North Carolina)").fill("09:30")
    await page.get_by_label("Places").fill("3")
    await page.get_by_role("button", name="Offer this time").click()
    await expect(page.locator("#day-error")).to_contain_text("Choose today or a later day")
    await expect(page.get_by_label("Places")).to_have_value("3")
    # the day to show is another form's field: the offered day's refusal is not said there
    await expect(page.locator("#show-day-error")).to_have_count(0)
    await expect(page.locator("#show-day")).not_to_have_attribute("aria-invalid", "true")
    await assert_accessible(page)
    later = (utcnow() + timedelta(days=20)).date().isoformat()
    await page.locator("#day").fill(later)
    await page.get_by_role("button", name="Offer this time").click()
    await expect(page.get_by_role("status")).to_contain_text("3 places offered")
    offered = page.get_by_role("table", name="Times offered from now on")
    await expect(offered).to_contain_text("0 of 3")
    await expect(offered).to_contain_text("First dose")
    await expect(offered).to_contain_text("9:30 AM")  # as typed (SQLite showed 4:30 AM)
    # offered by mistake: its places changed (a slip named by the field, kept), then withdrawn
    await offered.get_by_role("row").filter(has_text="9:30 AM").get_by_role(
        "link", name=re.compile("Places or withdraw")).click()
    places = page.get_by_role("textbox", name="Places")
    await places.fill("three")
    await page.get_by_role("button", name="Save the number of places").click()
    await expect(page.locator("#capacity-error")).to_be_visible()
    await expect(places).to_have_value("three")
    await assert_accessible(page)
    await page.get_by_role("button", name="Withdraw this time").click()
    await expect(page.get_by_role("status")).to_contain_text("withdrawn")
    await expect(page.get_by_role("table", name="Times offered from now on")).not_to_contain_text(
        "9:30 AM")
    await page.get_by_role("button", name="Turn scheduling off").click()
    await expect(page.get_by_role("status")).to_contain_text("Appointment scheduling is off")
    await expect(page.get_by_role("button", name="Turn scheduling on")).to_be_visible()
    await assert_accessible(page)
    await page.context.clear_cookies()
    await page.goto(f"{link}/appointments")
    await expect(page.get_by_text("This location does not take appointments. Walk-ins are "
                                  "welcome.")).to_be_visible()
    await expect(page.get_by_role("button", name="Book this time")).to_have_count(0)
    await assert_accessible(page)
    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/care/{site.location_id}/appointments")
    await page.get_by_role("button", name="Turn scheduling on").click()
    await expect(page.get_by_role("status")).to_contain_text("Appointment scheduling is on")
    await page.context.clear_cookies()

    await page.goto(f"{link}/appointments")
    await page.get_by_label("Time (places left)").select_option(str(first))
    await page.get_by_role("button", name="Book this time").click()
    await expect(page.get_by_role("status")).to_contain_text("Your appointment is booked")
    await page.get_by_label("New time (places left)").select_option(str(second))
    await assert_accessible(page)
    await page.get_by_role("button", name="Move my appointment to this time").click()
    await expect(page.get_by_role("status")).to_contain_text("moved to the new time")
    await assert_accessible(page)
    appointment = int(re.search(r"/appointments/(\d+)/reschedule", await page.content())[1])
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).slot_id == second
        assert (await session.get(AppointmentSlot, first)).booked == 0
    changed = await system.smtp.one(to=email, subject="appointment is changed")
    assert "moved to a new time" in changed.text

    # the last place of a time goes to someone else while the page is open
    await page.get_by_label("New time (places left)").select_option(str(last_place))
    async with system.http() as other:
        other_link = recipient_path(system.settings.secret_key.get_secret_value(),
                                    (await walk_in(site))["id"])
        token = CSRF.search((await other.get(f"{other_link}/appointments")).text)[1]
        taken = await other.post(f"{other_link}/appointments",
                                 data={"slot_id": str(last_place), "csrf_token": token})
        assert taken.status_code == 303
    await page.get_by_role("button", name="Move my appointment to this time").click()
    error = page.locator("#slot_id-error")
    await expect(error).to_contain_text("This time is full")
    await expect(page.get_by_label("New time (places left)")).to_have_attribute(
        "aria-invalid", "true")
    await assert_accessible(page)
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).slot_id == second
        assert (await session.get(AppointmentSlot, second)).booked == 1
        assert (await session.get(AppointmentSlot, last_place)).booked == 1

    # cancelling asks first: the question below the booking is where focus lands
    await page.get_by_role("button", name="Cancel this appointment").click()
    await expect(page.get_by_role("alert").filter(has_text="Cancel your appointment")
                 ).to_be_focused()
    await assert_accessible(page)


async def test_a_provider_books_moves_and_cancels_for_a_person_who_phoned(page, system):
    """From the person's point-of-care page: book a time (a refusal named next to the time),
    move it, and cancel after a question; the person is emailed each change. Accessible."""
    site = await vaccinating_site(system)
    first, second = await _slot(site, 3, capacity=2), await _slot(site, 6, capacity=2)
    email = f"ph-{uuid.uuid4().hex[:6]}@example.org"
    person = await walk_in(site, email=email)
    await log_in(page, site.emails[Role.PROVIDER])
    await page.goto(f"/care/{site.location_id}/recipients/{person['id']}")
    await page.get_by_role("link", name="Book, move or cancel their appointment").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Appointment for")
    await page.get_by_role("button", name="Book this time").click()  # nothing chosen
    await expect(page.locator("#slot_id-error")).to_contain_text("Choose a time.")
    await expect(page.get_by_label("Time (places left)")).to_have_accessible_description(
        re.compile("Choose a time."))
    await assert_accessible(page)
    await page.get_by_label("Time (places left)").select_option(str(first))
    await page.get_by_role("button", name="Book this time").click()
    await expect(page.get_by_role("status")).to_contain_text("appointment is booked")
    await expect(page.get_by_role("region", name=re.compile("^Dose 1:"))).to_be_visible()
    await system.smtp.one(to=email, subject="Your COVID-19 vaccination appointment is booked")
    await assert_accessible(page)

    await page.get_by_label("New time (places left)").select_option(str(second))
    await page.get_by_role("button", name="Move the appointment to this time").click()
    await expect(page.get_by_role("status")).to_contain_text("moved to the new time")
    await system.smtp.one(to=email, subject="Your COVID-19 vaccination appointment is changed")

    await page.get_by_role("button", name="Cancel this appointment").click()
    await expect(page.get_by_role("alert")).to_contain_text("Their place goes to the next")
    await expect(page.get_by_role("alert")).to_be_focused()
    await assert_accessible(page)
    await page.get_by_role("button", name="Yes, cancel the appointment").click()
    await expect(page.get_by_role("status")).to_contain_text("appointment is cancelled")
    await system.smtp.one(to=email, subject="Your COVID-19 vaccination appointment is cancelled")
    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, first)).booked == 0
        assert (await session.get(AppointmentSlot, second)).booked == 0
