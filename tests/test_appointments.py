"""Appointments: a Location Manager offers a time with places; recipients book it from their
Recipient Portal link. With one place left, two people booking at once get one appointment
and one "this time is full"; a second dose may not be booked before the product's interval."""

import asyncio
import html
import re
import uuid
from datetime import datetime, time, timedelta

from sqlmodel import select

from models.administrations import Appointment, AppointmentSlot
from models.base import as_utc, utcnow
from models.care_rules import EASTERN, local_today
from models.enrollment import Location
from models.recipient_rules import recipient_path
from tests.support.care import give, offer_slot, stock, vaccinating_site, walk_in
from tests.support.late import commit_late
from tests.support.web import CSRF


async def _portal(system, recipient_id: int):
    """A recipient's browser on their booking page: its client, base path and form token."""
    http = system.http()
    base = recipient_path(system.settings.secret_key.get_secret_value(), recipient_id)
    page = await http.get(f"{base}/appointments")
    assert page.status_code == 200, page.text
    return http, base, CSRF.search(page.text)[1]


async def _not_near_midnight(margin: timedelta) -> None:
    """Wait for the local day to turn if it ends within `margin` (a slot booked "in 7 minutes"
    at 23:55 is tomorrow's, and a dose given on its day, tomorrow, is refused as not yet
    given: seen once, a run at 05:00 UTC)."""
    now = utcnow()
    midnight = datetime.combine(local_today(now) + timedelta(days=1), time(0), EASTERN)
    if (left := midnight - now) < margin:
        await asyncio.sleep(left.total_seconds() + 1)


async def test_two_bookings_of_the_last_place_one_succeeds_one_is_told_full(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    refused = await site.provider.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": (utcnow() + timedelta(days=1)).isoformat(), "capacity": 1})
    assert refused.status_code == 403
    emails = [f"b{n}-{uuid.uuid4().hex[:6]}@example.org" for n in range(3)]
    people = [await walk_in(site, email=email) for email in emails]
    portals = [await _portal(system, p["id"]) for p in people]
    first_http, first_base, first_token = portals[0]
    booked = await first_http.post(f"{first_base}/appointments",
                                   data={"slot_id": str(slot), "csrf_token": first_token})
    assert booked.status_code == 303
    answers = await asyncio.gather(*(http.post(f"{base}/appointments",
                                               data={"slot_id": str(slot), "csrf_token": token})
                                     for http, base, token in portals[1:]))
    assert sorted(a.status_code for a in answers) == [303, 409], [a.text[:200] for a in answers]
    full = next(a for a in answers if a.status_code == 409)
    assert "This time is full" in full.text
    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, slot)).booked == 2
        taken = (await session.exec(select(Appointment).where(Appointment.slot_id == slot))).all()
    assert len(taken) == 2
    day = local_today(utcnow() + timedelta(days=3))
    listed = (await site.readonly.get(f"/api/v1/locations/{site.location_id}/appointments",
                                      params={"day": str(day)})).json()
    assert len([a for a in listed if a["slot_id"] == slot]) == 2

    page = await first_http.get(f"{first_base}/appointments")
    appointment = re.search(r"/appointments/(\d+)/cancel", page.text)[1]
    token = CSRF.search(page.text)[1]
    for _ in range(2):  # a second click frees no second place
        await first_http.post(f"{first_base}/appointments/{appointment}/cancel",
                              data={"csrf_token": token, "confirm": "yes"})
    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, slot)).booked == 1
    for http, _base, _token in portals:
        await http.aclose()
    email = emails[0]
    await system.smtp.one(to=email, subject="Your COVID-19 vaccination appointment is booked")
    cancelled = await system.smtp.one(to=email,
                                      subject="Your COVID-19 vaccination appointment is cancelled")
    assert "/appointments" in cancelled.text
    assert len(system.smtp.find(to=email, subject="appointment is cancelled")) == 1


