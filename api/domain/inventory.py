"""Inventory at enrolled sites: receipts, adjustments (each a ledger entry), the views.

A form sent twice with its key (a double click, a retry) is one change. A page's form filled
again (Back, then "Add to inventory": the page comes with a new key and what was typed) would
be a second change: there, the same change to the same lot within REPEAT_WINDOW is made only
when the person confirms it is another one (`repeat_check`; the API's caller owns its keys)."""

from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.scope import site_for_staff
from core.db import one_at_a_time
from core.errors import Conflict, Invalid, NotFound
from core.timefmt import day, when
from core.wording import counted
from models.accounts import User
from models.administrations import Administration
from models.base import as_utc, utcnow
from models.enrollment import Location
from models.enrollment_enums import LocationStatus
from models.inventory import LedgerEntry, Lot, Product, Transfer
from models.inventory_rules import (
    RECEIPTS,
    SHIPPED,
    EntryKind,
    TransferStatus,
    actor_name,
    extra_doses_problem,
    inventory_today,
)
from models.inventory_schemas import AdjustmentIn, ExpiryCorrectionIn, LotOut, ReceiptIn
from models.ledger import (
    PROMISED,
    LotMismatch,
    NotEnoughDoses,
    apply,
    entry_for,
    lot_at,
    mismatch,
    unshipped,
)
from models.portal_rules import MANAGER

SIGNS = {"extra_doses": 1, "wastage": -1, "expired": -1, "returned": -1}
REPEAT_WINDOW = timedelta(minutes=15)


async def site_for(session: AsyncSession, user: User, location_id: int,
                   *, write: bool = False) -> Location:
    """An enrolled site whose inventory this person may see (its Location Managers and the
    state) or change (its Location Managers only)."""
    location = await site_for_staff(session, user, location_id, profiles=frozenset({MANAGER}),
                                    state_reads=not write)
    if location.status != LocationStatus.APPROVED:
        raise Conflict(f"{location.name} is not an enrolled site yet (its status: "
                       f"{location.status.label}): it cannot hold inventory.")
    return location


async def products(session: AsyncSession) -> list[Product]:
    result = await session.exec(select(Product).where(Product.active).order_by(Product.name))
    return list(result.all())


def _actor(user: User) -> str:
    return f"user:{user.id}:{user.full_name}"


async def _not_a_repeat(session: AsyncSession, lot_id: int, kind: EntryKind, doses: int,
                        repeat_check: bool, what: str) -> None:
    if not repeat_check:
        return
    twin = (await session.exec(select(LedgerEntry).where(
        LedgerEntry.lot_id == lot_id, LedgerEntry.kind == kind, LedgerEntry.doses == doses,
        LedgerEntry.created_at >= utcnow() - REPEAT_WINDOW)
        .order_by(LedgerEntry.id.desc()).limit(1))).first()
    if twin is not None:
        raise Invalid(f"The same change was recorded {when(twin.created_at)} by "
                      f"{actor_name(twin.actor)}: {counted(abs(doses), 'dose')}, "
                      f"{twin.kind.label.lower()}. "
                      f"If this is {what}, tick the box and save again.", field="confirmed")


NO_PRODUCT = "Choose a product from the list."


async def _not_another_products_lot(session: AsyncSession, location_id: int,
                                    data: ReceiptIn) -> None:
    """A lot number the site holds under another product: lot numbers are the manufacturer's,
    so it is nearly always the wrong product chosen (every dose given from the lot would be
    recorded as the wrong vaccine). Asked, not refused: a tick says it is right."""
    other = (await session.exec(select(Lot).where(
        Lot.location_id == location_id, Lot.lot_number == data.lot_number.upper(),
        Lot.product_id != data.product_id).limit(1))).first()
    if other is not None:
        held, chosen = (await session.get(Product, other.product_id),
                        await session.get(Product, data.product_id))
        raise Invalid(f"Lot {other.lot_number} is held here already as {held.name}: check the "
                      f"product chosen. If this shipment is {chosen.name} with the same lot "
                      f"number, tick the box and save again.", field="other_product")


