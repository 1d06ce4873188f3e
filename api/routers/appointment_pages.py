"""Appointments: Location Managers turn scheduling on or off and offer slots, staff see
the day's appointments, recipients book, move and cancel from their Recipient Portal link
(English or Spanish), and the location's staff do the same for a person registered there (who
phoned, or asked at the desk): the same rules, the same emails to the person."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from starlette.status import HTTP_204_NO_CONTENT

from api.deps import CurrentUser, ProcessesDep, SessionDep, SettingsDep, rollback_keeping
from api.domain import appointments, care
from api.domain.scope import may_manage, site_for_staff
from api.domain.series import series_of
from api.forms import form_values, parse
from api.pages import redirect, render
from api.params import Id, form_id
from api.routers.recipient_portal import _person, bilingual_page, choose_language
from api.routing import Router
from core import i18n
from core.errors import CVMSError, Forbidden, Invalid, NotFound
from core.i18n import N_, gettext
from core.timefmt import EASTERN
from core.wording import counted
from models.administrations import AppointmentSlot
from models.base import as_utc, utcnow
from models.care_rules import local_today
from models.enrollment import Location
from models.fields import AsTyped
from models.input import Input
from models.portal_rules import MANAGER

router = Router(tags=["appointments"])
pages = Router(include_in_schema=False)


OFFERED_LISTED = 50  # the times offered that the appointments page lists at once
HORIZON = timedelta(days=366)  # times are offered for the coming year: 2099 is a typing slip
FAR = "Offer times within the next year."
Places = Annotated[int, Field(ge=1, le=1000), AsTyped]  # "1,000" as people write it


class SlotIn(Input):
    starts_at: AwareDatetime  # with its zone: 10:00 alone names no moment
    capacity: Places
    dose_number: Annotated[int, Field(ge=1, le=6)] = 1

    @field_validator("starts_at")
    @classmethod
    def _coming_year(cls, value: datetime) -> datetime:
        """To the minute, as every page and email shows it: 10:00:30 is 10:00 (offered twice
        with seconds, one time showed twice), the answer giving the time kept."""
        if value - utcnow() > HORIZON:
            raise ValueError(FAR)
        return value.replace(second=0, microsecond=0)


class SlotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    location_id: int
    starts_at: datetime
    capacity: int
    booked: int
    dose_number: int


class SlotForm(BaseModel):
    """The page's "Offer a time": a North Carolina day and clock time."""

    model_config = ConfigDict(extra="forbid")

    day: date
    at: time
    capacity: Places
    dose_number: Annotated[int, Field(ge=1, le=2)] = 1

    @field_validator("day")
    @classmethod
    def _from_today(cls, value: date) -> date:
        today = local_today(utcnow())
        if value < today:
            raise ValueError("Choose today or a later day.")
        if value > today + HORIZON:
            raise ValueError(FAR)
        return value

    @field_validator("at")
    @classmethod
    def _on_the_clock(cls, value: time, info: ValidationInfo) -> time:
        """A time the clocks skip (2:30 AM the day they spring forward) names no moment; one
        they pass twice (1:30 AM the day they fall back) names two."""
        day = info.data.get("day")
        if day is not None:
            moment = datetime.combine(day, value, EASTERN)
            if moment.astimezone(UTC).astimezone(EASTERN).time() != value:
                raise ValueError("This time does not exist that day: clocks move forward from "
                                 "2:00 to 3:00 AM. Choose another time.")
            if moment.utcoffset() != moment.replace(fold=1).utcoffset():
                raise ValueError("This time happens twice that day: clocks move back from "
                                 "2:00 to 1:00 AM. Choose another time.")
        return value.replace(second=0, microsecond=0)  # to the minute, as it is shown

    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.at, EASTERN)


class SchedulingIn(Input):
    appointments_on: bool


class SchedulingOut(BaseModel):
    location_id: int
    appointments_on: bool


