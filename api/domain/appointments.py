"""Appointments: slots with a capacity at a location, booked from the Recipient Portal.

A place is taken by one conditional UPDATE (`booked < capacity`), so two people booking the
last place at once get one booking and one "this time is full", on SQLite and Postgres
alike. A person books only once registered, a first dose only once eligible, and only a time
for their next dose; a second-dose slot may not come before the product's interval after the
first dose.

A Location Manager turns scheduling on or off for their location: off, no time is offered or
booked (walk-ins only), and the appointments already booked stay. A recipient moves a booking
to another open time in one transaction: the new place is taken by the same conditional
UPDATE, the old one freed and the appointment row moved, or nothing changes.

A location's staff (a Healthcare Provider or Location Manager there) book, move and cancel for
a person registered at their location, as for someone who phones: the same rules and the same
emails to the person; a refusal then speaks of the person ("their next dose"), in English, as
the staff's pages do (`staff=True`)."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.care import take_turn
from api.domain.recipients import eligibility_now
from api.domain.series import series_of
from api.processes import Gateway
from api.processes import appointments as process
from core import i18n
from core.errors import Conflict, Invalid, NotFound
from core.i18n import N_, gettext
from core.wording import counted
from models.administrations import (
    ATTENDED,
    BOOKED,
    CANCELLED,
    RECORDED,
    RELEASED,
    WITHDRAWN,
    Administration,
    Appointment,
    AppointmentSlot,
)
from models.base import as_utc, utcnow
from models.care_rules import local_today
from models.contracts import BookingChange
from models.eligibility import STAFF_STATUSES
from models.enrollment import Location
from models.inventory import Product
from models.recipients import Recipient

FULL = N_("This time is full. Choose another time.")
NOT_FOUND = N_("We could not find that appointment.")
PASSED_CANCEL = N_("The time of this appointment has passed: it cannot be cancelled.")
NO_SLOT = N_("That time is not offered at your location.")
NO_SCHEDULING = N_("This location does not take appointments. Walk-ins are welcome.")
STAFF_NO_SCHEDULING = ("Scheduling is off at this location, so no time can be booked: they come "
                       "as a walk-in (the Location Manager turns scheduling on).")
SCHEDULING_OFF = ("Appointment scheduling is off at this location: turn it on before offering "
                  "times.")


def _refusal(staff: bool, recipient_words: str, staff_words: str, **values) -> str:
    """Why something was refused: to the recipient in their language, or to the staff about the
    person (`recipient_words` is marked for the catalogue with N_)."""
    text = staff_words if staff else gettext(recipient_words)
    return text % values if values else text


async def set_scheduling(session: AsyncSession, location: Location, on: bool) -> Location:
    """The Location Manager's switch (the caller checked they manage this location)."""
    location.appointments_on = on
    session.add(location)
    await session.flush()
    return location


async def _takes_appointments(session: AsyncSession, location_id: int,
                              staff: bool = False) -> None:
    location = await session.get(Location, location_id)
    if location is None or not location.appointments_on:
        raise Conflict(_refusal(staff, NO_SCHEDULING, STAFF_NO_SCHEDULING), field="slot_id")


async def add_slot(session: AsyncSession, location: Location, starts_at: datetime,
                   capacity: int, dose_number: int) -> AppointmentSlot:
    if not location.appointments_on:
        raise Conflict(SCHEDULING_OFF, field="appointments_on")
    if as_utc(starts_at) <= utcnow():
        raise Invalid("Choose a time in the future.", field="starts_at")
    same = (await session.exec(select(AppointmentSlot).where(
        AppointmentSlot.location_id == location.id, AppointmentSlot.starts_at == starts_at,
        AppointmentSlot.dose_number == dose_number))).first()
    if same is not None and same.capacity == 0:  # withdrawn, now offered again
        await session.exec(update(AppointmentSlot).where(
            AppointmentSlot.id == same.id, AppointmentSlot.capacity == 0)
            .values(capacity=capacity))
        await session.refresh(same)
        return same
    if same is not None:  # offered twice, it showed twice to recipients
        raise Conflict(f"This time is already offered for dose {dose_number}, with "
                       f"{counted(same.capacity, 'place')}.",
                       field="starts_at")
    slot = AppointmentSlot(location_id=location.id, starts_at=starts_at, capacity=capacity,
                           dose_number=dose_number)
    session.add(slot)
    await session.flush()
    return slot