async def _not_a_transfer_coming(session: AsyncSession, location_id: int,
                                 data: ReceiptIn) -> None:
    """The lot approved or shipped to this site in a transfer: a box of it entered as a
    shipment would count its doses twice (here, and again at the transfer's receipt). Asked,
    not refused: a tick says it is another shipment (the distributor's)."""
    coming = (await session.exec(select(Transfer).where(
        Transfer.to_location_id == location_id, Transfer.product_id == data.product_id,
        Transfer.lot_number == data.lot_number.upper(),
        col(Transfer.status).in_((TransferStatus.APPROVED, TransferStatus.SHIPPED)))
        .order_by(Transfer.id).limit(1))).first()
    if coming is not None:
        sender = await session.get(Location, coming.from_location_id)
        raise Invalid(f"Lot {coming.lot_number} is on its way here from {sender.name} in "
                      f"transfer {coming.number} ({counted(coming.doses, 'dose')}, "
                      f"{coming.status.label.lower()}): if these vials came in that transfer, "
                      f"confirm its receipt on the transfer's page instead, or its doses would "
                      f"be counted twice. If this is another shipment, tick the box and save "
                      f"again.", field="in_transit")


async def receive(session: AsyncSession, user: User, location: Location,
                  data: ReceiptIn, repeat_check: bool = False,
                  product_check: bool = False, transfer_check: bool = False) -> LedgerEntry:
    """A shipment received (its expiration date is checked by ReceiptIn, with its fields).
    The pages ask first (`repeat_check`, `product_check`, `transfer_check`) about the same
    shipment recorded moments ago, about a lot number held here under another product and
    about the lot on its way here in a transfer."""
    if await session.get(Product, data.product_id) is None:
        raise Invalid(NO_PRODUCT, field="product_id")
    if product_check:
        await _not_another_products_lot(session, location.id, data)
    key, actor, location_id = f"receipt:{location.id}:{data.request_key}", _actor(user), location.id
    for attempt in range(3):
        try:
            return await _receive_once(session, key, actor, location_id, data, repeat_check,
                                       transfer_check)
        except IntegrityError:
            # A twin request created the lot (or the entry) first: look again, now settled.
            await session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _receive_once(session: AsyncSession, key: str, actor: str, location_id: int,
                        data: ReceiptIn, repeat_check: bool,
                        transfer_check: bool = False) -> LedgerEntry:
    if (done := await entry_for(session, key)) is not None:
        return await _same_request(
            session, done, (data.product_id, data.lot_number.upper(), data.expiration_date),
            EntryKind.RECEIVED, data.doses, RECEIPT_REASON, _day_entered(data.received_on))
    await _agrees_with_transfers_in(session, location_id, data.product_id,
                                    data.lot_number.upper(), data.expiration_date)
    if transfer_check:  # after the site's hold: a transfer shipped meanwhile is seen
        await _not_a_transfer_coming(session, location_id, data)
    try:
        lot = await lot_at(session, location_id, data.product_id, data.lot_number.upper(),
                           data.expiration_date)
    except LotMismatch as error:
        raise Invalid(str(error), field="expiration_date") from error
    await _not_a_repeat(session, lot.id, EntryKind.RECEIVED, data.doses, repeat_check,
                        "another shipment")
    return await apply(session, key=key, lot=lot, kind=EntryKind.RECEIVED, doses=data.doses,
                       actor=actor, reason=RECEIPT_REASON,
                       occurred_on=_day_entered(data.received_on))


def _day_entered(day: date | None) -> date | None:
    """The day a change happened as its ledger entry keeps it: a day before today (it came, or
    was counted on paper, while the system was down), None for today."""
    return day if day and day != inventory_today() else None


OPEN_TRANSFERS = (TransferStatus.REQUESTED, TransferStatus.APPROVED, TransferStatus.SHIPPED)


async def transfer_of_lot_to(session: AsyncSession, location_id: int, product_id: int,
                             lot_number: str, expiration_date: date) -> Transfer | None:
    """An open transfer (requested, approved or in transit) bringing this lot to the location
    with another expiration date: the receipt of it would meet the clash and never be made."""
    statement = select(Transfer).where(
        Transfer.to_location_id == location_id, Transfer.product_id == product_id,
        Transfer.lot_number == lot_number, Transfer.expiration_date != expiration_date,
        Transfer.status.in_(OPEN_TRANSFERS)).order_by(Transfer.id).limit(1)
    return (await session.exec(statement)).first()