class DayAppointment(BaseModel):
    appointment_id: int
    slot_id: int
    starts_at: datetime
    dose_number: int
    recipient_id: int
    name: str
    status: str  # booked, or attended: the dose was given
    # a first dose booked while eligible whose answers since say not eligible now: why to
    # check their eligibility before the dose (the booking stands); None otherwise
    flag: str | None = None


@router.post("/api/v1/locations/{location_id}/appointment-slots", response_model=SlotOut,
             status_code=201, summary="Offer a time with a number of places")
async def add_slot(location_id: Id, body: SlotIn, user: CurrentUser,
                   session: SessionDep) -> SlotOut:
    location = await care.care_site(session, user, location_id, write=True)
    return SlotOut.model_validate(await appointments.add_slot(
        session, location, body.starts_at, body.capacity, body.dose_number))


class PlacesIn(Input):
    capacity: Places


@router.get("/api/v1/locations/{location_id}/appointment-slots", response_model=list[SlotOut],
            summary="The times offered from now on (the next 50), full or not",
            description="`after` (with its time zone): the next 50 after that moment, e.g. "
                        "the last `starts_at` of the page before.")
async def list_slots(location_id: Id, user: CurrentUser, session: SessionDep,
                     after: Annotated[AwareDatetime | None, Query()] = None) -> list[SlotOut]:
    await care.care_site(session, user, location_id)
    return [SlotOut.model_validate(slot)
            for slot in await appointments.upcoming_slots(session, location_id, after=after)]


@router.patch("/api/v1/locations/{location_id}/appointment-slots/{slot_id}",
              response_model=SlotOut, summary="Change how many places a time offers",
              description="Not fewer than the people who booked it (409, naming `capacity`); "
                          "a time passed or withdrawn cannot be changed (409).")
async def change_places(location_id: Id, slot_id: Id, body: PlacesIn, user: CurrentUser,
                        session: SessionDep) -> SlotOut:
    await _managed_site(session, user, location_id)
    slot = await appointments.change_places(session, location_id, slot_id, body.capacity)
    await session.commit()
    return SlotOut.model_validate(slot)


@router.delete("/api/v1/locations/{location_id}/appointment-slots/{slot_id}",
               status_code=HTTP_204_NO_CONTENT, summary="Withdraw a time nobody has booked",
               description="Recipients no longer see it, and booking it is refused; offering "
                           "the same time again brings it back. Refused (409) while anyone "
                           "holds a place at it: move or cancel their appointments first. "
                           "Withdrawing it again changes nothing (204).")
async def withdraw_slot(location_id: Id, slot_id: Id, user: CurrentUser,
                        session: SessionDep) -> Response:
    await _managed_site(session, user, location_id)
    await appointments.withdraw_slot(session, location_id, slot_id)
    await session.commit()
    return Response(status_code=HTTP_204_NO_CONTENT)


async def _managed_site(session, user, location_id: int) -> Location:
    """The switch is the location's managers' (their profile there); others: not found or
    refused, as every location-scoped change."""
    return await site_for_staff(session, user, location_id, profiles=frozenset({MANAGER}),
                                state_reads=False)


@router.put("/api/v1/locations/{location_id}/appointment-scheduling",
            response_model=SchedulingOut, summary="Turn appointment scheduling on or off")
async def set_scheduling(location_id: Id, body: SchedulingIn, user: CurrentUser,
                         session: SessionDep) -> SchedulingOut:
    location = await _managed_site(session, user, location_id)
    await appointments.set_scheduling(session, location, body.appointments_on)
    await session.commit()
    return SchedulingOut(location_id=location_id, appointments_on=body.appointments_on)


@router.get("/api/v1/locations/{location_id}/appointments", response_model=list[DayAppointment],
            summary="The day's appointments at the location")