async def test_a_second_dose_is_not_booked_before_the_interval(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"AP-{uuid.uuid4().hex[:5]}")  # 28 days
    email = f"es-{uuid.uuid4().hex[:6]}@example.org"
    person = await walk_in(site, email=email, language="es")
    await give(site, person["id"], lot)
    early, late = await offer_slot(site, 20, 5, dose_number=2), await offer_slot(site, 29, 5, dose_number=2)
    http, base, token = await _portal(system, person["id"])
    too_early = await http.post(f"{base}/appointments", data={"slot_id": str(early),
                                                               "csrf_token": token})
    assert too_early.status_code == 422 and "segunda dosis" in too_early.text
    ok = await http.post(f"{base}/appointments", data={"slot_id": str(late), "csrf_token": token})
    assert ok.status_code == 303
    mail = await system.smtp.one(to=email, subject="Su cita de vacunación")
    assert "dosis 2" in mail.text
    await http.aclose()


async def test_only_the_next_dose_of_a_registered_eligible_person_is_booked(system):
    """A first dose is booked once eligible (a phase not yet open: refused, the page says why
    and offers no time, also when a time is sent anyway); after dose 1 only second-dose times are offered, each naming its
    dose, and a first-dose time sent by hand is refused. The interval's day is written in the
    person's language, not as 2026-12-31."""
    site = await vaccinating_site(system)
    first = await offer_slot(site, 3, 5)
    waiting = await walk_in(site, industry="other")  # 46, no answers: a later phase
    http = system.http()
    base = recipient_path(system.settings.secret_key.get_secret_value(), waiting["id"])
    page = (await http.get(f"{base}/appointments")).text
    assert "once you are eligible" in page and "Book this time" not in page
    token = CSRF.search((await http.get("/login")).text)[1]  # any form's token will do
    refused = await http.post(f"{base}/appointments",
                              data={"slot_id": str(first), "csrf_token": token})
    assert refused.status_code == 422 and "once you are eligible" in refused.text
    # the refusal is the page they had: the reason and their portal link, no empty time list
    assert "Book this time" not in refused.text and 'id="slot_id"' not in refused.text
    assert re.search(r'id="slot_id-error" role="alert">You can book a first dose once',
                     refused.text) and "Open your Recipient Portal page" in refused.text
    await http.aclose()
    lot = await stock(system, site, "207", f"AP-{uuid.uuid4().hex[:5]}")  # 28 days
    given = await walk_in(site, language="es")
    await give(site, given["id"], lot)
    early, late = await offer_slot(site, 20, 5, dose_number=2), await offer_slot(site, 29, 5, dose_number=2)
    http, base, token = await _portal(system, given["id"])
    page = (await http.get(f"{base}/appointments")).text
    assert f'value="{late}"' in page and f'value="{first}"' not in page
    assert "dosis 2" in page and "dosis 1" not in page
    again = await http.post(f"{base}/appointments",
                            data={"slot_id": str(first), "csrf_token": token})
    assert again.status_code == 422 and "su próxima dosis es la dosis 2" in again.text
    too_early = await http.post(f"{base}/appointments",
                                data={"slot_id": str(early), "csrf_token": token})
    assert too_early.status_code == 422
    assert re.search(r"antes del \d+ de \w+ de 20\d\d", too_early.text), too_early.text
    async with system.sessions() as session:
        assert not (await session.exec(select(Appointment).where(
            Appointment.recipient_id.in_([waiting["id"], given["id"]])))).all()
    await http.aclose()


async def _booking(system, appointment_id: int) -> tuple[Appointment, list[int]]:
    async with system.sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        slots = (await session.exec(select(AppointmentSlot).where(
            AppointmentSlot.location_id == (await session.get(
                AppointmentSlot, appointment.slot_id)).location_id)
            .order_by(AppointmentSlot.id))).all()
        return appointment, [s.booked for s in slots]


async def _book(system, recipient_id: int, email: str, slot: int) -> tuple:
    """The recipient books `slot` from their portal (another time is on offer): the portal's
    client, base path and form token, and the appointment's id once its email came."""
    http, base, token = await _portal(system, recipient_id)
    assert (await http.post(f"{base}/appointments",
                            data={"slot_id": str(slot), "csrf_token": token})).status_code == 303
    await system.smtp.one(to=email, subject="appointment is booked")
    page = await http.get(f"{base}/appointments")
    return http, base, token, int(re.search(r"/appointments/(\d+)/reschedule", page.text)[1])


def _long_time(starts_at, language: str = "en") -> str:
    from core import i18n
    with i18n.language(language):
        return i18n.local_when(starts_at)