async def hold_sites(session: AsyncSession, *location_ids: int) -> None:
    """The sites' lots held for this transaction: a receipt at a site, a correction of its
    lot's expiry and a transfer request from or to it each check the others' records (a lot's
    expiry, the same lot number on its way), so they take turns. A write to each site's row is
    a row lock on Postgres (taken in id order, so two requests between the same two sites
    cannot deadlock) and SQLite's write lock, taken before anything is read; the second reads
    what the first committed."""
    for location_id in sorted(set(location_ids)):
        await one_at_a_time(session, Location, location_id)


async def _agrees_with_transfers_in(session: AsyncSession, location_id: int, product_id: int,
                                    lot_number: str, expiration_date: date) -> None:
    """A shipment recorded with another expiry than the same lot on its way here is refused
    before it is made: recorded, it would leave the transfer unreceivable."""
    await hold_sites(session, location_id)
    problem = await _transfer_in_problem(session, location_id, product_id, lot_number,
                                         expiration_date)
    if problem:
        raise Invalid(problem, field="expiration_date")


async def _transfer_in_problem(session: AsyncSession, location_id: int, product_id: int,
                               lot_number: str, expiration_date: date) -> str | None:
    coming = await transfer_of_lot_to(session, location_id, product_id, lot_number,
                                      expiration_date)
    if coming is None:
        return None
    sender = await session.get(Location, coming.from_location_id)
    return (f"Lot {lot_number} is on its way to this site from {sender.name} in transfer "
            f"{coming.number} ({coming.status.label.lower()}) with the expiration date "
            f"{day(coming.expiration_date)}. Check the vials' label: if it says "
            f"{day(coming.expiration_date)}, enter that date; if it says "
            f"{day(expiration_date)}, {sender.name} can correct its record once the transfer "
            f"is cancelled or denied (Correct an expiration date, on its inventory page).")


async def receipt_problems(session: AsyncSession, location: Location,
                           fields: dict) -> dict[str, str]:
    """What the records say of a refused receipt's fields that passed (`valid_fields`), so the
    page names it with the other fields' problems at once: a product not in the list, or the
    lot recorded here, or on its way here, with another expiration date."""
    product_id, number = fields.get("product_id"), fields.get("lot_number")
    if product_id is not None and await session.get(Product, product_id) is None:
        return {"product_id": NO_PRODUCT}
    if product_id is None or number is None or "expiration_date" not in fields:
        return {}
    number, expires = number.upper(), fields["expiration_date"]
    held = (await session.exec(select(Lot).where(
        Lot.location_id == location.id, Lot.product_id == product_id,
        Lot.lot_number == number))).first()
    problem = (mismatch(held, expires) if held is not None else None) or \
        await _transfer_in_problem(session, location.id, product_id, number, expires)
    return {"expiration_date": problem} if problem else {}


RECEIPT_REASON = "Shipment received"


async def _same_request(session: AsyncSession, done: LedgerEntry, lot: tuple, kind: EntryKind,
                        doses: int, reason: str, occurred_on: date | None) -> LedgerEntry:
    """A key sent again names the change it made: the same one (the same lot, by product,
    number and expiry; the same kind, doses, reason and day it happened, None for the day it
    was entered) is answered with it; another (a reused key: Back, the day corrected, Save) is
    refused, so a caller never takes an old change for a new one."""
    was = await session.get(Lot, done.lot_id)
    if ((was.product_id, was.lot_number, was.expiration_date), done.kind, abs(done.doses),
            done.reason, done.occurred_on) != (lot, kind, doses, reason, occurred_on):
        raise Conflict(f"This request key was used for another change ({done.kind.label.lower()}"
                       f", {counted(abs(done.doses), 'dose')} of lot {was.lot_number}): send a "
                       f"new key for a new change.", field="request_key")
    return done


async def lot_of(session: AsyncSession, location: Location, lot_id: int) -> Lot:
    lot = await session.get(Lot, lot_id)
    if lot is None or lot.location_id != location.id:
        raise NotFound("That lot is not held at this location.", field="lot_id")
    return lot


