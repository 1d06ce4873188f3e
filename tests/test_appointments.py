"""Appointments: a Location Manager offers a time with places; recipients book it from their
Recipient Portal link. With one place left, two people booking at once get one appointment
and one "this time is full"; a second dose may not be booked before the product's interval."""

import asyncio
import re
import uuid
from datetime import timedelta

from sqlmodel import select

from models.administrations import Appointment, AppointmentSlot
from models.base import utcnow
from models.care_rules import local_today
from models.recipient_rules import recipient_path
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.support.web import CSRF


async def _portal(system, recipient_id: int):
    """A recipient's browser on their booking page: its client, base path and form token."""
    http = system.http()
    base = recipient_path(system.settings.secret_key.get_secret_value(), recipient_id)
    page = await http.get(f"{base}/appointments")
    assert page.status_code == 200, page.text
    return http, base, CSRF.search(page.text)[1]


async def _slot(site, days: int, capacity: int, dose_number: int = 1) -> int:
    made = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": (utcnow() + timedelta(days=days)).isoformat(),
              "capacity": capacity, "dose_number": dose_number})
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def test_two_bookings_of_the_last_place_one_succeeds_one_is_told_full(system):
    site = await vaccinating_site(system)
    slot = await _slot(site, 3, capacity=2)
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
                              data={"csrf_token": token})
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
    early, late = await _slot(site, 20, 5, dose_number=2), await _slot(site, 29, 5, dose_number=2)
    http, base, token = await _portal(system, person["id"])
    too_early = await http.post(f"{base}/appointments", data={"slot_id": str(early),
                                                               "csrf_token": token})
    assert too_early.status_code == 422 and "segunda dosis" in too_early.text
    ok = await http.post(f"{base}/appointments", data={"slot_id": str(late), "csrf_token": token})
    assert ok.status_code == 303
    mail = await system.smtp.one(to=email, subject="Su cita de vacunación")
    assert "dosis 2" in mail.text
    await http.aclose()