async def upcoming_slots(session: AsyncSession, location_id: int, limit: int = 50,
                         after: datetime | None = None) -> list[AppointmentSlot]:
    """The times offered from now on (or after a later moment: the next page of them), full
    or not (what the Location Manager manages); not those withdrawn."""
    since = max(utcnow(), as_utc(after)) if after is not None else utcnow()
    return list((await session.exec(select(AppointmentSlot).where(
        AppointmentSlot.location_id == location_id, AppointmentSlot.starts_at > since,
        AppointmentSlot.capacity > 0)
        .order_by(AppointmentSlot.starts_at).limit(limit))).all())


async def slot_at(session: AsyncSession, location_id: int, slot_id: int) -> AppointmentSlot:
    """A time offered at this location, withdrawn or not (another location's: not found)."""
    slot = await session.get(AppointmentSlot, slot_id)
    if slot is None or slot.location_id != location_id:
        raise NotFound("That time is not offered at this location.", field="slot_id")
    return slot


async def _still_to_come(session: AsyncSession, location_id: int,
                         slot_id: int) -> AppointmentSlot:
    slot = await slot_at(session, location_id, slot_id)
    if as_utc(slot.starts_at) <= utcnow():
        raise Conflict("This time has passed: it can no longer be changed.", field="slot_id")
    return slot


async def booked_at(session: AsyncSession, slot_id: int) -> list[tuple]:
    """Who holds a place at this time (booked, not yet given their dose), by name."""
    return list((await session.exec(select(Appointment, Recipient)
                                    .join(Recipient, Recipient.id == Appointment.recipient_id)
                                    .where(Appointment.slot_id == slot_id,
                                           Appointment.status == BOOKED)
                                    .order_by(Recipient.last_name, Recipient.first_name))).all())


def _booked_already(slot: AppointmentSlot) -> str:
    return (f"{counted(slot.booked, 'person', 'people')} booked this time: move or cancel "
            f"{'their appointment' if slot.booked == 1 else 'their appointments'} first (the "
            "day's list of appointments names them)")


async def change_places(session: AsyncSession, location_id: int, slot_id: int,
                        capacity: int) -> AppointmentSlot:
    """The Location Manager changes how many people a time takes: never below those who booked
    it (one conditional UPDATE, so a booking made meanwhile is counted)."""
    slot = await _still_to_come(session, location_id, slot_id)
    if slot.capacity == 0:
        raise Conflict("This time was withdrawn: offer it again to take bookings.",
                       field="slot_id")
    changed = await session.exec(update(AppointmentSlot).where(
        AppointmentSlot.id == slot.id, AppointmentSlot.capacity > 0,
        AppointmentSlot.booked <= capacity).values(capacity=capacity))
    await session.refresh(slot)
    if changed.rowcount != 1:
        raise Conflict(f"{_booked_already(slot)}, or keep at least {slot.booked} "
                       f"{'place' if slot.booked == 1 else 'places'}.", field="capacity")
    return slot


async def withdraw_slot(session: AsyncSession, location_id: int,
                        slot_id: int) -> AppointmentSlot:
    """The Location Manager withdraws a time offered by mistake, while nobody has booked it
    (one conditional UPDATE: a booking made meanwhile keeps it). A withdrawn time has no
    places: recipients no longer see it, and booking it is refused. Withdrawn already (a
    second click, another tab): nothing changes."""
    slot = await _still_to_come(session, location_id, slot_id)
    withdrawn = await session.exec(update(AppointmentSlot).where(
        AppointmentSlot.id == slot.id, AppointmentSlot.booked == 0).values(capacity=0))
    await session.refresh(slot)
    if withdrawn.rowcount != 1:
        raise Conflict(f"{_booked_already(slot)}, then withdraw it.", field="slot_id")
    return slot


async def open_slots(session: AsyncSession, location_id: int) -> list[AppointmentSlot]:
    return list((await session.exec(select(AppointmentSlot).where(
        AppointmentSlot.location_id == location_id, AppointmentSlot.starts_at > utcnow(),
        AppointmentSlot.booked < AppointmentSlot.capacity)
        .order_by(AppointmentSlot.starts_at))).all())


async def of_day(session: AsyncSession, location_id: int, day) -> list[tuple]:
    """The day's appointments at a location (North Carolina day), earliest first: those booked
    and those whose dose was given (attended)."""
    rows = (await session.exec(select(AppointmentSlot, Appointment, Recipient)
                               .join(Appointment, Appointment.slot_id == AppointmentSlot.id)
                               .join(Recipient, Recipient.id == Appointment.recipient_id)
                               .where(AppointmentSlot.location_id == location_id,
                                      Appointment.status.in_([BOOKED, ATTENDED]))
                               .order_by(AppointmentSlot.starts_at))).all()
    return [row for row in rows if local_today(as_utc(row[0].starts_at)) == day]