async def travelling_lots(session: AsyncSession, location: Location) -> dict[int, list[str]]:
    """The site's lots in an open transfer from it (requested, approved or in transit), each
    with those transfers' numbers (the page says which one holds a lot's date back)."""
    found: dict[int, list[str]] = {}
    for transfer in (await session.exec(select(Transfer).where(
            Transfer.from_location_id == location.id,
            col(Transfer.status).in_(OPEN_TRANSFERS)).order_by(col(Transfer.id)))).all():
        found.setdefault(transfer.lot_id, []).append(transfer.number)
    return found


async def correct_expiry(session: AsyncSession, user: User, location: Location, lot_id: int,
                         data: ExpiryCorrectionIn) -> LedgerEntry:
    """A lot's expiration date corrected to its label's (a receipt typed wrong): recorded in
    the ledger with both dates, the reason and who, no doses moved. Refused while the lot is on
    its way somewhere (the transfer carries its date), or when it would disagree with the same
    lot on its way here (the transfer could not be received)."""
    await hold_sites(session, location.id)  # before the lot is read: see hold_sites
    lot = await lot_of(session, location, lot_id)  # read after the hold: what is committed
    key = f"expiry:{location.id}:{data.request_key}"
    new, old = data.expiration_date, lot.expiration_date
    if (done := await entry_for(session, key)) is not None:  # sent again: the same change?
        if done.lot_id != lot.id or done.kind != EntryKind.EXPIRY_CORRECTED or not (
                done.reason or "").endswith(f" corrected to {day(new)}: {data.reason}"):
            raise Conflict("This request key was used for another change: send a new key for "
                           "a new change.", field="request_key")
        return done
    # the date's own range is ExpiryCorrectionIn's, checked with the form's other fields
    if problems := await _correction_problems(session, lot, new):
        raise Invalid(next(iter(problems.values())), errors=problems)
    revived = old < inventory_today() <= new  # expired as recorded, usable again
    if revived and not data.confirmed:
        raise Invalid(revive_problem(lot, new), field="confirmed")
    lot.expiration_date = new
    session.add(lot)
    entry = LedgerEntry(key=key, lot_id=lot.id, location_id=location.id,
                        kind=EntryKind.EXPIRY_CORRECTED, doses=0, actor=_actor(user),
                        reason=f"Expiration date {day(old)}{' (expired)' if revived else ''} "
                               f"corrected to {day(new)}: {data.reason}")
    session.add(entry)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()  # a double click: the twin recorded it first
        return await entry_for(session, key)
    return entry


def revive_problem(lot: Lot, new: date) -> str:
    """What correcting an expired lot's date to `new` (not passed) does, asked before it is
    done: its doses are offered again at the point of care and may be moved."""
    return (f"Lot {lot.lot_number} expired on {day(lot.expiration_date)} as recorded: "
            f"corrected to {day(new)}, its {counted(lot.on_hand, 'dose')} can be given and moved "
            f"again. Do so only when the vials' label says {day(new)} (the date was typed "
            f"wrong) or the manufacturer extended this lot's expiry, and say which in the "
            f"reason (the ledger keeps it, with both dates and who corrected it). If so, tick "
            f"the box and save again.")


async def given_after(session: AsyncSession, lot_id: int, expires: date) -> int:
    """Doses recorded (not removed) as given from the lot after `expires`: after its expiry is
    corrected to an earlier day, the records to check (a dose from an expired lot may need to
    be repeated)."""
    return (await session.exec(select(func.count()).select_from(Administration).where(
        Administration.lot_id == lot_id, Administration.administered_on > expires,
        col(Administration.removed_at).is_(None)))).one()


