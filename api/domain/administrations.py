"""Recording doses: each debits its lot by one through the keyed ledger (keyed by the
administration, so a double click or a retry debits once); an edit changes the record; a
removal as entered in error returns the dose by a reversing entry, never by editing history.
A first dose of a two-dose product starts its second-dose reminder.

A dose fits the person's series: never before their birth, dose N only after dose N-1 and
on a later day. A dose earlier than the product's interval after the one before (less
the 4-day grace period), of another product, or to someone younger than the vaccines are
authorized for (the eligibility rules' minimum age), is recorded only when the person
recording it confirms it was given that way: a dose given is never refused, but a slip (Back, then
"Save dose" again, which offers the next dose number) is caught."""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.appointments import close_for_dose
from api.domain.care import recipient_at
from api.processes import Gateway, reminders
from api.processes import appointments as booking_process
from core.errors import Conflict, Invalid, NotFound
from core.timefmt import day
from models.accounts import User
from models.administration_schemas import AdministrationEdit, AdministrationIn, RemovalIn
from models.administration_store import reminder_due
from models.administrations import ENTERED_IN_ERROR, RECORDED, Administration
from models.base import utcnow
from models.care_rules import local_today, reminder_time
from models.eligibility import age_on, rules
from models.enrollment import Location
from models.inventory import LedgerEntry, Lot, Product
from models.inventory_rules import EntryKind
from models.ledger import NotEnoughDoses, apply
from models.recipients import Recipient

NO_ADMINISTRATION = "We could not find that dose among your location's records."
GRACE = timedelta(days=4)  # CDC: a dose up to 4 days before the minimum interval counts
CONFIRM = (" If it was given this way, tick \"The dose was given as entered\" and save "
           "again.")


def debit_key(administration_id: int) -> str:
    return f"administration:{administration_id}"


def _actor(user: User) -> str:
    return f"user:{user.id}:{user.full_name}"


async def _today(gateway: Gateway):
    return local_today(await gateway.now())


async def usable_lot(session: AsyncSession, location: Location, lot_id: int, on) -> Lot:
    lot = await session.get(Lot, lot_id)
    if lot is None or lot.location_id != location.id:
        raise Invalid("Choose a lot held at this location.", field="lot_id")
    if lot.is_expired(on):
        raise Invalid(f"Lot {lot.lot_number} had expired on that day: it cannot be used.",
                      field="lot_id")
    if lot.on_hand < 1:
        raise Invalid(f"Lot {lot.lot_number} has no doses on hand.", field="lot_id")
    return lot


async def _by_key(session: AsyncSession, user_id: int, key: str) -> Administration | None:
    return (await session.exec(select(Administration).where(
        Administration.recorded_by == user_id, Administration.request_key == key))).first()


async def _check_dates(gateway: Gateway, data) -> bool:
    """True when the dose is entered late (from a paper form: its real day is earlier)."""
    today = await _today(gateway)
    if data.administered_on > today:
        raise Invalid("A dose cannot be recorded for a day that has not come yet.",
                      field="administered_on")
    if (today - data.administered_on).days > 366:
        raise Invalid("Enter the date the dose was given (within the last year).",
                      field="administered_on")
    return data.administered_on < today


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
        raise Invalid(f"The date given is before {person.full_name}'s date of birth "
                      f"({day(person.date_of_birth)}).", field="administered_on")
    youngest = rules().get("minimum_age", 16)
    if not data.confirmed and age_on(person.date_of_birth, data.administered_on) < youngest:
        raise Invalid(f"{person.full_name} was {age_on(person.date_of_birth, data.administered_on)}"
                      f" on that day; COVID-19 vaccines are authorized from age {youngest}."
                      + CONFIRM, field="confirmed")
    if data.dose_number == 1:
        return
    before = (await session.exec(select(Administration).where(
        Administration.recipient_id == person.id, Administration.status == RECORDED,
        Administration.dose_number == data.dose_number - 1,
        Administration.id != (except_id or 0)))).first()
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