async def day_list(location_id: Id, user: CurrentUser, session: SessionDep,
                   day: Annotated[date, Query()]) -> list[DayAppointment]:
    location = await care.care_site(session, user, location_id)
    return [DayAppointment(appointment_id=a.id, slot_id=s.id, starts_at=s.starts_at,
                           dose_number=s.dose_number, recipient_id=r.id, name=r.full_name,
                           status=a.status, flag=appointments.eligibility_flag(s, a, r))
            for s, a, r in await appointments.of_day(session, location.id, day)]


def _at(moment: datetime) -> str:
    """A slot's time in the language of the moment, North Carolina time with its zone."""
    return i18n.local_when(moment)


async def _choices(session, person, staff: bool = False) -> dict:
    """What the person may book now, for their booking page or the staff's: the location's
    switch, why they may not book yet, the open times for their next dose (from the day it is
    due), and what they have booked."""
    location = await session.get(Location, person.location_id)
    series = await series_of(session, person)
    dose, earliest = series.next_number, series.next_due
    waiting = appointments.not_bookable(person, dose, staff)
    offered = [s for s in (await appointments.open_slots(session, person.location_id)
                           if location.appointments_on and not waiting
                           and not series.complete else [])
               if s.dose_number == dose
               and (earliest is None or local_today(as_utc(s.starts_at)) >= earliest)]
    return {
        "scheduling": location.appointments_on, "waiting": waiting, "series": series,
        "offered": offered,
        "slots": [(str(s.id), i18n.ngettext(
            "%(when)s, dose %(dose)s (%(num)d place left)",
            "%(when)s, dose %(dose)s (%(num)d places left)", s.capacity - s.booked) % {
            "when": _at(s.starts_at), "dose": s.dose_number, "num": s.capacity - s.booked})
            for s in offered],
        "booked": await appointments.booked_for(session, person, dose), "at": _at}


async def _booking_page(request, session, person, base: str, errors: dict | None = None,
                        status_code: int = 200, values: dict | None = None,
                        confirm_cancel: int | None = None) -> HTMLResponse:
    return bilingual_page(request, "proof/appointments.html", {
        "person": person, "base": base, "errors": errors or {}, "values": values or {},
        "location": await session.get(Location, person.location_id),
        "confirm_cancel": confirm_cancel, **await _choices(session, person)}, status_code)


@pages.get("/r/{recipient_id}/{key}/appointments", response_class=HTMLResponse)
async def booking(request: Request, recipient_id: Id, key: str, session: SessionDep,
                  settings: SettingsDep) -> HTMLResponse:
    person = await _person(request, session, settings, recipient_id, key)
    choose_language(request, person)
    return await _booking_page(request, session, person, f"/r/{recipient_id}/{key}")


@pages.post("/r/{recipient_id}/{key}/appointments", response_class=HTMLResponse)
async def book(request: Request, recipient_id: Id, key: str, session: SessionDep,
               settings: SettingsDep, gateway: ProcessesDep) -> Response:
    return await _change(request, session, settings, recipient_id, key,
                         lambda person, values: appointments.book(
                             session, gateway, person, _chosen(values)),
                         N_("Your appointment is booked."))


async def _change(request: Request, session, settings, recipient_id: int, key: str, act,
                  notice: str, already: str | None = None) -> Response:
    """A recipient's booking or move: done and committed, or refused with nothing changed and
    the reason next to the time, with what they chose kept. `notice` is a message id, said in
    the recipient's language once it is set; `already`, the one said (as information, not a
    success) when `act` answers False: it was done before and nothing changed."""
    person = await _person(request, session, settings, recipient_id, key)
    choose_language(request, person)
    base = f"/r/{recipient_id}/{key}"
    values = await form_values(request)
    try:
        changed = await act(person, values)
        await session.commit()
    except CVMSError as error:
        await session.rollback()
        person = await _person(request, session, settings, recipient_id, key)
        return await _booking_page(request, session, person, base,  # in their language (the
                                   i18n.translated(error.problems("slot_id")),  # gateway's
                                   error.status_code, values)  # "not done" too)
    if changed is False and already:
        return redirect(f"{base}/appointments", notice=gettext(already), tone="info")
    return redirect(f"{base}/appointments", notice=gettext(notice))