async def _correction_problems(session: AsyncSession, lot: Lot,
                               new: date | None) -> dict[str, str]:
    """Why the lot's expiration date cannot be corrected (to `new`, when known), each field's
    at once: the lot on its way somewhere (its transfer carries the date), the date it has
    already, or one that disagrees with the same lot on its way here."""
    problems = {}
    leaving = (await session.exec(select(Transfer).where(
        Transfer.lot_id == lot.id, col(Transfer.status).in_(OPEN_TRANSFERS)))).first()
    if leaving is not None:
        problems["lot_id"] = (f"Lot {lot.lot_number} is in transfer {leaving.number} "
                              f"({leaving.status.label.lower()}), which carries its expiration "
                              f"date: correct it once the transfer is received, cancelled or "
                              f"denied.")
    if new == lot.expiration_date:
        problems["expiration_date"] = (f"Lot {lot.lot_number} is already recorded with the "
                                       f"expiration date {day(new)}.")
    elif new is not None and (clash := await _transfer_in_problem(
            session, lot.location_id, lot.product_id, lot.lot_number, new)):
        problems["expiration_date"] = clash
    return problems


async def correction_problems(session: AsyncSession, location: Location, lot_id: int,
                              fields: dict) -> dict[str, str]:
    """What the records say of a refused correction's fields that passed (`valid_fields`),
    named with the other fields' problems at once."""
    try:
        lot = await lot_of(session, location, lot_id)
    except NotFound as error:
        return error.problems()
    return await _correction_problems(session, lot, fields.get("expiration_date"))


async def arrived_on(session: AsyncSession, lot: Lot) -> date | None:
    """The day the lot first reached its location, in North Carolina: its first receipt or
    transfer in (a receipt's own day when it gives one). None when no entry tells."""
    entries = (await session.exec(select(LedgerEntry.occurred_on, LedgerEntry.created_at).where(
        LedgerEntry.lot_id == lot.id, col(LedgerEntry.kind).in_(RECEIPTS)))).all()
    return min((on or inventory_today(as_utc(at)) for on, at in entries), default=None)


async def on_hand_by_day(session: AsyncSession, lot: Lot) -> dict[date, int]:
    """The lot's doses on hand at the end of each day its ledger shows a change, by the day
    each change happened (its own day, when entered later, else the day it was recorded)."""
    entries = (await session.exec(select(LedgerEntry.occurred_on, LedgerEntry.created_at,
                                         LedgerEntry.doses).where(
        LedgerEntry.lot_id == lot.id))).all()
    changes: dict[date, int] = {}
    for on, at, doses in entries:
        happened = on or inventory_today(as_utc(at))
        changes[happened] = changes.get(happened, 0) + doses
    held, balance = 0, {}
    for happened in sorted(changes):
        held += changes[happened]
        balance[happened] = held
    return balance


async def _day_problem(session: AsyncSession, lot: Lot, happened: date | None,
                       change: int) -> str | None:
    """Why a change of `change` doses to the lot cannot be dated `happened` (a day before
    today), or None: the lot was not here yet, or it takes more doses than the lot's ledger
    shows on hand that day or on any day after it (it would show fewer than none)."""
    if happened is None or happened == inventory_today():
        return None
    arrived = await arrived_on(session, lot)
    if arrived is not None and happened < arrived:
        return (f"Lot {lot.lot_number} arrived here on {day(arrived)}: a change to it cannot "
                f"be dated before then.")
    return await short_on_day(session, lot, happened, change,
                              f"{counted(-change, 'dose')} lost")


async def short_on_day(session: AsyncSession, lot: Lot, happened: date, change: int,
                       what: str) -> str | None:
    """Why `change` doses (`what`, "1 dose given") cannot leave the lot dated `happened` (a
    day before today), or None: its ledger, by the day each change happened, would show fewer
    than no doses on that day or on a day after it."""
    if change >= 0 or happened >= inventory_today():
        return None
    balance = await on_hand_by_day(session, lot)
    before = [held for on, held in balance.items() if on <= happened]
    days = [(before[-1] if before else 0, happened)] + sorted(
        (held, on) for on, held in balance.items() if on > happened)
    least, when_least = min(days)
    if least + change >= 0:
        return None
    had = f"had only {counted(least, 'dose')}" if least > 0 else "had no dose"
    if when_least == happened:
        return (f"Lot {lot.lot_number} {had} on hand on {day(happened)}, as its ledger "
                f"shows: {what} that day would leave it fewer than none. Check the day and "
                f"the doses.")
    return (f"Lot {lot.lot_number} {had} on hand on "
            f"{day(when_least)} (its ledger, with the doses given and moved since "
            f"{day(happened)}): {what} on {day(happened)} would leave it fewer than none that "
            f"day. Check the day and the doses.")