def eligibility_flag(slot: AppointmentSlot, appointment: Appointment,
                     person: Recipient) -> str | None:
    """What staff are told of a first-dose booking still standing whose person's answers no
    longer make them eligible (answers changed since they booked): the booking is kept (they
    may have answered wrong, and the provider judges at the point of care), flagged so it is
    checked before the dose; None otherwise."""
    if slot.dose_number != 1 or appointment.status != BOOKED:
        return None
    status = eligibility_now(person)[0]
    if status == "eligible":
        return None
    return (f"Their answers no longer make them eligible for a first dose "
            f"({STAFF_STATUSES.get(status, status)}): check their eligibility before giving "
            f"it.")


async def booked_for(session: AsyncSession, person: Recipient,
                     dose: int | None = None) -> list[tuple]:
    """The person's appointments still to come (one whose time passed is history, and so is
    one for a dose already given: it neither shows as booked nor stops them booking their
    next dose). `dose`: the person's next dose, when the caller has it already."""
    dose = dose or await next_dose(session, person)
    return list((await session.exec(select(Appointment, AppointmentSlot)
                                    .join(AppointmentSlot,
                                          AppointmentSlot.id == Appointment.slot_id)
                                    .where(Appointment.recipient_id == person.id,
                                           Appointment.status == BOOKED,
                                           AppointmentSlot.dose_number >= dose,
                                           AppointmentSlot.starts_at > utcnow())
                                    .order_by(AppointmentSlot.starts_at))).all())


async def earliest_day(session: AsyncSession, person: Recipient, dose: int) -> date | None:
    """The first day the person may come for `dose`: the product's interval after the dose
    before it (None: any day, or no dose before it is recorded)."""
    if dose < 2:
        return None
    before = (await session.exec(select(Administration).where(
        Administration.recipient_id == person.id, Administration.status == RECORDED,
        Administration.dose_number == dose - 1))).first()
    if before is None:
        return None
    product = await session.get(Product, before.product_id)
    return before.administered_on + timedelta(days=product.interval_days or 0)


async def next_dose(session: AsyncSession, person: Recipient) -> int:
    """The dose the person comes for next: one after the highest recorded."""
    given = (await session.exec(select(func.max(Administration.dose_number)).where(
        Administration.recipient_id == person.id, Administration.status == RECORDED))).one()
    return (given or 0) + 1


def not_bookable(person: Recipient, dose: int, staff: bool = False) -> str | None:
    """Why the person may not book yet (in their language, or to the staff), or None: a
    registration not finished, or a first dose for someone not eligible now."""
    if person.registered_at is None:
        return _refusal(staff, N_("Finish your registration before you book: answer the "
                                  "questions on your Recipient Portal page, then come back "
                                  "here."),
                        "They have not finished registering: their Recipient Portal page asks "
                        "the questions left. Book once they have answered them.")
    if dose == 1 and eligibility_now(person)[0] != "eligible":
        return _refusal(staff, N_("You can book a first dose once you are eligible. Your "
                                  "Recipient Portal page shows your status."),
                        "A first dose is booked once they are eligible, and they are not "
                        "eligible now.")
    return None


async def _dose_rules(session: AsyncSession, person: Recipient, slot: AppointmentSlot,
                      staff: bool) -> None:
    dose = await next_dose(session, person)
    reason = not_bookable(person, dose, staff)
    if reason:
        raise Invalid(reason, field="slot_id")
    if (await series_of(session, person)).complete:  # no dose is due (the page offers none)
        raise Invalid(_refusal(staff, N_("You have completed your vaccination series: no "
                                         "further dose is due, so there is no time to book."),
                               "They have completed their vaccination series: no further dose "
                               "is due, so there is no time to book."), field="slot_id")
    if slot.dose_number != dose:
        raise Invalid(_refusal(staff, N_("This time is for dose %(slot)s, and your next dose "
                                         "is dose %(next)s. Choose another time."),
                               "This time is for dose %(slot)s, and their next dose is dose "
                               "%(next)s. Choose another time.",
                               slot=slot.dose_number, next=dose), field="slot_id")
    await _second_dose_rule(session, person, slot, staff)