def _moves_seen(values: dict) -> int | None:
    """How often the appointment had moved when the cancellation was asked (the question's
    form says; none from an older page or the API: not checked)."""
    seen = str(values.get("moves", ""))
    return int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 6 else None


def _chosen(values: dict) -> int:
    try:
        chosen = form_id(values, "slot_id")
    except Invalid:  # its message names the field: the recipient reads "Choose a time."
        chosen = None
    if chosen is None:
        raise Invalid(gettext("Choose a time."), field="slot_id")
    return chosen


@pages.post("/r/{recipient_id}/{key}/appointments/{appointment_id}/reschedule",
            response_class=HTMLResponse)
async def reschedule(request: Request, recipient_id: Id, key: str, appointment_id: Id,
                     session: SessionDep, settings: SettingsDep,
                     gateway: ProcessesDep) -> Response:
    """Move the booking to another open time in one step; full or refused, nothing moves and
    the page says why next to the time."""
    return await _change(request, session, settings, recipient_id, key,
                         lambda person, values: appointments.reschedule(
                             session, gateway, person, appointment_id, _chosen(values)),
                         N_("Your appointment is moved to the new time."))


@pages.post("/r/{recipient_id}/{key}/appointments/{appointment_id}/cancel",
            response_class=HTMLResponse)
async def cancel(request: Request, recipient_id: Id, key: str, appointment_id: Id,
                 session: SessionDep, settings: SettingsDep,
                 gateway: ProcessesDep) -> Response:
    """Cancel the booking (the place is freed), once the recipient said yes: the button asks
    first (a page of its own, no script needed), as a mis-tap would lose the place. With
    Temporal away nothing is cancelled and the page says to try again."""
    values = await form_values(request)
    if values.get("confirm") != "yes":
        person = await _person(request, session, settings, recipient_id, key)
        choose_language(request, person)
        booked = await appointments.booked_for(session, person)
        if any(appointment.id == appointment_id for appointment, _slot in booked):
            return await _booking_page(request, session, person, f"/r/{recipient_id}/{key}",
                                       confirm_cancel=appointment_id)
    return await _change(request, session, settings, recipient_id, key,
                         lambda person, values: appointments.cancel(
                             session, gateway, person, appointment_id, _moves_seen(values)),
                         N_("Your appointment is cancelled."),
                         N_("That appointment was already cancelled or is no longer booked: "
                            "nothing was changed."))


@pages.get("/r/{recipient_id}/{key}/appointments/{appointment_id}/cancel")
@pages.get("/r/{recipient_id}/{key}/appointments/{appointment_id}/reschedule")
async def back_to_booking(request: Request, recipient_id: Id, key: str, appointment_id: Id,
                          session: SessionDep, settings: SettingsDep) -> Response:
    """The address of a question or refusal answered to a post ("Cancel your appointment…?"),
    opened again (a new tab, a restored session): the booking page, where the button is; a
    link that is not theirs stays not valid."""
    await _person(request, session, settings, recipient_id, key)
    return redirect(f"/r/{recipient_id}/{key}/appointments")


@pages.get("/care/{location_id}/appointments", response_class=HTMLResponse)
async def day_page(request: Request, location_id: Id, user: CurrentUser,
                   session: SessionDep) -> HTMLResponse:
    """The day's appointments for providers (today unless another day is asked for)."""
    location = await care.care_site(session, user, location_id)
    asked = request.query_params.get("day", "")
    today = local_today(utcnow())
    try:
        # the times offered after a moment: the page after the first (its link's)
        after = datetime.fromisoformat(request.query_params.get("offered_after", ""))
    except ValueError:
        after = None
    try:
        day = date.fromisoformat(asked) if asked else today
    except ValueError:  # an address typed or altered: said on the field, not shown as today
        return await _day_page(request, session, user, location, today, errors={
            "show_day": f"There is no day \u201c{asked[:20]}\u201d: choose one in the calendar, "
                   f"or write it as {today.isoformat()}. Today is shown."}, status_code=422)
    return await _day_page(request, session, user, location, day,
                           offered_after=after if after and after.tzinfo else None)