def _may_gain(lot: Lot) -> None:
    if lot.is_expired():
        raise Invalid("An expired lot cannot gain doses.", field="kind")


def _short(lot_number: str, on_hand: int) -> Invalid:
    return Invalid(f"Only {counted(on_hand, 'dose')} of lot {lot_number} "
                   f"{'is' if on_hand == 1 else 'are'} on hand.", field="doses")


async def adjustment_problems(session: AsyncSession, location: Location, lot_id: int,
                              fields: dict) -> dict[str, str]:
    """What the lot's records say of a refused adjustment's fields that passed (`valid_fields`):
    more doses than are on hand, or extra doses the lot cannot give, named with the other
    fields' problems at once."""
    kind, doses = fields.get("kind"), fields.get("doses")
    try:
        lot = await lot_of(session, location, lot_id)
        if kind == "extra_doses":
            _may_gain(lot)
            if doses is not None:
                await _extra_doses_fit(session, lot, doses)
        elif kind is not None and doses is not None and doses > lot.on_hand:
            raise _short(lot.lot_number, lot.on_hand)
        if kind is not None and doses is not None and (problem := await _day_problem(
                session, lot, fields.get("occurred_on"), SIGNS[kind] * doses)):
            raise Invalid(problem, field="occurred_on")
    except (Invalid, NotFound) as error:
        return error.problems()
    return {}


async def adjust(session: AsyncSession, user: User, location: Location, lot_id: int,
                 data: AdjustmentIn, repeat_check: bool = False) -> LedgerEntry:
    lot = await lot_of(session, location, lot_id)
    if data.kind == "extra_doses":
        _may_gain(lot)
    # A key is the location's, whichever lot it names (it was the lot's: the same key on
    # another lot made a second change); `adjust:{lot}:` is how keys were made before.
    key, number = f"adjustment:{location.id}:{data.request_key}", lot.lot_number
    happened = _day_entered(data.occurred_on)
    body = (lot.product_id, number, lot.expiration_date), EntryKind(data.kind), data.doses, \
        data.reason, happened
    done = (await entry_for(session, key)
            or await entry_for(session, f"adjust:{lot.id}:{data.request_key}"))
    if done is not None:
        return await _same_request(session, done, *body)
    if data.kind == "extra_doses":
        await _extra_doses_fit(session, lot, data.doses)
    if happened is not None:  # counted with the lot's row locked, as extra doses are
        await session.exec(update(Lot).where(Lot.id == lot.id).values(on_hand=Lot.on_hand))
        await session.refresh(lot)
        if problem := await _day_problem(session, lot, happened, SIGNS[data.kind] * data.doses):
            raise Invalid(problem, field="occurred_on")
    await _not_a_repeat(session, lot.id, EntryKind(data.kind), SIGNS[data.kind] * data.doses,
                        repeat_check, "another one")
    try:
        return await apply(session, key=key, lot=lot, kind=EntryKind(data.kind),
                           doses=SIGNS[data.kind] * data.doses, actor=_actor(user),
                           reason=data.reason, occurred_on=happened)
    except NotEnoughDoses as error:
        raise _short(number, error.on_hand) from error
    except IntegrityError:
        await session.rollback()  # a double click: the twin recorded a change with this key
        return await _same_request(session, await entry_for(session, key), *body)