async def test_a_manager_turns_scheduling_off_and_booking_stops_but_booked_ones_stay(system):
    site = await vaccinating_site(system)
    other = await vaccinating_site(system)
    slot = await offer_slot(site, 4, capacity=5)
    kept = await walk_in(site, email=f"kept-{uuid.uuid4().hex[:6]}@example.org")
    http, base, token = await _portal(system, kept["id"])
    assert (await http.post(f"{base}/appointments",
                            data={"slot_id": str(slot), "csrf_token": token})).status_code == 303
    newcomer = await walk_in(site, language="es")
    new_http, new_base, new_token = await _portal(system, newcomer["id"])  # a page open before
    switch = f"/api/v1/locations/{site.location_id}/appointment-scheduling"
    # only this location's managers: another location's manager finds nothing, a provider is
    # refused, a bad value is named
    assert (await other.manager.put(switch, json={"appointments_on": False})).status_code == 404
    assert (await site.provider.put(switch, json={"appointments_on": False})).status_code == 403
    bad = await site.manager.put(switch, json={"appointments_on": "maybe"})
    assert bad.status_code == 422 and "appointments_on" in bad.text
    off = await site.manager.put(switch, json={"appointments_on": False})
    assert off.status_code == 200 and off.json() == {"location_id": site.location_id,
                                                     "appointments_on": False}

    page = await new_http.get(f"{new_base}/appointments")
    assert "Este lugar de vacunación no da citas. Puede venir sin cita." in page.text
    assert 'name="slot_id"' not in page.text
    refused = await new_http.post(f"{new_base}/appointments",
                                  data={"slot_id": str(slot), "csrf_token": new_token})
    assert refused.status_code == 409 and 'id="slot_id-error"' in refused.text
    assert "no da citas" in refused.text
    english = await http.get(f"{base}/appointments")
    # said of a booked person's own appointment, not "does not take appointments" beside it
    # (found by the outside check)
    assert "no longer takes new appointments, but yours stays booked" in english.text
    assert "This location does not take appointments." not in english.text
    assert "Cancel this appointment" in english.text, "the booked appointment stays"
    assert "/reschedule" not in english.text
    no_slot = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": (utcnow() + timedelta(days=5)).isoformat(), "capacity": 2})
    assert no_slot.status_code == 409 and "appointments_on" in no_slot.json()["errors"]
    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, slot)).booked == 1

    # the page switch: the foreign manager cannot, this one turns it back on
    form = f"/care/{site.location_id}/appointments"
    foreign_page = await other.manager.get(f"/care/{other.location_id}/appointments")
    foreign_token = CSRF.search(foreign_page.text)[1]
    foreign = await other.manager.post(f"{form}/scheduling", data={
        "appointments_on": "on", "csrf_token": foreign_token})
    assert foreign.status_code == 404
    own_page = await site.manager.get(form)
    assert "Scheduling is <strong>off</strong>" in own_page.text
    on = await site.manager.post(f"{form}/scheduling", data={
        "appointments_on": "on", "csrf_token": CSRF.search(own_page.text)[1]})
    assert on.status_code == 303
    assert 'name="slot_id"' in (await new_http.get(f"{new_base}/appointments")).text
    for client in (http, new_http):
        await client.aclose()


async def test_cancelling_with_scheduling_off_is_not_said_to_free_a_place_to_book(system):
    """Found by the outside check: with scheduling turned off, the question before a kept
    booking is cancelled still said "Your place goes to the next person who books it" (nobody
    can book, the person included); it now says they could not book again but can come as
    a walk-in, in their language."""
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 4, capacity=5)
    said = {"en": (f"{site.name} no longer takes new appointments: you could not book another "
                   f"time, but you can come as a walk-in.", "Your place goes to the next person"),
            "es": (f"{site.name} ya no da citas nuevas: no podría reservar otra hora, pero puede "
                   f"venir sin cita.", "Su lugar será para la próxima persona")}
    booked = {}
    for language in said:
        person = await walk_in(site, language=language)
        http, base, token = await _portal(system, person["id"])
        assert (await http.post(f"{base}/appointments", data={
            "slot_id": str(slot), "csrf_token": token})).status_code == 303
        booked[language] = (http, base, token)
    off = await site.manager.put(f"/api/v1/locations/{site.location_id}/appointment-scheduling",
                                 json={"appointments_on": False})
    assert off.status_code == 200, off.text
    for language, (http, base, token) in booked.items():
        page = await http.get(f"{base}/appointments")
        appointment = re.search(r"/appointments/(\d+)/cancel", page.text)[1]
        asked = await http.post(f"{base}/appointments/{appointment}/cancel",
                                data={"csrf_token": token})
        assert asked.status_code == 200, asked.text
        walk_ins, next_person = said[language]
        assert walk_ins in html.unescape(asked.text) and next_person not in asked.text
        await http.aclose()