async def _day_page(request: Request, session, user, location: Location, day: date,
                    values: dict | None = None, errors: dict | None = None,
                    status_code: int = 200, offered_after: datetime | None = None
                    ) -> HTMLResponse:
    # the times offered, a page at a time: more after them, the page links to the next ones
    upcoming = await appointments.upcoming_slots(session, location.id, OFFERED_LISTED + 1,
                                                 after=offered_after)
    return render(request, "care/appointments.html", {
        "location": location, "day": day, "tab": "appointments",
        "manager": await may_manage(session, user, location.id),
        "rows": await appointments.of_day(session, location.id, day),
        "flag": appointments.eligibility_flag,
        "upcoming": upcoming[:OFFERED_LISTED], "offered_after": offered_after,
        "later": (as_utc(upcoming[OFFERED_LISTED - 1].starts_at).isoformat()
                  if len(upcoming) > OFFERED_LISTED else None),
        "values": values or {"capacity": "10", "dose_number": "1"}, "errors": errors or {},
        "dose_choices": [("1", "First dose"), ("2", "Second dose")]}, status_code=status_code)


@pages.post("/care/{location_id}/appointments/slots", response_class=HTMLResponse)
async def offer_slot(request: Request, location_id: Id, user: CurrentUser,
                     session: SessionDep) -> Response:
    """The Location Manager offers a time; a mistake keeps what they typed, named by field."""
    location = await _managed_site(session, user, location_id)
    values = await form_values(request)
    data, errors = parse(SlotForm, values)
    try:
        if errors:
            raise Invalid("Check the time you offer.", errors=errors)
        slot = await appointments.add_slot(session, location, data.starts_at(), data.capacity,
                                           data.dose_number)
        await session.commit()
    except CVMSError as error:
        await rollback_keeping(session, user, location)
        moved = {"starts_at": "at", "appointments_on": "form"}
        found = {moved.get(k, k): v for k, v in error.errors.items()} or {"form": error.message}
        return await _day_page(request, session, user, location, local_today(utcnow()),
                               values, found, error.status_code)
    return redirect(f"/care/{location_id}/appointments", notice=(
        f"{_at(slot.starts_at)}: {counted(slot.capacity, 'place')} "
        f"offered."))


async def _slot_page(request: Request, session, location: Location, slot: AppointmentSlot,
                     values: dict | None = None, errors: dict | None = None,
                     status_code: int = 200) -> HTMLResponse:
    return render(request, "care/slot.html", {
        "location": location, "slot": slot, "tab": "appointments",
        "booked": await appointments.booked_at(session, slot.id),
        "values": values or {"capacity": str(slot.capacity)}, "errors": errors or {}},
        status_code=status_code)


async def _offered(session, user, location_id: int, slot_id: int):
    location = await _managed_site(session, user, location_id)
    slot = await appointments.slot_at(session, location_id, slot_id)
    if slot.capacity == 0:
        raise NotFound("This time was withdrawn: offer it again on the appointments page.")
    return location, slot


@pages.get("/care/{location_id}/appointments/slots/{slot_id}", response_class=HTMLResponse)
async def slot_page(request: Request, location_id: Id, slot_id: Id, user: CurrentUser,
                    session: SessionDep) -> HTMLResponse:
    """An offered time, for its Location Manager: its places, who booked it, withdraw it."""
    location, slot = await _offered(session, user, location_id, slot_id)
    return await _slot_page(request, session, location, slot)