async def _extra_doses_fit(session: AsyncSession, lot: Lot, wanted: int) -> None:
    """Extra doses within what the lot's vials can give (`extra_doses_problem`), counted with
    the lot's row locked, so two at once cannot both take the last of it: a write that
    changes nothing (Postgres: the row's lock; SQLite, which ignores FOR UPDATE: the
    database's write lock), held until the commit, as `care.take_turn` does."""
    await session.exec(update(Lot).where(Lot.id == lot.id).values(on_hand=Lot.on_hand))
    await session.refresh(lot)
    sums = (await session.exec(select(
        func.coalesce(func.sum(LedgerEntry.doses).filter(LedgerEntry.kind.in_(RECEIPTS)), 0),
        func.coalesce(func.sum(LedgerEntry.doses).filter(
            LedgerEntry.kind == EntryKind.EXTRA_DOSES), 0),
        func.coalesce(func.sum(LedgerEntry.doses).filter(LedgerEntry.kind.in_(SHIPPED)), 0)
    ).where(LedgerEntry.lot_id == lot.id))).one()
    product = await session.get(Product, lot.product_id)
    problem = extra_doses_problem(int(sums[0]), int(sums[1]), wanted, lot.on_hand,
                                  product.doses_per_vial, lot.lot_number, -int(sums[2]))
    if problem:
        raise Invalid(problem, field="lot_id" if lot.on_hand <= 0 else "doses")


class Stock(NamedTuple):
    """A site's lots as people use them: usable (doses on hand, not expired), used up (none
    left, not expired) and expired (shown apart: they cannot be used)."""

    usable: list[LotOut]
    used_up: list[LotOut]
    expired: list[LotOut]


async def lots(session: AsyncSession, location: Location) -> Stock:
    today = inventory_today()
    result = await session.exec(select(Lot).where(Lot.location_id == location.id)
                                .order_by(Lot.expiration_date, Lot.lot_number))
    stock, held = Stock([], [], []), list(result.all())
    promised: dict[int, list[Transfer]] = {}
    for transfer in await unshipped(session, [lot.id for lot in held], PROMISED):
        promised.setdefault(transfer.lot_id, []).append(transfer)
    for lot in held:
        out = LotOut.model_validate(lot)
        out.expired = lot.is_expired(today)
        free = Free(lot.lot_number, lot.on_hand, promised.get(lot.id, []))
        out.promised = lot.on_hand - free.free
        out.promised_to = [transfer.number for transfer in free.promised]
        (stock.expired if out.expired else stock.usable if lot.on_hand > 0
         else stock.used_up).append(out)
    return stock


class Free(NamedTuple):
    """A lot's doses on hand and the approved transfers not yet shipped that hold some of
    them: those are promised (the sending site ships them), the rest are free to use."""

    lot_number: str
    on_hand: int
    promised: list[Transfer]

    @property
    def held_back(self) -> int:
        return sum(transfer.doses for transfer in self.promised)

    @property
    def free(self) -> int:
        return max(self.on_hand - self.held_back, 0)

    def short(self, wanted: int = 1) -> str | None:
        """Why `wanted` doses cannot be used here (None: they can)."""
        if self.free >= wanted or self.on_hand < wanted:
            return None  # enough free, or not on hand at all (the caller's own message)
        held = min(self.held_back, self.on_hand)
        numbers = ", ".join(transfer.number for transfer in self.promised)
        free = (f"has only {counted(self.free, 'dose')} free: the other {held:,}"
                if self.free else f"has no dose free: the {counted(held, 'dose')}")
        return (f"Lot {self.lot_number} {free} on hand {'is' if held == 1 else 'are'} "
                f"promised to transfer {numbers} (approved, not shipped yet).")


async def free_of(session: AsyncSession, lot: Lot, taken: int = 0) -> Free:
    """The lot's doses free and promised now; `taken`: doses debited already in this
    transaction (the check made again after a debit, which a twin taking the same last free
    dose at once meets)."""
    return Free(lot.lot_number, lot.on_hand + taken, await unshipped(session, [lot.id], PROMISED))


async def in_transit_from(session: AsyncSession, location: Location) -> int:
    result = await session.exec(select(func.coalesce(func.sum(Transfer.doses), 0)).where(
        Transfer.from_location_id == location.id, Transfer.status == TransferStatus.SHIPPED))
    return int(result.one())


LEDGER_PAGE = 50


async def ledger(session: AsyncSession, location: Location, limit: int = LEDGER_PAGE,
                 offset: int = 0) -> list[LedgerEntry]:
    """A page of the location's ledger, the newest entry first."""
    result = await session.exec(select(LedgerEntry).where(LedgerEntry.location_id == location.id)
                                .order_by(LedgerEntry.id.desc()).offset(offset).limit(limit))
    return list(result.all())