async def _second_dose_rule(session: AsyncSession, person: Recipient,
                            slot: AppointmentSlot, staff: bool) -> None:
    if slot.dose_number < 2:
        return
    earliest = await earliest_day(session, person, slot.dose_number)
    if earliest is None:
        raise Invalid(_refusal(staff, N_("This time is for a second dose: book a first dose "
                                         "first."),
                               "This time is for a second dose, and they have no first dose "
                               "recorded: book a first dose first."), field="slot_id")
    if local_today(as_utc(slot.starts_at)) < earliest:
        raise Invalid(_refusal(staff, N_("Your second dose cannot be before %(day)s. Choose a "
                                         "later time."),
                               "Their second dose cannot be before %(day)s. Choose a later "
                               "time.", day=i18n.local_day(earliest)), field="slot_id")


async def _bookable(session: AsyncSession, person: Recipient, slot_id: int, staff: bool
                    ) -> AppointmentSlot:
    """A future time at the person's location, which takes appointments, for the dose they come
    for next, allowed by their registration, eligibility and the second-dose rule."""
    await _takes_appointments(session, person.location_id, staff)
    slot = await session.get(AppointmentSlot, slot_id)
    if slot is None or slot.location_id != person.location_id or slot.capacity == 0:
        raise NotFound(_refusal(staff, NO_SLOT, "That time is not offered at this location."),
                       field="slot_id")
    if as_utc(slot.starts_at) <= utcnow():
        raise Invalid(_refusal(staff, N_("That time has passed. Choose another time."),
                               "That time has passed. Choose another time."), field="slot_id")
    await _dose_rules(session, person, slot, staff)
    return slot


async def _take_place(session: AsyncSession, slot: AppointmentSlot,
                      staff: bool = False) -> None:
    """One place, only while one is left (the database decides between two at once)."""
    taken = await session.exec(update(AppointmentSlot).where(
        AppointmentSlot.id == slot.id, AppointmentSlot.booked < AppointmentSlot.capacity)
        .values(booked=AppointmentSlot.booked + 1))
    if taken.rowcount != 1:
        raise Conflict(_refusal(staff, FULL, FULL), field="slot_id")


async def _free_place(session: AsyncSession, slot_id: int) -> None:
    await session.exec(update(AppointmentSlot).where(AppointmentSlot.id == slot_id)
                       .values(booked=AppointmentSlot.booked - 1))


async def close_for_dose(session: AsyncSession, dose: Administration) -> list[int]:
    """A dose recorded ends the person's bookings for it (and for any dose before it), in its
    transaction, each freeing its place: one at the dose's location on the dose's day is
    attended (the person came); any other is released (the dose was given elsewhere or on
    another day). The released ones still to come, whose processes tell the person once this
    is committed."""
    rows = (await session.exec(select(Appointment, AppointmentSlot)
                               .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
                               .where(Appointment.recipient_id == dose.recipient_id,
                                      Appointment.status == BOOKED,
                                      AppointmentSlot.dose_number <= dose.dose_number))).all()
    to_tell = []
    for appointment, slot in rows:
        came = (slot.location_id == dose.location_id
                and local_today(as_utc(slot.starts_at)) == dose.administered_on)
        closed = await session.exec(update(Appointment).where(  # unless moved meanwhile
            Appointment.id == appointment.id, Appointment.status == BOOKED,
            Appointment.slot_id == slot.id).values(status=ATTENDED if came else RELEASED))
        if closed.rowcount == 1:
            await _free_place(session, slot.id)
            if not came and as_utc(slot.starts_at) > utcnow():
                to_tell.append(appointment.id)
    return to_tell


async def reopen_for_removed(session: AsyncSession, dose: Administration) -> None:
    """A dose removed as entered in error (its status changed in `session`): the appointment
    it closed as attended (at its location, on its day) is booked again, taking its place
    again while one is left, when no dose recorded still covers it. Its process was never
    told of the attendance: it still waits for the time."""
    due = await next_dose(session, await session.get(Recipient, dose.recipient_id))
    rows = (await session.exec(select(Appointment, AppointmentSlot)
                               .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
                               .where(Appointment.recipient_id == dose.recipient_id,
                                      Appointment.status == ATTENDED,
                                      AppointmentSlot.location_id == dose.location_id,
                                      AppointmentSlot.dose_number == due))).all()
    for appointment, slot in rows:
        if local_today(as_utc(slot.starts_at)) != dose.administered_on:
            continue
        reopened = await session.exec(update(Appointment).where(
            Appointment.id == appointment.id, Appointment.status == ATTENDED)
            .values(status=BOOKED))
        if reopened.rowcount != 1:
            continue
        taken = await session.exec(update(AppointmentSlot).where(
            AppointmentSlot.id == slot.id, AppointmentSlot.booked < AppointmentSlot.capacity)
            .values(booked=AppointmentSlot.booked + 1))
        if taken.rowcount != 1:  # its place went to someone else meanwhile: it stays closed
            await session.exec(update(Appointment).where(Appointment.id == appointment.id)
                               .values(status=ATTENDED))