@pages.post("/care/{location_id}/appointments/slots/{slot_id}", response_class=HTMLResponse)
async def slot_places(request: Request, location_id: Id, slot_id: Id, user: CurrentUser,
                      session: SessionDep) -> Response:
    location, slot = await _offered(session, user, location_id, slot_id)
    values = await form_values(request)
    data, errors = parse(PlacesIn, values)
    try:
        if errors:
            raise Invalid("Check the number of places.", errors=errors)
        slot = await appointments.change_places(session, location_id, slot_id, data.capacity)
        await session.commit()
    except CVMSError as error:
        await rollback_keeping(session, user, location, slot)
        return await _slot_page(request, session, location, slot, values,
                                error.errors or {"form": error.message}, error.status_code)
    return redirect(f"/care/{location_id}/appointments", notice=(
        f"{_at(slot.starts_at)}: {counted(slot.capacity, 'place')} now, "
        f"{slot.booked} booked."))


@pages.post("/care/{location_id}/appointments/slots/{slot_id}/withdraw",
            response_class=HTMLResponse)
async def slot_withdraw(request: Request, location_id: Id, slot_id: Id, user: CurrentUser,
                        session: SessionDep) -> Response:
    location = await _managed_site(session, user, location_id)
    try:
        slot = await appointments.withdraw_slot(session, location_id, slot_id)
        await session.commit()
    except CVMSError as error:
        await rollback_keeping(session, user, location)
        slot = await appointments.slot_at(session, location_id, slot_id)
        return await _slot_page(request, session, location, slot, errors={
            "form": error.message}, status_code=error.status_code)
    return redirect(f"/care/{location_id}/appointments", notice=(
        f"{_at(slot.starts_at)}: withdrawn. Recipients no longer see it; offer it again to "
        "take bookings."))


@pages.post("/care/{location_id}/appointments/scheduling", response_class=HTMLResponse)
async def scheduling_switch(request: Request, location_id: Id, user: CurrentUser,
                            session: SessionDep) -> Response:
    """The Location Manager's switch on the appointments page."""
    location = await _managed_site(session, user, location_id)
    values = await form_values(request)
    wanted = values.get("appointments_on")
    if wanted not in ("on", "off"):
        raise Invalid("Choose whether recipients may book appointments: on or off.",
                      field="appointments_on")
    await appointments.set_scheduling(session, location, wanted == "on")
    await session.commit()
    return redirect(f"/care/{location_id}/appointments", notice=(
        "Appointment scheduling is on: recipients can book the times you offer."
        if wanted == "on" else "Appointment scheduling is off: recipients see that this "
        "location takes walk-ins only. Appointments already booked stay."))


# --- The location's staff book, move and cancel for a person registered there ---------------

class StaffBookingIn(Input):
    slot_id: Annotated[int, Field(ge=1, le=2**63 - 1)]


class BookedOut(BaseModel):
    appointment_id: int
    slot_id: int
    starts_at: datetime
    dose_number: int


class BookingChoices(BaseModel):
    """What the person may book now: why not yet (if so), the open times for their next dose
    from the day it is due, and what they have booked."""

    recipient_id: int
    scheduling: bool
    next_dose: int
    due_from: date | None
    series_complete: bool
    not_yet: str | None
    open_slots: list[SlotOut]
    booked: list[BookedOut]


async def _booker(session, user, location_id: int, recipient_id: int, write: bool = True):
    """A person registered at a location where the user works (acting, to change anything):
    their appointments are that location's. One registered elsewhere (served here too) is
    booked by their own location."""
    location = await care.care_site(session, user, location_id, write=write)
    person = await care.recipient_at(session, location, recipient_id)
    if person.location_id != location.id:
        raise Forbidden(f"{person.full_name} is registered at another location, which books "
                        "their appointments.")
    return location, person