async def record(session: AsyncSession, gateway: Gateway, user: User, location: Location,
                 data: AdministrationIn) -> Administration:
    user_id = user.id  # kept: a rollback below expires the row
    if (done := await _by_key(session, user_id, data.request_key)) is not None:
        return done
    try:
        person = await recipient_at(session, location, data.recipient_id)
        late = await _check_dates(gateway, data)
        await _no_twin_dose(session, person.id, data.dose_number)
        lot = await usable_lot(session, location, data.lot_id, data.administered_on)
        await _fits_series(session, person, data, lot.product_id)
    except (Conflict, Invalid):
        # A twin of this request (a retry, a second tab) may have committed the dose since the
        # lookup above: then this dose is recorded, and the twin's lot debit explains the rest.
        if (done := await _by_key(session, user_id, data.request_key)) is not None:
            return done
        raise
    dose = Administration(recipient_id=person.id, location_id=location.id,
                          product_id=lot.product_id, entered_late=late, recorded_by=user.id,
                          **data.model_dump(exclude={"recipient_id", "confirmed"}))
    session.add(dose)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()  # a double click: its twin recorded this dose already
        return await _by_key(session, user_id, data.request_key)
    try:
        await apply(session, key=debit_key(dose.id), lot=lot, kind=EntryKind.ADMINISTERED,
                    doses=-1, actor=_actor(user), occurred_on=dose.administered_on,
                    reason=f"Dose {dose.dose_number} given (record {dose.id})")
    except NotEnoughDoses as error:
        raise Invalid(f"Lot {lot.lot_number} has no doses on hand.", field="lot_id") from error
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
    if not dose.active:
        raise Conflict("This dose was removed as entered in error; record it again instead.")
    late = await _check_dates(gateway, data)
    lot = await session.get(Lot, dose.lot_id)
    if lot.is_expired(data.administered_on):
        raise Invalid(f"Lot {lot.lot_number} had expired on that day.", field="administered_on")
    await _no_twin_dose(session, dose.recipient_id, data.dose_number, dose.id)
    product_id = dose.product_id
    if data.lot_id is not None and data.lot_id != dose.lot_id:
        product_id = (await session.get(Lot, data.lot_id) or lot).product_id
    await _fits_series(session, await session.get(Recipient, dose.recipient_id), data,
                       product_id, dose.id)
    if data.lot_id is not None and data.lot_id != dose.lot_id:
        await _move(session, user, dose, lot, data)
    for name, value in data.model_dump(exclude={"lot_id", "confirmed"}).items():
        setattr(dose, name, value)
    dose.entered_late = dose.entered_late or late
    dose.updated_at = utcnow()
    session.add(dose)
    await session.commit()
    await _recheck_all(session, gateway, dose)
    return dose


async def _move(session: AsyncSession, user: User, dose: Administration, old: Lot,
                data: AdministrationEdit) -> None:
    """Recorded against the wrong lot: the dose goes back to the old lot and comes out of the
    new one, two keyed entries per move (a repeated edit finds the lot already moved), by the
    person who corrected it; the reason names the dose record."""
    location = await session.get(Location, dose.location_id)
    new = await usable_lot(session, location, data.lot_id, data.administered_on)
    moves = (await session.exec(select(func.count()).select_from(LedgerEntry).where(
        col(LedgerEntry.key).startswith(f"{debit_key(dose.id)}:moved:")))).one() // 2 + 1
    actor = _actor(user)
    await apply(session, key=f"{debit_key(dose.id)}:moved:{moves}:back", lot=old,
                kind=EntryKind.ADMINISTRATION_REVERSED, doses=1, actor=actor,
                occurred_on=data.administered_on, reason=f"Dose record {dose.id}: wrong lot")
    await apply(session, key=f"{debit_key(dose.id)}:moved:{moves}:out", lot=new,
                kind=EntryKind.ADMINISTERED, doses=-1, actor=actor,
                occurred_on=data.administered_on, reason=f"Dose record {dose.id}: lot corrected")
    dose.lot_id, dose.product_id = new.id, new.product_id


async def remove(session: AsyncSession, gateway: Gateway, user: User, dose: Administration,
                 data: RemovalIn) -> Administration:
    """Entered in error: the record stays, marked; its dose returns to the lot by a reversing
    entry (keyed, so a second click returns it once)."""
    if dose.status == ENTERED_IN_ERROR:
        return dose
    lot = await session.get(Lot, dose.lot_id)
    dose.status, dose.removed_at, dose.removed_by = ENTERED_IN_ERROR, utcnow(), user.id
    dose.removal_reason = data.reason
    session.add(dose)
    try:
        await apply(session, key=f"{debit_key(dose.id)}:reversed", lot=lot,
                    kind=EntryKind.ADMINISTRATION_REVERSED, doses=1, actor=_actor(user),
                    occurred_on=dose.administered_on,
                    reason=f"Dose record {dose.id} entered in error: {data.reason}")
        await session.commit()
    except IntegrityError:
        await session.rollback()  # a double click: its twin returned the dose already
        await session.refresh(dose)
        return dose
    await _recheck_all(session, gateway, dose)
    return dose


async def _recheck_all(session: AsyncSession, gateway: Gateway, dose: Administration) -> None:
    for earlier in {dose.id, *await _earlier(session, dose)}:
        await reminders.recheck(gateway, earlier)


async def doses_of(session: AsyncSession, recipient_id: int, *, active_only: bool = False
                   ) -> list[Administration]:
    where = [Administration.recipient_id == recipient_id]
    if active_only:
        where.append(Administration.status == RECORDED)
    return list((await session.exec(select(Administration).where(*where).order_by(
        Administration.administered_on, Administration.dose_number, Administration.id))).all())