async def test_a_recipient_moves_the_booking_in_one_step_and_is_emailed_the_new_time(system):
    site = await vaccinating_site(system)
    first, second = await offer_slot(site, 3, capacity=1), await offer_slot(site, 6, capacity=2)
    full = await offer_slot(site, 8, capacity=1)
    email = f"move-{uuid.uuid4().hex[:6]}@example.org"
    person = await walk_in(site, email=email)
    taker = await walk_in(site)
    taker_http, taker_base, taker_token = await _portal(system, taker["id"])
    assert (await taker_http.post(f"{taker_base}/appointments", data={
        "slot_id": str(full), "csrf_token": taker_token})).status_code == 303
    http, base, token, appointment = await _book(system, person["id"], email, first)

    moved = await http.post(f"{base}/appointments/{appointment}/reschedule",
                            data={"slot_id": str(second), "csrf_token": token})
    assert moved.status_code == 303
    row, booked = await _booking(system, appointment)
    assert (row.slot_id, row.status, row.moves) == (second, "booked", 1)
    assert booked == [0, 1, 1], "the old place is free, the new one taken"
    async with system.sessions() as session:
        new_time = (await session.get(AppointmentSlot, second)).starts_at
    changed = await system.smtp.one(to=email,
                                    subject="Your COVID-19 vaccination appointment is changed")
    assert _long_time(new_time) in changed.text and "moved to a new time" in changed.text

    into_full = await http.post(f"{base}/appointments/{appointment}/reschedule",
                                data={"slot_id": str(full), "csrf_token": token})
    assert into_full.status_code == 409 and "This time is full" in into_full.text
    assert 'id="slot_id-error"' in into_full.text
    assert await _booking(system, appointment) == (row, booked), "nothing changed"
    same = await http.post(f"{base}/appointments/{appointment}/reschedule",
                           data={"slot_id": str(second), "csrf_token": token})
    assert same.status_code == 422 and "already the time" in same.text
    bad = await http.post(f"{base}/appointments/{appointment}/reschedule",
                          data={"slot_id": "soon", "csrf_token": token})
    assert bad.status_code == 422 and 'id="slot_id-error"' in bad.text
    # the freed place is bookable again
    again = await taker_http.get(f"{taker_base}/appointments")
    assert f'value="{first}"' in again.text

    cancel_page = await http.get(f"{base}/appointments")
    await http.post(f"{base}/appointments/{appointment}/cancel",
                    data={"csrf_token": CSRF.search(cancel_page.text)[1], "confirm": "yes"})
    cancelled = await system.smtp.one(to=email, subject="appointment is cancelled")
    assert _long_time(new_time) in cancelled.text
    late = await http.post(f"{base}/appointments/{appointment}/reschedule",
                           data={"slot_id": str(first), "csrf_token": token})
    assert late.status_code == 409
    assert len(system.smtp.find(to=email, subject="appointment is changed")) == 1
    for client in (http, taker_http):
        await client.aclose()