async def _choices_out(session, person) -> BookingChoices:
    choices = await _choices(session, person, staff=True)
    series = choices["series"]
    return BookingChoices(
        recipient_id=person.id, scheduling=choices["scheduling"],
        next_dose=series.next_number, due_from=series.next_due,
        series_complete=series.complete, not_yet=choices["waiting"],
        open_slots=[SlotOut.model_validate(slot) for slot in choices["offered"]],
        booked=[BookedOut(appointment_id=a.id, slot_id=slot.id, starts_at=slot.starts_at,
                          dose_number=slot.dose_number) for a, slot in choices["booked"]])


STAFF_APPOINTMENTS = "/api/v1/locations/{location_id}/recipients/{recipient_id}/appointments"


@router.get(STAFF_APPOINTMENTS, response_model=BookingChoices,
            summary="A recipient's appointment and the times open for their next dose")
async def staff_choices(location_id: Id, recipient_id: Id, user: CurrentUser,
                        session: SessionDep) -> BookingChoices:
    _location, person = await _booker(session, user, location_id, recipient_id, write=False)
    return await _choices_out(session, person)


@router.post(STAFF_APPOINTMENTS, response_model=BookedOut, status_code=201,
             summary="Book a time for a recipient registered at the location")
async def staff_book(location_id: Id, recipient_id: Id, body: StaffBookingIn,
                     user: CurrentUser, session: SessionDep,
                     gateway: ProcessesDep) -> BookedOut:
    _location, person = await _booker(session, user, location_id, recipient_id)
    appointment = await appointments.book(session, gateway, person, body.slot_id, staff=True)
    await session.commit()
    slot = await session.get(AppointmentSlot, appointment.slot_id)
    return BookedOut(appointment_id=appointment.id, slot_id=slot.id,
                     starts_at=slot.starts_at, dose_number=slot.dose_number)


@router.put(STAFF_APPOINTMENTS + "/{appointment_id}", response_model=BookedOut,
            summary="Move a recipient's appointment to another open time")
async def staff_move(location_id: Id, recipient_id: Id, appointment_id: Id,
                     body: StaffBookingIn, user: CurrentUser, session: SessionDep,
                     gateway: ProcessesDep) -> BookedOut:
    _location, person = await _booker(session, user, location_id, recipient_id)
    await appointments.reschedule(session, gateway, person, appointment_id, body.slot_id,
                                  staff=True)
    slot = await session.get(AppointmentSlot, body.slot_id)
    return BookedOut(appointment_id=appointment_id, slot_id=slot.id, starts_at=slot.starts_at,
                     dose_number=slot.dose_number)


@router.delete(STAFF_APPOINTMENTS + "/{appointment_id}", status_code=HTTP_204_NO_CONTENT,
               summary="Cancel a recipient's appointment (its place is freed)")
async def staff_cancel(location_id: Id, recipient_id: Id, appointment_id: Id,
                       user: CurrentUser, session: SessionDep,
                       gateway: ProcessesDep) -> Response:
    _location, person = await _booker(session, user, location_id, recipient_id)
    await appointments.cancel(session, gateway, person, appointment_id, staff=True)
    return Response(status_code=HTTP_204_NO_CONTENT)


def _staff_base(location_id: int, recipient_id: int) -> str:
    return f"/care/{location_id}/recipients/{recipient_id}/appointment"


async def _staff_page(request: Request, session, user, location: Location, person,
                      values: dict | None = None, errors: dict | None = None,
                      status_code: int = 200, confirm_cancel: int | None = None
                      ) -> HTMLResponse:
    return render(request, "care/person_appointment.html", {
        "location": location, "person": person, "tab": "recipients",
        "base": _staff_base(location.id, person.id),
        "acting": await care.may_act(session, user, location.id),
        "manager": await may_manage(session, user, location.id),
        "values": values or {}, "errors": errors or {}, "confirm_cancel": confirm_cancel,
        "flag": appointments.eligibility_flag,
        **await _choices(session, person, staff=True)}, status_code=status_code)