async def follow_correction(session: AsyncSession, recipient_id: int) -> list[int]:
    """With a dose corrected (its day or number changed in `session`): each appointment a dose
    closed follows the doses as they now are. One attended that no recorded dose matches any
    more (none at its location on its day, for its dose or a later one) is released (the dose
    was given on another day: its place stays free, the day's list no longer names it), or,
    still to come and for the dose the person now needs, booked again (its place taken again
    while one is left). One released that a dose now matches is attended. The released ones
    still to come, whose processes tell the person once this is committed."""
    doses = (await session.exec(select(Administration).where(
        Administration.recipient_id == recipient_id,
        Administration.status == RECORDED))).all()

    def matched(slot: AppointmentSlot) -> bool:
        on = local_today(as_utc(slot.starts_at))
        return any(d.location_id == slot.location_id and d.administered_on == on
                   and d.dose_number >= slot.dose_number for d in doses)

    due = max((d.dose_number for d in doses), default=0) + 1
    rows = (await session.exec(select(Appointment, AppointmentSlot)
                               .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
                               .where(Appointment.recipient_id == recipient_id,
                                      Appointment.status.in_([ATTENDED, RELEASED])))).all()
    to_tell = []
    for appointment, slot in rows:
        if appointment.status == RELEASED and matched(slot):
            await session.exec(update(Appointment).where(
                Appointment.id == appointment.id, Appointment.status == RELEASED)
                .values(status=ATTENDED))
            continue
        if appointment.status != ATTENDED or matched(slot):
            continue
        to_come = as_utc(slot.starts_at) > utcnow()
        if to_come and slot.dose_number == due and (await session.exec(
                update(AppointmentSlot).where(AppointmentSlot.id == slot.id,
                                              AppointmentSlot.booked < AppointmentSlot.capacity)
                .values(booked=AppointmentSlot.booked + 1))).rowcount == 1:
            status = BOOKED  # its process, never told of the attendance, waits for the time
        else:
            status = RELEASED
        changed = await session.exec(update(Appointment).where(
            Appointment.id == appointment.id, Appointment.status == ATTENDED)
            .values(status=status))
        if changed.rowcount == 1 and status == RELEASED and to_come:
            to_tell.append(appointment.id)
    return to_tell


async def cancel_unfit(session: AsyncSession, gateway: Gateway, recipient_id: int) -> None:
    """With a dose corrected or removed, before it commits: the person's bookings still to come
    that are no longer for their next dose (a dose 1 removed as entered in error leaves a dose
    2 booking; a dose 1 moved to a single-dose vaccine completes the series), or that now fall
    before the next dose is due, are cancelled, each freeing its place; each process is told
    (and emails the cancellation, as a person's own one), or nothing changes (503)."""
    series = await series_of(session, await session.get(Recipient, recipient_id))
    rows = (await session.exec(select(Appointment, AppointmentSlot)
                               .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
                               .where(Appointment.recipient_id == recipient_id,
                                      Appointment.status == BOOKED,
                                      AppointmentSlot.starts_at > utcnow()))).all()
    for appointment, slot in rows:
        if not (series.complete or slot.dose_number != series.next_number or (
                series.next_due and local_today(as_utc(slot.starts_at)) < series.next_due)):
            continue
        changed = await session.exec(update(Appointment).where(
            Appointment.id == appointment.id, Appointment.status == BOOKED)
            .values(status=WITHDRAWN))  # its email says why: the person cancelled nothing
        if changed.rowcount == 1:
            await _free_place(session, slot.id)
            await process.changed(gateway, session, appointment.id,
                                  BookingChange(cancelled=True))


