"""Second-dose reminders as durable timers, on the time-skipping server: the product's
interval from the REAL first-dose day, the email in the recipient's language, cancelled by the
second dose or by removing the first, none for a single-dose product; a dose entered late
from a paper form is dated its real day in the ledger and the reminder counts from it."""

import asyncio
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from models.care_rules import (
    EASTERN,
    REMINDER_HOUR,
    local_today,
    reminder_time,
    second_dose_due,
)
from models.enrollment import Location, Organization
from models.inventory import LedgerEntry, Lot
from tests.support.care import give, stock, vaccinating_site, walk_in
from workflows import ids
from workflows.second_dose import SecondDoseReminderWorkflow

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
SUBJECT = {"en": "Time for your second COVID-19 vaccine dose",
           "es": "Es hora de su segunda dosis de la vacuna contra el COVID-19"}


def reminders(system, to: str) -> list:
    """The reminders `to` got (a walk-in with an address is also emailed their link)."""
    return [m for m in system.smtp.find(to=to) if m.subject in SUBJECT.values()]


async def _today(system):
    return local_today(await system.env.get_current_time())


async def _lasting_lot(system, site, cvx: str, prefix: str = "R") -> int:
    """A lot of 10 doses that outlives the test on the server's clock: earlier tests in the
    session skipped the time-skipping server ahead of the wall clock, past the 10 years a
    receipt may carry, so the record is given its far expiry after the receipt."""
    lot = await stock(system, site, cvx, f"{prefix}-{uuid.uuid4().hex[:6]}", doses=10)
    async with system.sessions() as session:
        stored = await session.get(Lot, lot)
        stored.expiration_date = max(stored.expiration_date,
                                     await _today(system) + timedelta(days=400))
        session.add(stored)
        await session.commit()
    return lot


async def _setup(system, cvx: str, language: str = "en"):
    site = await vaccinating_site(system)
    lot = await _lasting_lot(system, site, cvx)
    email = f"rec-{uuid.uuid4().hex[:8]}@example.org"
    person = await walk_in(site, email=email, language=language)
    return site, lot, person, email


async def _reminder(system, administration_id: int):
    return system.client.get_workflow_handle(ids.second_dose_reminder(administration_id))


async def test_a_21_day_product_reminds_on_day_21_in_the_recipients_language(ts_system):
    site, lot, person, email = await _setup(ts_system, "208", language="es")
    given = await give(site, person["id"], lot, on=await _today(ts_system))
    assert given.status_code == 201, given.text
    dose = given.json()
    await ts_system.env.sleep(20 * DAY)
    await asyncio.sleep(1)
    assert not reminders(ts_system, email), "nothing before day 21"
    await ts_system.env.sleep(2 * DAY)
    mail = await ts_system.smtp.one(to=email, subject=SUBJECT["es"])
    assert "segunda dosis" in mail.text and f"/r/{person['id']}/" in mail.text
    # the brand stays, the words describing the vaccine are Spanish
    assert "primera dosis (Vacuna contra el COVID-19 de Pfizer-BioNTech)" in mail.text, mail.text
    assert "COVID-19 Vaccine" not in mail.text + mail.html
    handle = await _reminder(ts_system, dose["id"])
    assert await handle.result() == "sent"
    history = (await handle.fetch_history()).to_json()
    for personal in (person["last_name"], email, "1980-04-02"):
        assert personal not in history, "only ids and times in the history"


async def test_a_second_dose_on_day_19_cancels_the_reminder(ts_system):
    site, lot, person, email = await _setup(ts_system, "208")
    dose = (await give(site, person["id"], lot, on=await _today(ts_system))).json()
    await ts_system.env.sleep(19 * DAY)
    second = await give(site, person["id"], lot, dose_number=2, on=await _today(ts_system))
    assert second.status_code == 201, second.text
    handle = await _reminder(ts_system, dose["id"])
    assert await handle.result() == "cancelled"
    await ts_system.env.sleep(5 * DAY)
    await asyncio.sleep(1)
    assert not reminders(ts_system, email)


async def test_removing_the_first_dose_cancels_the_reminder(ts_system):
    site, lot, person, email = await _setup(ts_system, "207")
    dose = (await give(site, person["id"], lot, on=await _today(ts_system))).json()
    removed = await site.provider.post(f"/api/v1/administrations/{dose['id']}/removal",
                                       json={"reason": "Wrong recipient"})
    assert removed.status_code == 200, removed.text
    assert await (await _reminder(ts_system, dose["id"])).result() == "cancelled"
    await ts_system.env.sleep(30 * DAY)
    await asyncio.sleep(1)
    assert not reminders(ts_system, email)