async def test_a_moved_second_dose_keeps_the_interval(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"MV-{uuid.uuid4().hex[:5]}")  # 28 days
    person = await walk_in(site)
    await give(site, person["id"], lot)
    late, later = await offer_slot(site, 30, 5, dose_number=2), await offer_slot(site, 35, 5, dose_number=2)
    early = await offer_slot(site, 20, 5, dose_number=2)
    http, base, token = await _portal(system, person["id"])
    assert (await http.post(f"{base}/appointments",
                            data={"slot_id": str(late), "csrf_token": token})).status_code == 303
    page = await http.get(f"{base}/appointments")
    appointment = int(re.search(r"/appointments/(\d+)/reschedule", page.text)[1])
    too_early = await http.post(f"{base}/appointments/{appointment}/reschedule",
                                data={"slot_id": str(early), "csrf_token": token})
    assert too_early.status_code == 422 and "second dose cannot be before" in too_early.text
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).slot_id == late
        assert (await session.get(AppointmentSlot, early)).booked == 0
    ok = await http.post(f"{base}/appointments/{appointment}/reschedule",
                         data={"slot_id": str(later), "csrf_token": token})
    assert ok.status_code == 303
    await http.aclose()


async def test_an_appointment_whose_time_passed_is_not_moved(system):
    site = await vaccinating_site(system)
    past, future = await offer_slot(site, 1, 3), await offer_slot(site, 4, 3)
    person = await walk_in(site)
    http, base, token = await _portal(system, person["id"])
    assert (await http.post(f"{base}/appointments",
                            data={"slot_id": str(past), "csrf_token": token})).status_code == 303
    async with system.sessions() as session:
        slot = await session.get(AppointmentSlot, past)
        slot.starts_at = utcnow() - timedelta(hours=1)
        session.add(slot)
        await session.commit()
        appointment = (await session.exec(select(Appointment).where(
            Appointment.slot_id == past))).one().id
    refused = await http.post(f"{base}/appointments/{appointment}/reschedule",
                              data={"slot_id": str(future), "csrf_token": token})
    assert refused.status_code == 409 and "has passed" in refused.text
    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, future)).booked == 0
    page = await http.get(f"{base}/appointments")
    assert f"/appointments/{appointment}/" not in page.text, "a past one is not shown as booked"
    again = await http.post(f"{base}/appointments",
                            data={"slot_id": str(future), "csrf_token": token})
    assert again.status_code == 303, "a past appointment does not stop the next booking"
    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, future)).booked == 1
    await http.aclose()


async def _booked(system, site, email: str, days: int, other_days: int) -> tuple:
    """A recipient (their portal) booked `days` ahead, with another time offered
    `other_days` ahead: the portal, the appointment's id and the other time's."""
    slot = await offer_slot(site, days, capacity=2)
    other = await offer_slot(site, other_days, capacity=1)
    person = await walk_in(site, email=email)
    return *await _book(system, person["id"], email, slot), other


async def test_a_move_to_an_earlier_time_is_emailed_at_once_even_if_the_process_looks_first(
        system, monkeypatch):
    """The process is told of a move before the API commits it: it waits until it sees the
    move instead of waiting for the old time (days away) to learn of the earlier one."""
    # the process reads the booking before this commits
    email, _appointment, earlier = await _moved_committing_late(system, monkeypatch, 1.5)
    async with system.sessions() as session:
        new_time = (await session.get(AppointmentSlot, earlier)).starts_at
    changed = await system.smtp.one(to=email, subject="appointment is changed", timeout=30)
    assert _long_time(new_time) in changed.text


async def _moved_committing_late(system, monkeypatch, seconds: float) -> tuple[str, int, int]:
    """A booked person moves to an earlier time whose commit comes `seconds` after the
    process is told: (their email, the appointment, the new time's slot)."""
    from api.processes import appointments as process

    site = await vaccinating_site(system)
    email = f"late-{uuid.uuid4().hex[:6]}@example.org"
    http, base, token, appointment, earlier = await _booked(system, site, email, 8, 2)
    commit_late(monkeypatch, process, "changed", seconds)
    moved = await http.post(f"{base}/appointments/{appointment}/reschedule",
                            data={"slot_id": str(earlier), "csrf_token": token})
    await http.aclose()
    assert moved.status_code == 303
    return email, appointment, earlier


async def test_a_move_committed_a_moment_after_the_process_looks_costs_no_failed_attempt(
        system, monkeypatch):
    """The process read the booking before the move's commit and failed the attempt (a
    traceback in the worker's log at every move, a retry a second later): it now looks again
    for a moment within the attempt."""
    from temporalio.api.enums.v1 import EventType

    from workflows import ids

    email, appointment, _earlier = await _moved_committing_late(system, monkeypatch, 0.2)
    await system.smtp.one(to=email, subject="appointment is changed", timeout=30)
    history = await system.client.get_workflow_handle(ids.appointment(appointment)
                                                      ).fetch_history()
    attempts = [event.activity_task_started_event_attributes.attempt for event in history.events
                if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED]
    assert attempts and set(attempts) == {1}, attempts