@pages.get("/care/{location_id}/recipients/{recipient_id}/appointment",
           response_class=HTMLResponse)
async def staff_page(request: Request, location_id: Id, recipient_id: Id, user: CurrentUser,
                     session: SessionDep) -> HTMLResponse:
    location, person = await _booker(session, user, location_id, recipient_id, write=False)
    return await _staff_page(request, session, user, location, person)


@pages.get("/care/{location_id}/recipients/{recipient_id}/appointment/book")
@pages.get("/care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/move")
@pages.get("/care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/cancel")
async def staff_back(location_id: Id, recipient_id: Id, user: CurrentUser,
                     session: SessionDep) -> Response:
    """The address of a question or refusal answered to a post ("Cancel …'s appointment?"),
    opened again: the person's appointment page, for whoever may see it."""
    await _booker(session, user, location_id, recipient_id, write=False)
    return redirect(_staff_base(location_id, recipient_id))


async def _staff_change(request: Request, session, user, location_id: int, recipient_id: int,
                        act, done: str) -> Response:
    """Book, move or cancel for the person: done and committed, or refused with nothing
    changed and the reason next to the time, with what was chosen kept. The notice says what
    was `done`, and that the person is told by email when they gave an address."""
    values = await form_values(request)
    location, person = await _booker(session, user, location_id, recipient_id)
    try:
        changed = await act(person, values)
        await session.commit()
    except CVMSError as error:
        await rollback_keeping(session, user, location, person)
        return await _staff_page(request, session, user, location, person, values,
                                 error.problems("slot_id"), error.status_code)
    if changed is False:  # cancelled before (a second click, another tab): nothing changed
        return redirect(_staff_base(location_id, recipient_id), tone="info", notice=(
            f"{person.full_name}'s appointment was already cancelled or is no longer booked: "
            "nothing was changed."))
    told = " They are emailed the change." if person.email else (
        " They gave no email address: tell them.")
    return redirect(_staff_base(location_id, recipient_id),
                    notice=f"{person.full_name}'s appointment {done}.{told}")


@pages.post("/care/{location_id}/recipients/{recipient_id}/appointment/book",
            response_class=HTMLResponse)
async def staff_book_page(request: Request, location_id: Id, recipient_id: Id,
                          user: CurrentUser, session: SessionDep,
                          gateway: ProcessesDep) -> Response:
    return await _staff_change(
        request, session, user, location_id, recipient_id,
        lambda person, values: appointments.book(session, gateway, person,
                                                 _chosen(values), staff=True), "is booked")


@pages.post("/care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/move",
            response_class=HTMLResponse)
async def staff_move_page(request: Request, location_id: Id, recipient_id: Id,
                          appointment_id: Id, user: CurrentUser, session: SessionDep,
                          gateway: ProcessesDep) -> Response:
    return await _staff_change(
        request, session, user, location_id, recipient_id,
        lambda person, values: appointments.reschedule(
            session, gateway, person, appointment_id, _chosen(values), staff=True),
        "is moved to the new time")


@pages.post("/care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/cancel",
            response_class=HTMLResponse)
async def staff_cancel_page(request: Request, location_id: Id, recipient_id: Id,
                            appointment_id: Id, user: CurrentUser, session: SessionDep,
                            gateway: ProcessesDep) -> Response:
    """Asks first (a page of its own, no script needed): a mis-click would lose the place."""
    values = await form_values(request)
    if values.get("confirm") != "yes":
        location, person = await _booker(session, user, location_id, recipient_id)
        if any(a.id == appointment_id for a, _slot in
               await appointments.booked_for(session, person)):
            return await _staff_page(request, session, user, location, person,
                                     confirm_cancel=appointment_id)
    return await _staff_change(
        request, session, user, location_id, recipient_id,
        lambda person, values: appointments.cancel(session, gateway, person, appointment_id,
                                                   _moves_seen(values), staff=True),
        "is cancelled")