async def book(session: AsyncSession, gateway: Gateway, person: Recipient,
               slot_id: int, *, staff: bool = False) -> Appointment:
    await take_turn(session, person.id)  # bookings sent at once: one appointment
    slot = await _bookable(session, person, slot_id, staff)
    if await booked_for(session, person):
        raise Conflict(_refusal(staff, N_("You already have an appointment: change it to "
                                          "another time, or cancel it."),
                                "They already have an appointment: move or cancel it "
                                "instead."), field="slot_id")
    await _take_place(session, slot, staff)
    appointment = Appointment(slot_id=slot.id, recipient_id=person.id)
    session.add(appointment)
    await session.flush()
    await process.start(gateway, session, appointment.id, as_utc(slot.starts_at))
    return appointment


def _moved_meanwhile(staff: bool) -> Conflict:
    return Conflict(_refusal(staff, N_("Your appointment changed meanwhile. Look at it again."),
                             "Their appointment changed meanwhile. Look at it again."),
                    field="slot_id")


async def cancel(session: AsyncSession, gateway: Gateway, person: Recipient,
                 appointment_id: int, moves_seen: int | None = None, *,
                 staff: bool = False) -> bool:
    """True when this request cancelled it; False when it was no longer booked (cancelled
    already by a second click, another tab or the person, or attended): nothing changes.
    `moves_seen`: how often it had moved when the person was asked to confirm; moved since
    (another tab), the question named another time, so nothing is cancelled."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.recipient_id != person.id:
        raise NotFound(_refusal(staff, NOT_FOUND, "We could not find that appointment among "
                                "theirs."))
    if appointment.status != BOOKED:
        return False
    if as_utc((await session.get(AppointmentSlot, appointment.slot_id)).starts_at) <= utcnow():
        # history, as for a move (its process has ended: it could not be told)
        raise Conflict(_refusal(staff, PASSED_CANCEL, PASSED_CANCEL), field="slot_id")
    if moves_seen is not None and appointment.moves != moves_seen:
        raise _moved_meanwhile(staff)
    unchanged = [Appointment.id == appointment.id, Appointment.status == BOOKED]
    if moves_seen is not None:
        unchanged.append(Appointment.moves == moves_seen)
    changed = await session.exec(update(Appointment).where(*unchanged)
                                 .values(status=CANCELLED))
    if changed.rowcount != 1:  # a second click frees no second place
        if moves_seen is not None:
            await session.refresh(appointment)
            if appointment.status == BOOKED:  # moved between the read and the update
                raise _moved_meanwhile(staff)
        return False
    await _free_place(session, appointment.slot_id)
    await process.changed(gateway, session, appointment_id, BookingChange(cancelled=True))
    await session.commit()
    return True


async def reschedule(session: AsyncSession, gateway: Gateway, person: Recipient,
                     appointment_id: int, slot_id: int, *, staff: bool = False) -> None:
    """Move a booked appointment to another time in one transaction, telling its process
    (which emails the new time) before the commit. Full, passed, too early for a second dose,
    scheduling off or Temporal away: refused (the caller rolls back, so the old booking stands
    untouched)."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.recipient_id != person.id:
        raise NotFound(_refusal(staff, NOT_FOUND, "We could not find that appointment among "
                                "theirs."), field="slot_id")
    if appointment.status != BOOKED:
        raise Conflict(_refusal(staff, N_("This appointment is cancelled: book a new time."),
                                "This appointment is cancelled: book them a new time."),
                       field="slot_id")
    old_slot_id = appointment.slot_id
    if as_utc((await session.get(AppointmentSlot, old_slot_id)).starts_at) <= utcnow():
        raise Conflict(_refusal(staff, N_("The time of this appointment has passed: it cannot "
                                          "be moved."),
                                "The time of this appointment has passed: it cannot be moved."),
                       field="slot_id")
    if slot_id == old_slot_id:
        raise Invalid(_refusal(staff, N_("That is already the time of your appointment. Choose "
                                         "another time."),
                               "That is already the time of their appointment. Choose another "
                               "time."), field="slot_id")
    slot = await _bookable(session, person, slot_id, staff)
    await _take_place(session, slot, staff)
    moves = appointment.moves + 1
    moved = await session.exec(update(Appointment).where(
        Appointment.id == appointment.id, Appointment.status == BOOKED,
        Appointment.slot_id == old_slot_id)
        .values(slot_id=slot.id, moves=Appointment.moves + 1))
    if moved.rowcount != 1:  # cancelled or moved meanwhile (another tab)
        raise _moved_meanwhile(staff)
    await _free_place(session, old_slot_id)
    await process.changed(gateway, session, appointment_id, BookingChange(moves=moves))
    await session.commit()