async def test_a_single_dose_product_starts_no_reminder(ts_system):
    site, lot, person, email = await _setup(ts_system, "212")
    dose = (await give(site, person["id"], lot, on=await _today(ts_system))).json()
    with pytest.raises(RPCError):
        await (await _reminder(ts_system, dose["id"])).describe()
    await ts_system.env.sleep(60 * DAY)
    await asyncio.sleep(1)
    assert not reminders(ts_system, email)


async def test_a_paper_form_from_ten_days_ago_counts_from_its_real_day(ts_system):
    site, lot, person, email = await _setup(ts_system, "208")
    real_day = await _today(ts_system) - timedelta(days=10)
    given = await give(site, person["id"], lot, on=real_day)
    assert given.status_code == 201, given.text
    dose = given.json()
    assert dose["entered_late"] is True and dose["administered_on"] == str(real_day)
    async with ts_system.sessions() as session:
        entry = (await session.exec(select(LedgerEntry).where(
            LedgerEntry.key == f"administration:{dose['id']}"))).one()
    assert entry.occurred_on == real_day and entry.doses == -1
    handle = await _reminder(ts_system, dose["id"])
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    detail = await handle.query(SecondDoseReminderWorkflow.detail)
    assert detail.due == second_dose_due(real_day, 21)
    await ts_system.env.sleep(10 * DAY)
    await asyncio.sleep(1)
    assert not reminders(ts_system, email), "11 days after the real day: not yet"
    await ts_system.env.sleep(2 * DAY)
    await ts_system.smtp.one(to=email, subject=SUBJECT["en"])


async def test_a_late_paper_dose_whose_due_day_passed_waits_for_the_morning_and_for_dose_2(
        ts_system):
    """Found by the outside check: a dose 1 from a paper form dated weeks back (due day past)
    emailed "Time for your second dose" at once, at 4:25 AM, before the clerk could enter the
    dose 2 written on the same form. Now such a reminder waits for the next 9 AM North
    Carolina time (at least an hour away) and checks then: dose 2 entered meanwhile, no email;
    otherwise the email goes at 9 AM, naming the real due day."""
    site, lot, person, email = await _setup(ts_system, "207")  # 28 days
    now = await ts_system.env.get_current_time()
    real_day = local_today(now) - timedelta(days=40)
    dose = (await give(site, person["id"], lot, on=real_day)).json()
    handle = await _reminder(ts_system, dose["id"])
    send_at = (await handle.query(SecondDoseReminderWorkflow.detail)).due
    assert send_at >= now + HOUR
    assert send_at.astimezone(EASTERN).time() == REMINDER_HOUR and send_at - now <= DAY + HOUR
    await asyncio.sleep(2)
    assert not reminders(ts_system, email), "not at once"
    second = await give(site, person["id"], lot, dose_number=2, on=real_day + 28 * DAY)
    assert second.status_code == 201, second.text
    assert await handle.result() == "cancelled"

    other = await walk_in(site, email=(other_email := f"l-{uuid.uuid4().hex[:8]}@example.org"))
    first = (await give(site, other["id"], lot, on=real_day)).json()
    handle = await _reminder(ts_system, first["id"])
    send_at = (await handle.query(SecondDoseReminderWorkflow.detail)).due
    await ts_system.env.sleep(send_at - await ts_system.env.get_current_time() - HOUR / 2)
    await asyncio.sleep(1)
    assert not reminders(ts_system, other_email), "not before 9 AM"
    await ts_system.env.sleep(HOUR)
    assert await handle.result() == "sent"
    mail = await ts_system.smtp.one(to=other_email, subject=SUBJECT["en"])
    assert f"{(real_day + 28 * DAY):%B} {(real_day + 28 * DAY).day}" in mail.text
    assert not reminders(ts_system, email)


def test_a_reminder_due_in_the_past_goes_at_the_next_9_am_at_least_an_hour_away():
    due = second_dose_due(date(2026, 10, 1), 28)  # October 29, 9 AM
    at_night = datetime(2026, 12, 3, 4, 25, tzinfo=EASTERN)
    assert reminder_time(due, at_night) == datetime(2026, 12, 3, 9, tzinfo=EASTERN)
    just_before = datetime(2026, 12, 3, 8, 30, tzinfo=EASTERN)
    assert reminder_time(due, just_before) == datetime(2026, 12, 4, 9, tzinfo=EASTERN)
    late_evening = datetime(2026, 12, 3, 23, 30, tzinfo=EASTERN)
    assert reminder_time(due, late_evening) == datetime(2026, 12, 4, 9, tzinfo=EASTERN)
    assert reminder_time(due, datetime(2026, 10, 2, tzinfo=EASTERN)) == due, "not yet due"