async def test_with_temporal_away_a_move_is_not_made_and_the_page_says_try_again(
        system, monkeypatch):
    from temporalio.client import WorkflowHandle
    from temporalio.service import RPCError, RPCStatusCode

    site = await vaccinating_site(system)
    email = f"away-{uuid.uuid4().hex[:6]}@example.org"
    http, base, token, appointment, other = await _booked(system, site, email, 8, 4)
    before = await _booking(system, appointment)

    async def unreachable(*_args, **_kwargs):
        raise RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b"")

    monkeypatch.setattr(WorkflowHandle, "signal", unreachable)
    refused = await http.post(f"{base}/appointments/{appointment}/reschedule",
                              data={"slot_id": str(other), "csrf_token": token})
    assert refused.status_code == 503
    assert "try again" in refused.text and 'id="slot_id-error"' in refused.text
    assert f'value="{other}" checked' in refused.text or f'value="{other}"' in refused.text
    row, booked = await _booking(system, appointment)
    assert (row.slot_id, row.moves) == (before[0].slot_id, 0), "nothing moved"
    assert booked == before[1], "the new time's place was not taken"
    kept = await http.post(f"{base}/appointments/{appointment}/cancel",
                           data={"csrf_token": token, "confirm": "yes"})
    assert kept.status_code == 503 and "try again" in kept.text
    row, booked = await _booking(system, appointment)
    assert (row.status, booked) == ("booked", before[1]), "nothing was cancelled"
    # Temporal back: until something reaches it again, the gateway refuses actions unsent for
    # a few seconds (it was told the server was not there); the health check reaches it.
    monkeypatch.undo()
    async with system.http() as probe:
        for _ in range(3):  # as an orchestrator asks: a loaded machine may miss one 3 s check
            health = (await probe.get("/healthz")).json()["components"]
            if health["temporal"]["status"] == health["worker"]["status"] == "ok":
                break
    assert health["temporal"]["status"] == health["worker"]["status"] == "ok", health
    moved = await http.post(f"{base}/appointments/{appointment}/reschedule",
                            data={"slot_id": str(other), "csrf_token": token})
    assert moved.status_code in (200, 303), moved.text[:300]
    await http.aclose()


