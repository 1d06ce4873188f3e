"""Recording doses: each debits its lot by one through the keyed ledger (keyed by the
administration, so a double click or a retry debits once); an edit changes the record (a
corrected lot or day moves the debit by two more keyed entries); a removal as entered in error
returns the dose by a reversing entry, never by editing history. A dose's day is not in the
future, within the last year, and not before its lot arrived at the location.
A first dose of a two-dose product starts its second-dose reminder.

A dose fits the person's series: never before their birth, dose N only after dose N-1 and
on a later day. A dose earlier than the product's interval after the one before (less
the 4-day grace period), of another product, or to someone younger than the vaccines are
authorized for (the eligibility rules' minimum age), is recorded only when the person
recording it confirms it was given that way: a dose given is never refused, but a slip (Back, then
"Save dose" again, which offers the next dose number) is caught."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.appointments import (
    cancel_unfit,
    close_for_dose,
    follow_correction,
    reopen_for_removed,
)
from api.domain.care import recipient_at, take_turn
from api.domain.inventory import arrived_on, free_of, short_on_day
from api.domain.recipients import eligibility_now
from api.forms import one_field, parse, refuse_fields
from api.processes import Gateway, reminders
from api.processes import appointments as booking_process
from core.errors import Conflict, CVMSError, Invalid, NotFound
from core.timefmt import day
from models.accounts import User
from models.administration_schemas import AdministrationEdit, AdministrationIn, RemovalIn
from models.administration_store import reminder_due
from models.administrations import ENTERED_IN_ERROR, RECORDED, Administration
from models.base import as_utc, utcnow
from models.care_rules import dose_day_problem, local_today, reminder_time
from models.eligibility import STAFF_STATUSES, age_on, months_on, rules
from models.enrollment import Location
from models.inventory import AGES_IN_MONTHS, LedgerEntry, Lot, Product
from models.inventory_rules import EntryKind
from models.ledger import NotEnoughDoses, apply
from models.recipients import Recipient

NO_ADMINISTRATION = "We could not find that dose among your location's records."
F = TypeVar("F", AdministrationIn, AdministrationEdit)
GRACE = timedelta(days=4)  # CDC: a dose up to 4 days before the minimum interval counts
CONFIRM = (" If it was given this way, tick \"The dose was given as entered\" and save "
           "again.")


def debit_key(administration_id: int) -> str:
    return f"administration:{administration_id}"


def _actor(user: User) -> str:
    return f"user:{user.id}:{user.full_name}"


async def _today(gateway: Gateway):
    return local_today(await gateway.now())


async def lot_here(session: AsyncSession, location: Location, lot_id: int) -> Lot:
    lot = await session.get(Lot, lot_id)
    if lot is None or lot.location_id != location.id:
        raise Invalid("Choose a lot held at this location.", field="lot_id")
    return lot


async def lot_day_problems(session: AsyncSession, lot: Lot, given_on: date,
                           expired_field: str = "lot_id") -> dict[str, str]:
    """Why a dose dated `given_on` cannot come out of this lot, by field: the lot had expired
    that day (said on `expired_field`: the lot chosen, or the day of the dose's own lot), or
    it was not here yet (said on the day: paper forms entered late included)."""
    if lot.is_expired(given_on):
        return {expired_field: f"Lot {lot.lot_number} had expired on that day"
                + (": it cannot be used." if expired_field == "lot_id" else ".")}
    arrived = await arrived_on(session, lot)
    if arrived is not None and given_on < arrived:
        return {"administered_on": f"Lot {lot.lot_number} arrived here on {day(arrived)}: a "
                                   f"dose from it cannot be dated before then."}
    return {}


async def _stocked(session: AsyncSession, lot: Lot, taken: int = 0) -> None:
    """A dose on hand and free in the lot: not promised to an approved transfer not yet
    shipped (`inventory.free_of`). Asked before the debit, and with `taken=1` after it: two
    doses given at once for the last free one each saw it free, and the second debit (which
    waited on the first's row lock) finds it promised."""
    if lot.on_hand + taken < 1:
        raise Invalid(f"Lot {lot.lot_number} has no doses on hand.", field="lot_id")
    if problem := (await free_of(session, lot, taken)).short():
        raise Invalid(problem, field="lot_id")


async def day_problems(session: AsyncSession, person: Recipient, lot: Lot | None,
                       given_on: date, today: date, expired_field: str = "lot_id"
                       ) -> dict[str, str]:
    """Every problem with the dose's day at once, by field: against today, the person's birth
    and the lot's days (`lot_day_problems`)."""
    problems = {}
    if problem := dose_day_problem(given_on, today):
        problems["administered_on"] = problem
    elif given_on < person.date_of_birth:
        problems["administered_on"] = _before_birth(person)
    if lot is not None:
        problems = {**await lot_day_problems(session, lot, given_on, expired_field), **problems}
    return problems


def _before_birth(person: Recipient) -> str:
    return (f"The date given is before {person.full_name}'s date of birth "
            f"({day(person.date_of_birth)}).")


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        first = next(iter(problems.values()))
        raise Invalid(first, errors=problems)


def _refuse_all(error: CVMSError, problems: dict[str, str]) -> None:
    """A refusal on one field (a lot not held here, or out of doses) that is not the form's
    only problem: every field's is said at once, each on its field."""
    if error.errors and set(problems) - set(error.errors):
        raise Invalid(error.message, errors={**problems, **error.errors}) from error


async def _by_key(session: AsyncSession, user_id: int, key: str) -> Administration | None:
    return (await session.exec(select(Administration).where(
        Administration.recorded_by == user_id, Administration.request_key == key))).first()


async def dose_form(session: AsyncSession, gateway: Gateway, model: type[F],
                    values: Mapping[str, Any], person: Recipient, location: Location,
                    dose: Administration | None = None) -> F:
    """The record (or, with `dose`, the correction) page's form, or a 422 naming every mistake
    at once: with other fields wrong, the dose's day is checked here too (`day_problems`:
    against today, the person's birth and the lot's days), not only by `record` or `edit`
    once they are right."""
    parsed, errors = parse(model, values)
    if errors:
        errors = {**await every_problem(
            session, person, location, await _today(gateway),
            *(one_field(model, name, values)
              for name in ("lot_id", "administered_on", "dose_number")), dose), **errors}
    refuse_fields(errors)
    return parsed


async def every_problem(session: AsyncSession, person: Recipient, location: Location,
                        today: date, lot_id: int | None, given_on: date | None,
                        dose_number: int | None, dose: Administration | None = None
                        ) -> dict[str, str]:
    """Every field's problem with a dose form that is refused anyway (a field typed wrong, a
    lot not offered), by field, so one answer says them all: the lot (held here, with a dose
    free when the dose moves into it), the day (`day_problems`) and the dose number (recorded
    already). With `dose`, a correction of it: its own lot is where it is."""
    problems: dict[str, str] = {}
    lot = None
    if dose is not None and lot_id in (None, dose.lot_id):
        lot = await session.get(Lot, dose.lot_id)
    elif lot_id is not None:
        try:
            lot = await lot_here(session, location, lot_id)
            await _stocked(session, lot)
        except Invalid as error:
            problems.update(error.errors)
    if given_on is not None:
        problems = {**await day_problems(
            session, person, lot and _moved_to(dose, lot, given_on), given_on, today,
            "administered_on" if dose is not None and lot and lot.id == dose.lot_id
            else "lot_id"), **problems}
    if dose_number is not None:
        try:
            await _no_twin_dose(session, person.id, dose_number, dose.id if dose else None)
        except Conflict as error:
            problems.update(error.errors)
    return problems


def _moved_to(dose: Administration | None, lot: Lot, given_on: date) -> Lot | None:
    """The lot whose days a dose's day is checked against: its lot, unless a correction
    keeps the dose in the lot and on the day it was recorded with (allowed then: a lot's
    expiration date corrected since to an earlier one does not stop a wrong site, route or
    provider being corrected)."""
    if dose is not None and lot.id == dose.lot_id and given_on == dose.administered_on:
        return None
    return lot


async def _no_twin_dose(session: AsyncSession, recipient_id: int, dose_number: int,
                        except_id: int | None = None) -> None:
    twin = (await session.exec(select(Administration).where(
        Administration.recipient_id == recipient_id, Administration.status == RECORDED,
        Administration.dose_number == dose_number, Administration.id != (except_id or 0))
    )).first()
    if twin is not None:
        raise Conflict(f"Dose {dose_number} is already recorded for this person "
                       f"({day(twin.administered_on)}).", field="dose_number")


async def _fits_series(session: AsyncSession, person: Recipient, data, product_id: int,
                       except_id: int | None = None) -> None:
    """The dose's place in the person's series (see the module's docstring)."""
    if data.administered_on < person.date_of_birth:
        raise Invalid(_before_birth(person), field="administered_on")
    youngest = rules().get("minimum_age", 16)
    if not data.confirmed and age_on(person.date_of_birth, data.administered_on) < youngest:
        raise Invalid(f"{person.full_name} was {age_on(person.date_of_birth, data.administered_on)}"
                      f" on that day; COVID-19 vaccines are authorized from age {youngest}."
                      + CONFIRM, field="confirmed")
    if not data.confirmed and (problem := await _outside_ages(session, person, product_id,
                                                               data.administered_on)):
        raise Invalid(problem + CONFIRM, field="confirmed")
    doses = await _recorded_doses(session, person.id, except_id)
    await _before_the_next(session, doses, data, product_id)
    if data.dose_number == 1:
        return
    before = next((d for d in doses if d.dose_number == data.dose_number - 1), None)
    if before is None:
        raise Invalid(f"Dose {data.dose_number - 1} is not recorded for this person: record "
                      f"it first (a dose given elsewhere or on paper, with its real date).",
                      field="dose_number")
    if data.administered_on < before.administered_on:
        raise Invalid(f"Dose {data.dose_number} cannot be before dose {data.dose_number - 1} "
                      f"({day(before.administered_on)}).", field="administered_on")
    if data.administered_on == before.administered_on:  # a slip (Back, Save), not a series
        raise Invalid(f"Dose {data.dose_number - 1} is recorded for this same day: a second "
                      f"dose on one day is not recorded. If that really happened, report it "
                      f"to the help desk.", field="administered_on")
    if data.confirmed:
        return
    earlier = await session.get(Product, before.product_id)
    if product_id != before.product_id:
        raise Invalid(f"Dose {data.dose_number - 1} was {earlier.name}; this lot is "
                      f"{(await session.get(Product, product_id)).name}." + CONFIRM,
                      field="confirmed")
    if earlier.interval_days and (data.administered_on - before.administered_on
                                  < timedelta(days=earlier.interval_days) - GRACE):
        due = before.administered_on + timedelta(days=earlier.interval_days)
        raise Invalid(f"Dose {data.dose_number} of {earlier.name} is due from {day(due)}, "
                      f"{earlier.interval_days} days after dose {data.dose_number - 1} "
                      f"({day(before.administered_on)})." + CONFIRM, field="confirmed")


def _eligible_or_confirmed(person: Recipient, data: AdministrationIn) -> None:
    """A first dose to someone registered whose answers do not make them eligible now (their
    group's phase not open) is recorded only when confirmed: the provider judged them eligible
    at the point of care. Later doses continue a series started: eligibility is not asked."""
    if data.confirmed or data.dose_number != 1 or person.registered_at is None:
        return
    status = eligibility_now(person)[0]
    if status in ("eligible", "unknown"):
        return
    raise Invalid(f"{person.full_name}: Their answers do not make them eligible now "
                  f"({STAFF_STATUSES.get(status, status)})." + CONFIRM, field="confirmed")


async def _recorded_doses(session: AsyncSession, recipient_id: int,
                          except_id: int | None = None) -> list[Administration]:
    """The person's recorded doses in the series' order, but `except_id` (the dose being
    corrected or removed): a handful, read once for the doses before and after."""
    return list((await session.exec(select(Administration).where(
        Administration.recipient_id == recipient_id, Administration.status == RECORDED,
        Administration.id != (except_id or 0)).order_by(
        col(Administration.dose_number)))).all())


def _next_of(doses: list[Administration], dose_number: int) -> Administration | None:
    """The first recorded dose after dose `dose_number` (of `_recorded_doses`), if any."""
    return next((d for d in doses if d.dose_number > dose_number), None)


async def _before_the_next(session: AsyncSession, doses: list[Administration], data,
                           product_id: int) -> None:
    """The dose after this one, when it is on record (a correction of an earlier dose's day,
    or an earlier dose recorded again after its removal), checked as the dose before is:
    this one is on an earlier day, and a gap shorter than this product's interval is
    recorded only when confirmed."""
    after = _next_of(doses, data.dose_number)
    if after is None:
        return
    if data.administered_on == after.administered_on:
        raise Invalid(f"Dose {after.dose_number} is recorded for this same day: a second dose "
                      f"on one day is not recorded. If that really happened, report it to "
                      f"the help desk.", field="administered_on")
    if data.administered_on > after.administered_on:
        raise Invalid(f"Dose {data.dose_number} cannot be after dose {after.dose_number} "
                      f"({day(after.administered_on)}).", field="administered_on")
    product = await session.get(Product, product_id)
    if not data.confirmed and product_id != after.product_id:
        raise Invalid(f"Dose {after.dose_number} was "
                      f"{(await session.get(Product, after.product_id)).name}; this lot is "
                      f"{product.name}." + CONFIRM, field="confirmed")
    if not data.confirmed and product.interval_days and (
            after.administered_on - data.administered_on
            < timedelta(days=product.interval_days) - GRACE):
        due = data.administered_on + timedelta(days=product.interval_days)
        raise Invalid(f"Dose {after.dose_number} ({day(after.administered_on)}) would then be "
                      f"early: after dose {data.dose_number} of {product.name}, it is due "
                      f"from {day(due)}, {product.interval_days} days later." + CONFIRM,
                      field="confirmed")


async def _outside_ages(session: AsyncSession, person: Recipient, product_id: int,
                        given_on: date) -> str | None:
    """Why the product is not for someone of the person's age that day (its name says its
    ages: `AGES_IN_MONTHS`), or None."""
    product = await session.get(Product, product_id)
    ages = AGES_IN_MONTHS.get(product.cvx_code) if product else None
    if ages is None:
        return None
    youngest, too_old, said = ages
    months = months_on(person.date_of_birth, given_on)
    if months >= youngest and (too_old is None or months < too_old):
        return None
    age = f"{months // 12} years" if months >= 24 else f"{months} months"
    return (f"{product.name} is for ages {said}; {person.full_name} was {age} old on that "
            f"day.")


SAME_DOSE = ("recipient_id", "lot_id", "dose_number", "administered_on", "site", "route",
             "provider_name")


async def _the_same(session: AsyncSession, done: Administration | None,
                    data: AdministrationIn) -> Administration | None:
    """The dose this request's key recorded, when the request is that dose again (a double
    click, a retry, Back and Save); the same key with another dose (another person's form
    given it, or fields changed after Back) is refused: it would otherwise answer "recorded"
    for a dose recorded nowhere."""
    if done is None or all(getattr(done, k) == getattr(data, k) for k in SAME_DOSE):
        return done
    person = await session.get(Recipient, done.recipient_id)
    raise Conflict(f"This form was already saved: dose {done.dose_number} for "
                   f"{person.full_name}, {day(done.administered_on)}. Nothing else was "
                   f"recorded: open the person's page again to record a dose, or use Edit to "
                   f"correct that one.")


async def record(session: AsyncSession, gateway: Gateway, user: User, location: Location,
                 data: AdministrationIn) -> Administration:
    user_id = user.id  # kept: a rollback below expires the row
    if (done := await _the_same(session, await _by_key(session, user_id, data.request_key),
                                data)) is not None:
        return done
    await take_turn(session, data.recipient_id)  # saved at once on two pages: one dose
    try:
        person = await recipient_at(session, location, data.recipient_id)
        today = await _today(gateway)
        lot = await lot_here(session, location, data.lot_id)
        _refuse(await day_problems(session, person, lot, data.administered_on, today))
        await _no_twin_dose(session, person.id, data.dose_number)
        await _stocked(session, lot)
        # a paper dose: never one the lot's ledger would show it did not hold that day
        if problem := await short_on_day(session, lot, data.administered_on, -1,
                                         "1 dose given"):
            raise Invalid(problem, field="administered_on")
        await _fits_series(session, person, data, lot.product_id)
        _eligible_or_confirmed(person, data)
    except (Conflict, Invalid) as error:
        # A twin of this request (a retry, a second tab) may have committed the dose since the
        # lookup above: then this dose is recorded, and the twin's lot debit explains the rest.
        if (done := await _the_same(session, await _by_key(session, user_id,
                                                            data.request_key), data)) is not None:
            return done
        _refuse_all(error, await every_problem(
            session, person, location, today, data.lot_id, data.administered_on,
            data.dose_number))
        raise
    dose = Administration(recipient_id=person.id, location_id=location.id,
                          product_id=lot.product_id, entered_late=data.administered_on < today,
                          recorded_by=user.id,
                          **data.model_dump(exclude={"recipient_id", "confirmed"}))
    session.add(dose)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()  # a double click: its twin recorded this dose already
        return await _the_same(session, await _by_key(session, user_id, data.request_key), data)
    try:
        await apply(session, key=debit_key(dose.id), lot=lot, kind=EntryKind.ADMINISTERED,
                    doses=-1, actor=_actor(user), occurred_on=dose.administered_on,
                    reason=f"Dose {dose.dose_number} given (record {dose.id})")
    except NotEnoughDoses as error:
        raise Invalid(f"Lot {lot.lot_number} has no doses on hand.", field="lot_id") from error
    await _stocked(session, lot, taken=1)
    released = await close_for_dose(session, dose)
    await _follow_up(session, gateway, dose)
    for appointment_id in released:
        await booking_process.released(gateway, appointment_id)
    return dose


async def _follow_up(session: AsyncSession, gateway: Gateway, dose: Administration) -> None:
    """A first dose of a two-dose product starts its reminder (with the record, or neither);
    a later dose makes the earlier doses' reminders look again, once committed."""
    due = await reminder_due(session, dose)
    if due is not None:
        await reminders.start(gateway, session, dose.id, reminder_time(due, await gateway.now()))
        await session.commit()
        return
    await session.commit()
    for earlier in await _earlier(session, dose):
        await reminders.recheck(gateway, earlier)


async def _earlier(session: AsyncSession, dose: Administration) -> list[int]:
    return list((await session.exec(select(Administration.id).where(
        Administration.recipient_id == dose.recipient_id, Administration.dose_number == 1,
        Administration.id != dose.id))).all())


async def administration_for(session: AsyncSession, location_ids: list[int],
                             administration_id: int) -> Administration:
    dose = await session.get(Administration, administration_id)
    if dose is None or dose.location_id not in location_ids:
        raise NotFound(NO_ADMINISTRATION)
    return dose


async def edit(session: AsyncSession, gateway: Gateway, user: User, dose: Administration,
               data: AdministrationEdit) -> Administration:
    await _turn_of(session, dose)
    if not dose.active:
        raise Conflict("This dose was removed as entered in error; record it again instead.")
    person = await session.get(Recipient, dose.recipient_id)
    lot = new = await session.get(Lot, dose.lot_id)
    location, today = await session.get(Location, dose.location_id), await _today(gateway)
    try:
        if data.lot_id is not None and data.lot_id != dose.lot_id:
            new = await lot_here(session, location, data.lot_id)
        _refuse(await day_problems(session, person, _moved_to(dose, new, data.administered_on),
                                   data.administered_on, today,
                                   "lot_id" if new is not lot else "administered_on"))
        await _no_twin_dose(session, dose.recipient_id, data.dose_number, dose.id)
        if new is not lot:
            await _stocked(session, new)
    except (Conflict, Invalid) as error:
        _refuse_all(error, await every_problem(session, person, location, today, data.lot_id,
                                               data.administered_on, data.dose_number, dose))
        raise
    await _fits_series(session, person, data, new.product_id, dose.id)
    if new is not lot or data.administered_on != dose.administered_on:
        await _rebook(session, user, dose, lot, new, data.administered_on)
    for name, value in data.model_dump(exclude={"lot_id", "confirmed"}).items():
        setattr(dose, name, value)
    dose.entered_late = entered_late(dose)
    dose.updated_at = utcnow()
    session.add(dose)
    released = await follow_correction(session, dose.recipient_id)
    await cancel_unfit(session, gateway, dose.recipient_id)
    await _due_reminders_running(session, gateway, dose)
    await session.commit()
    await _recheck_all(session, gateway, dose)
    for appointment_id in released:
        await booking_process.released(gateway, appointment_id)
    return dose


def entered_late(dose: Administration) -> bool:
    """The rule that marks a dose at recording, applied to its corrected day: dated before
    the day it was recorded (North Carolina's day)."""
    return dose.administered_on < local_today(as_utc(dose.created_at))


async def _rebook(session: AsyncSession, user: User, dose: Administration, old: Lot, new: Lot,
                  given_on: date) -> None:
    """The dose's debit corrected (recorded against the wrong lot, or dated the wrong day),
    never by changing an entry: the dose goes back to the lot it came out of, dated the day it
    was taken, and comes out of the right lot on the right day; two keyed entries per
    correction (a repeated edit finds it made), by the person who corrected it; the reasons
    name the dose record and what was wrong."""
    moves = (await session.exec(select(func.count()).select_from(LedgerEntry).where(
        col(LedgerEntry.key).startswith(f"{debit_key(dose.id)}:moved:")))).one() // 2 + 1
    actor, record = _actor(user), f"Dose record {dose.id}"
    wrong = ([] if new.id == old.id else ["wrong lot"]) + (
        [] if given_on == dose.administered_on else [f"wrong day ({day(dose.administered_on)})"])
    right = ([] if new.id == old.id else ["lot corrected"]) + (
        [] if given_on == dose.administered_on else [f"day corrected to {day(given_on)}"])
    await apply(session, key=f"{debit_key(dose.id)}:moved:{moves}:back", lot=old,
                kind=EntryKind.ADMINISTRATION_REVERSED, doses=1, actor=actor,
                occurred_on=dose.administered_on, reason=f"{record}: {', '.join(wrong)}")
    try:
        await apply(session, key=f"{debit_key(dose.id)}:moved:{moves}:out", lot=new,
                    kind=EntryKind.ADMINISTERED, doses=-1, actor=actor,
                    occurred_on=given_on, reason=f"{record}: {', '.join(right)}")
    except NotEnoughDoses as error:  # another station gave its last dose meanwhile
        raise Invalid(f"Lot {new.lot_number} has no doses on hand.", field="lot_id") from error
    if new.id != old.id:
        await _stocked(session, new, taken=1)  # a twin took its last free dose meanwhile
    dose.lot_id, dose.product_id = new.id, new.product_id


async def remove(session: AsyncSession, gateway: Gateway, user: User, dose: Administration,
                 data: RemovalIn) -> Administration:
    """Entered in error: the record stays, marked; its dose returns to the lot by a reversing
    entry (keyed, so a second click returns it once)."""
    await _turn_of(session, dose)
    if dose.status == ENTERED_IN_ERROR:
        return dose
    if not data.remove_anyway:
        await _nothing_after(session, dose)
    lot = await session.get(Lot, dose.lot_id)
    dose.status, dose.removed_at, dose.removed_by = ENTERED_IN_ERROR, utcnow(), user.id
    dose.removal_reason = data.reason
    session.add(dose)
    try:
        await apply(session, key=f"{debit_key(dose.id)}:reversed", lot=lot,
                    kind=EntryKind.ADMINISTRATION_REVERSED, doses=1, actor=_actor(user),
                    occurred_on=dose.administered_on,
                    reason=f"Dose record {dose.id} entered in error: {data.reason}")
        await reopen_for_removed(session, dose)
        await cancel_unfit(session, gateway, dose.recipient_id)
        await _due_reminders_running(session, gateway, dose)
        await session.commit()
    except IntegrityError:
        await session.rollback()  # a double click: its twin returned the dose already
        await session.refresh(dose)
        return dose
    await _recheck_all(session, gateway, dose)
    return dose


async def _nothing_after(session: AsyncSession, dose: Administration) -> None:
    """A dose with a later dose of the person's series recorded is removed only when confirmed:
    the later one stays, and their record would read it without the dose before it (a series
    of two: complete on the second alone)."""
    later = _next_of(await _recorded_doses(session, dose.recipient_id, dose.id),
                     dose.dose_number)
    if later is not None:
        raise Invalid(f"Dose {later.dose_number} ({day(later.administered_on)}) is recorded "
                      f"after this one and stays recorded: their record would show dose "
                      f"{later.dose_number} without dose {dose.dose_number}. If dose "
                      f"{later.dose_number} is wrong too, remove it first; to remove this "
                      f"one all the same, tick the box.", field="remove_anyway")


async def _turn_of(session: AsyncSession, dose: Administration) -> None:
    """A correction or a removal waits for any other change to the person's doses (two tabs:
    one removing the dose, the other moving it to another lot), then reads the dose as that
    one left it: its dose goes back to the lot it is really in, once."""
    await take_turn(session, dose.recipient_id)
    await session.refresh(dose)


async def _recheck_all(session: AsyncSession, gateway: Gateway, dose: Administration) -> None:
    for earlier in {dose.id, *await _earlier(session, dose)}:
        await reminders.recheck(gateway, earlier)


async def _due_reminders_running(session: AsyncSession, gateway: Gateway,
                                 dose: Administration) -> None:
    """With a correction or a removal, before it commits (it is made with its reminders, or
    not at all): each first dose of the person whose second dose is now due has its reminder
    running. A dose 1 moved from a single-dose lot to a two-dose one never had one, and a dose
    2 removed as entered in error leaves its dose 1's reminder ended (cancelled when that dose
    2 was recorded): those start again, from the real day; a running one is joined, and the
    recheck after the commit has it read its due time again. A reminder already sent is not
    sent twice (its email is keyed by the dose)."""
    for first in sorted({dose.id, *await _earlier(session, dose)}):
        due = await reminder_due(session, await session.get(Administration, first))
        if due is not None:
            await reminders.start(gateway, session, first, reminder_time(due, await gateway.now()))


async def doses_of(session: AsyncSession, recipient_id: int, *, active_only: bool = False
                   ) -> list[Administration]:
    where = [Administration.recipient_id == recipient_id]
    if active_only:
        where.append(Administration.status == RECORDED)
    return list((await session.exec(select(Administration).where(*where).order_by(
        Administration.administered_on, Administration.dose_number, Administration.id))).all())
