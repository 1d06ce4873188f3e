"""Appointments: Location Managers offer slots (API), staff see the day's appointments, and
recipients book and cancel from their Recipient Portal link (English or Spanish)."""

from datetime import date, datetime
from typing import Annotated

from babel.dates import format_datetime
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, ProcessesDep, SessionDep, SettingsDep
from api.domain import appointments, care
from api.forms import form_values
from api.pages import redirect, render
from api.params import Id, form_id
from api.routers.recipient_portal import _language, _page, _person
from core import i18n
from core.errors import CVMSError
from core.i18n import gettext
from core.timefmt import EASTERN
from models.base import as_utc, utcnow
from models.care_rules import local_today

router = APIRouter(tags=["appointments"])
pages = APIRouter(include_in_schema=False)


class SlotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: datetime
    capacity: Annotated[int, Field(ge=1, le=1000)]
    dose_number: Annotated[int, Field(ge=1, le=6)] = 1


class SlotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    location_id: int
    starts_at: datetime
    capacity: int
    booked: int
    dose_number: int


class DayAppointment(BaseModel):
    appointment_id: int
    slot_id: int
    starts_at: datetime
    dose_number: int
    recipient_id: int
    name: str


@router.post("/api/v1/locations/{location_id}/appointment-slots", response_model=SlotOut,
             status_code=201, summary="Offer a time with a number of places")
async def add_slot(location_id: Id, body: SlotIn, user: CurrentUser,
                   session: SessionDep) -> SlotOut:
    location = await care.care_site(session, user, location_id, write=True)
    return SlotOut.model_validate(await appointments.add_slot(
        session, location, body.starts_at, body.capacity, body.dose_number))


@router.get("/api/v1/locations/{location_id}/appointments", response_model=list[DayAppointment],
            summary="The day's appointments at the location")
async def day_list(location_id: Id, user: CurrentUser, session: SessionDep,
                   day: Annotated[date, Query()]) -> list[DayAppointment]:
    location = await care.care_site(session, user, location_id)
    return [DayAppointment(appointment_id=a.id, slot_id=s.id, starts_at=s.starts_at,
                           dose_number=s.dose_number, recipient_id=r.id, name=r.full_name)
            for s, a, r in await appointments.of_day(session, location.id, day)]


def _at(moment: datetime) -> str:
    """A slot's time in the language of the moment, North Carolina time with its zone."""
    return format_datetime(as_utc(moment), "long", tzinfo=EASTERN, locale=i18n.locale())


async def _booking_page(request, session, person, base: str, errors: dict | None = None,
                        status_code: int = 200) -> HTMLResponse:
    slots = await appointments.open_slots(session, person.location_id)
    booked = await appointments.booked_for(session, person)
    return _page(request, "proof/appointments.html", {
        "person": person, "base": base, "errors": errors or {}, "at": _at,
        "slots": [(str(s.id), f"{_at(s.starts_at)} ({s.capacity - s.booked})") for s in slots],
        "booked": booked}, status_code)


@pages.get("/r/{recipient_id}/{key}/appointments", response_class=HTMLResponse)
async def booking(request: Request, recipient_id: Id, key: str, session: SessionDep,
                  settings: SettingsDep) -> HTMLResponse:
    person = await _person(request, session, settings, recipient_id, key)
    _language(request, person)
    return await _booking_page(request, session, person, f"/r/{recipient_id}/{key}")


@pages.post("/r/{recipient_id}/{key}/appointments", response_class=HTMLResponse)
async def book(request: Request, recipient_id: Id, key: str, session: SessionDep,
               settings: SettingsDep, gateway: ProcessesDep) -> Response:
    person = await _person(request, session, settings, recipient_id, key)
    _language(request, person)
    base = f"/r/{recipient_id}/{key}"
    values = await form_values(request)
    try:
        await appointments.book(session, gateway, person, form_id(values, "slot_id") or 0)
        await session.commit()
    except CVMSError as error:
        await session.rollback()
        person = await _person(request, session, settings, recipient_id, key)
        return await _booking_page(request, session, person, base,
                                   error.errors or {"slot_id": error.message},
                                   error.status_code)
    return redirect(f"{base}/appointments", notice=gettext("Your appointment is booked."))


@pages.post("/r/{recipient_id}/{key}/appointments/{appointment_id}/cancel",
            response_class=HTMLResponse)
async def cancel(request: Request, recipient_id: Id, key: str, appointment_id: Id,
                 session: SessionDep, settings: SettingsDep,
                 gateway: ProcessesDep) -> Response:
    person = await _person(request, session, settings, recipient_id, key)
    _language(request, person)
    await appointments.cancel(session, gateway, person, appointment_id)
    await session.commit()
    return redirect(f"/r/{recipient_id}/{key}/appointments",
                    notice=gettext("Your appointment is cancelled."))


@pages.get("/care/{location_id}/appointments", response_class=HTMLResponse)
async def day_page(request: Request, location_id: Id, user: CurrentUser,
                   session: SessionDep) -> HTMLResponse:
    """The day's appointments for providers (today unless another day is asked for)."""
    location = await care.care_site(session, user, location_id)
    asked = request.query_params.get("day", "")
    try:
        day = date.fromisoformat(asked) if asked else local_today(utcnow())
    except ValueError:
        day = local_today(utcnow())
    return render(request, "care/appointments.html", {
        "location": location, "day": day, "tab": "appointments",
        "rows": await appointments.of_day(session, location.id, day)})