async def test_a_time_offered_in_north_carolina_is_shown_and_emailed_at_that_time(system):
    """10:00 Eastern stays 10:00 AM on the booking page and in the email, on SQLite too (which
    keeps no zone: it stored the wall clock and read it back as UTC, 5:00 AM); a time sent
    without its zone names no moment and is refused on the field."""
    site = await vaccinating_site(system)
    day = local_today(utcnow() + timedelta(days=4))
    made = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": f"{day.isoformat()}T10:00:00-05:00", "capacity": 1})
    assert made.status_code == 201, made.text
    async with system.sessions() as session:
        stored = (await session.get(AppointmentSlot, made.json()["id"])).starts_at
    assert stored == datetime.fromisoformat(f"{day.isoformat()}T15:00:00+00:00")
    twice = await site.manager.post(  # the same moment, written in UTC: offered already
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": f"{day.isoformat()}T15:00:00Z", "capacity": 3})
    assert twice.status_code == 409 and "starts_at" in twice.json()["errors"], twice.text
    naive = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": f"{day.isoformat()}T10:00:00", "capacity": 1})
    assert naive.status_code == 422
    assert naive.json()["errors"].keys() == {"starts_at"}, naive.text
    email = f"tz-{uuid.uuid4().hex[:8]}@example.org"
    http, base, token = await _portal(system, (await walk_in(site, email=email))["id"])
    page = await http.get(f"{base}/appointments")
    assert "10:00" in page.text and "5:00" not in page.text
    booked = await http.post(f"{base}/appointments",
                             data={"slot_id": str(made.json()["id"]), "csrf_token": token})
    assert booked.status_code == 303, booked.text
    await http.aclose()
    mail = await system.smtp.one(to=email, subject="appointment")
    assert "10:00" in mail.text and "5:00" not in mail.text, mail.text
    async with system.sessions() as session:
        place = await session.get(Location, site.location_id)
    assert f"\nWhere: {place.street}, {place.city}, {place.state} {place.zip_code}" in mail.text


async def test_a_dose_given_closes_its_booking_and_too_early_times_are_not_offered(system):
    """Found by the check of the fixes: with dose 1 booked for tomorrow and given today, the
    page still showed the dose 1 booking and offered to move it to a dose 2 time the next day
    (due only after the interval). The booking of a dose given is no longer shown as coming
    (nor does it stop the next booking); dose 2 times before the due day are not offered, and
    moving any booking to one is refused."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"AP-{uuid.uuid4().hex[:5]}")  # 28 days
    email = f"gv-{uuid.uuid4().hex[:8]}@example.org"
    person = await walk_in(site, email=email)
    tomorrow_first = await offer_slot(site, 1, 3)
    await offer_slot(site, 3, 3)  # another first-dose time: the booking can be moved
    too_early, due = await offer_slot(site, 2, 3, dose_number=2), await offer_slot(site, 30, 3, dose_number=2)
    http, base, token, appointment = await _book(system, person["id"], email, tomorrow_first)
    assert (await give(site, person["id"], lot)).status_code == 201
    page = (await http.get(f"{base}/appointments")).text
    assert f'value="{due}"' in page and f'value="{too_early}"' not in page, page
    assert f"/appointments/{appointment}/reschedule" not in page, "the dose 1 booking is done"
    moved = await http.post(f"{base}/appointments/{appointment}/reschedule",
                            data={"slot_id": str(too_early), "csrf_token": token})
    assert moved.status_code in (409, 422), moved.text[:300]
    booked = await http.post(f"{base}/appointments",
                             data={"slot_id": str(due), "csrf_token": token})
    assert booked.status_code == 303, booked.text[:300]
    await http.aclose()


async def test_a_dose_given_frees_its_booking_and_a_dose_given_earlier_tells_the_person(system):
    """Found by the outside check: Emma booked dose 1 for another day, a provider recorded her
    dose 1 today: the staff's day list still showed her booked, the time "1 of 2" taken and
    her own page no longer offered to cancel it. Now the booking is released (its place free,
    gone from that day's list) and she is emailed that it is no longer needed; a booking for
    the day the dose is given at that location is done (listed as given, its place free, no
    email)."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"RL-{uuid.uuid4().hex[:5]}")  # 28 days
    email = f"rl-{uuid.uuid4().hex[:8]}@example.org"
    emma = await walk_in(site, email=email)
    later = await offer_slot(site, 2, capacity=2)
    await offer_slot(site, 3, capacity=1)  # another time: the booking can be moved
    http, base, _token, appointment = await _book(system, emma["id"], email, later)
    assert (await give(site, emma["id"], lot)).status_code == 201
    row, _booked = await _booking(system, appointment)
    async with system.sessions() as session:
        slot = await session.get(AppointmentSlot, later)
    assert (row.status, slot.booked) == ("released", 0)
    day = local_today(as_utc(slot.starts_at))
    listed = (await site.readonly.get(f"/api/v1/locations/{site.location_id}/appointments",
                                      params={"day": str(day)})).json()
    assert [a for a in listed if a["slot_id"] == later] == []
    page = await site.manager.get(f"/care/{site.location_id}/appointments",
                                  params={"day": str(day)})
    assert "No appointment that day." in page.text
    assert "0 of 2" in page.text
    told = await system.smtp.one(to=email, subject="appointment is no longer needed", timeout=30)
    assert _long_time(slot.starts_at) in told.text and "dose 1 is recorded" in told.text
    assert not system.smtp.find(to=email, subject="appointment is cancelled")
    await http.aclose()

    # booked for today and given today at this location: done, not cancelled
    other_email = f"rd-{uuid.uuid4().hex[:8]}@example.org"
    came = await walk_in(site, email=other_email)
    await _not_near_midnight(timedelta(minutes=8))  # the slot and the dose: the same day
    soon = await offer_slot(site, 0.005, capacity=1)  # in 7 minutes
    async with system.sessions() as session:
        today = local_today(as_utc((await session.get(AppointmentSlot, soon)).starts_at))
    http, base, _token, booked_today = await _book(system, came["id"], other_email, soon)
    assert (await give(site, came["id"], lot, on=today)).status_code == 201
    row, _booked = await _booking(system, booked_today)
    async with system.sessions() as session:
        assert (row.status, (await session.get(AppointmentSlot, soon)).booked) == ("attended", 0)
    page = await site.manager.get(f"/care/{site.location_id}/appointments",
                                  params={"day": str(today)})
    assert "Dose given" in page.text
    await asyncio.sleep(2)
    assert not system.smtp.find(to=other_email, subject="no longer needed")
    assert not system.smtp.find(to=other_email, subject="appointment is cancelled")
    await http.aclose()


async def test_the_booking_page_says_where_to_come(system):
    """Found by the outside check: the booked appointment showed only "Dose 1: December 5,
    2026, 2:30 PM EST" (the email names the place and its address), and with scheduling off
    "Walk-ins are welcome" said neither where nor when. Now both name the place and address."""
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    await offer_slot(site, 4, capacity=2)
    email = f"wh-{uuid.uuid4().hex[:8]}@example.org"
    person = await walk_in(site, email=email)
    http, base, _token, _appointment = await _book(system, person["id"], email, slot)
    page = (await http.get(f"{base}/appointments")).text
    assert f"Where: {site.name}, 1 Main St, Raleigh, NC 27601" in page
    await http.aclose()
    off = await site.manager.put(f"/api/v1/locations/{site.location_id}/appointment-scheduling",
                                 json={"appointments_on": False})
    assert off.status_code == 200
    visitor = await walk_in(site, language="es")
    http = system.http()
    base = recipient_path(system.settings.secret_key.get_secret_value(), visitor["id"])
    page = (await http.get(f"{base}/appointments")).text
    assert "Puede venir sin cita." in page
    assert f"{site.name} atiende sin cita: venga a 1 Main St, Raleigh, NC 27601." in page
    await http.aclose()


async def test_a_time_without_a_zone_is_said_in_people_words(system):
    """Found by the outside check: a slot time without a zone answered pydantic's "Input
    should have timezone info"."""
    site = await vaccinating_site(system)
    answer = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": "2031-03-01T09:00:00", "capacity": 2})
    assert answer.status_code == 422, answer.text
    message = answer.json()["errors"]["starts_at"]
    assert "Input should" not in message and "time zone" in message, message


async def test_a_recipient_is_asked_before_an_appointment_is_cancelled(system):
    """Found by the outside check: "Cancel this appointment" cancelled at once (a mis-tap lost
    the place). The button now asks first, on a page of its own (no script needed): nothing
    is cancelled until the recipient says yes, and "keep" leaves the booking as it was. The
    question page holds the question only (not the move form before it)."""
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    await offer_slot(site, 4, capacity=2)
    email = f"ask-{uuid.uuid4().hex[:8]}@example.org"
    person = await walk_in(site, email=email)
    http, base, token, appointment = await _book(system, person["id"], email, slot)
    asked = await http.post(f"{base}/appointments/{appointment}/cancel",
                            data={"csrf_token": token})
    assert asked.status_code == 200, asked.text
    assert "Cancel your appointment for dose 1 on" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and "No, keep my appointment" in asked.text
    # the question is what the page asks: no move form before "Yes, cancel" (a keyboard's
    # Tab reached "Move my appointment" first); "No, keep" brings the page back whole
    assert "/reschedule" not in asked.text and 'id="slot_id"' not in asked.text
    kept = await http.get(f"{base}/appointments")
    assert f"{base}/appointments/{appointment}/reschedule" in kept.text
    row, booked = await _booking(system, appointment)
    assert row.status == "booked" and booked[0] == 1, "nothing cancelled yet"
    assert not system.smtp.find(to=email, subject="appointment is cancelled")
    done = await http.post(f"{base}/appointments/{appointment}/cancel",
                           data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 303
    row, booked = await _booking(system, appointment)
    assert row.status != "booked" and booked[0] == 0
    await system.smtp.one(to=email, subject="appointment is cancelled")
    await http.aclose()