async def test_the_reminder_says_where_and_how_to_reach_the_location_and_offers_booking_if_on(
        ts_system):
    """Found by the outside check: the reminder said "Contact the location that gave you your
    first dose, or book an appointment" with neither its address nor its phone, and offered
    booking where scheduling was off. Now it gives the location's address and phone (its
    organization's), and offers booking only where the person's link books; otherwise it says
    the location takes walk-ins."""
    mails = []
    for language, scheduling in (("es", False), ("en", True)):
        site, lot, person, email = await _setup(ts_system, "207", language=language)
        async with ts_system.sessions() as session:
            location = await session.get(Location, site.location_id)
            organization = await session.get(Organization, location.organization_id)
            organization.phone = "919-555-0123"
            location.appointments_on = scheduling
            session.add_all([organization, location])
            await session.commit()
        real_day = await _today(ts_system) - timedelta(days=40)
        dose = (await give(site, person["id"], lot, on=real_day)).json()
        mails.append((email, language, site.name, dose["id"]))
    handle = await _reminder(ts_system, mails[-1][3])
    send_at = (await handle.query(SecondDoseReminderWorkflow.detail)).due
    await ts_system.env.sleep(send_at - await ts_system.env.get_current_time() + HOUR)
    off, on = [await ts_system.smtp.one(to=email, subject=SUBJECT[language])
               for email, language, _name, _dose in mails]
    for mail, where in ((off, "Dónde"), (on, "Where")):
        assert f"{where}: 1 Main St, Raleigh, NC 27601" in mail.text, mail.text
        assert "919-555-0123" in mail.text and "919-555-0123" in mail.html
    assert f"{mails[0][2]} atiende sin cita: venga a 1 Main St" in off.text, off.text
    assert "reserv" not in off.text.lower() and "book" not in off.text.lower()
    assert (f"Book a time for your second dose from your link, or contact {mails[1][2]}."
            in on.text), on.text
    assert "takes walk-ins" not in on.text


async def test_a_correction_that_makes_a_dose_due_again_starts_its_reminder(ts_system):
    """Found by the outside check: a dose 1 recorded from the single-dose lot by mistake and
    corrected to the two-dose lot it came from, or a dose 2 removed as entered in error, left
    the person with a dose 2 due and no reminder ever (the reminder had never started, or had
    ended when the dose 2 was recorded). Now a correction or a removal after which a first
    dose has its second dose due starts its reminder again, counted from its real day."""
    site, moderna, person, email = await _setup(ts_system, "207")  # 28 days
    janssen = await _lasting_lot(ts_system, site, "212", "J")
    today = await _today(ts_system)
    given = await give(site, person["id"], janssen, on=today)
    assert given.status_code == 201, given.text
    dose = given.json()
    with pytest.raises(RPCError):
        await (await _reminder(ts_system, dose["id"])).describe()
    corrected = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "lot_id": moderna, "dose_number": 1, "administered_on": str(today), "site": "LD",
        "route": "IM", "provider_name": "Pat Provider"})
    assert corrected.status_code == 200, corrected.text
    handle = await _reminder(ts_system, dose["id"])
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    assert (await handle.query(SecondDoseReminderWorkflow.detail)).due == second_dose_due(
        today, 28)

    other = await walk_in(site, email=(other_email := f"d-{uuid.uuid4().hex[:8]}@example.org"))
    first = (await give(site, other["id"], moderna, on=today - 30 * DAY)).json()
    second = (await give(site, other["id"], moderna, dose_number=2, on=today)).json()
    assert await (await _reminder(ts_system, first["id"])).result() == "cancelled"
    removed = await site.provider.post(f"/api/v1/administrations/{second['id']}/removal",
                                       json={"reason": "Given to someone else"})
    assert removed.status_code == 200, removed.text
    handle = await _reminder(ts_system, first["id"])
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    await ts_system.env.sleep((await handle.query(SecondDoseReminderWorkflow.detail)).due
                              - await ts_system.env.get_current_time() + HOUR)
    assert await handle.result() == "sent"
    await ts_system.smtp.one(to=other_email, subject=SUBJECT["en"])
