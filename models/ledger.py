"""The inventory ledger: every change is one keyed entry, applied exactly once, never below zero.

Used by the API (receipts, adjustments) and by the transfer workflow's activities (ship,
receive, return). A repeated key is the same change, not a second one.
"""

from datetime import date

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.timefmt import day
from core.wording import counted
from models.inventory import LedgerEntry, Lot, Transfer
from models.inventory_rules import EntryKind, TransferStatus


class NotEnoughDoses(Exception):
    def __init__(self, lot: Lot, wanted: int) -> None:
        super().__init__(f"Lot {lot.lot_number} has {counted(lot.on_hand, 'dose')} on "
                         f"hand; {wanted:,} asked for.")
        self.on_hand, self.wanted = lot.on_hand, wanted


class LotMismatch(Exception):
    pass


async def entry_for(session: AsyncSession, key: str) -> LedgerEntry | None:
    return (await session.exec(select(LedgerEntry).where(LedgerEntry.key == key))).first()


async def apply(session: AsyncSession, *, key: str, lot: Lot, kind: EntryKind, doses: int,
                actor: str, reason: str | None = None,
                transfer_id: int | None = None, occurred_on: date | None = None) -> LedgerEntry:
    """Apply a signed change to a lot once. A known key returns the earlier entry unchanged."""
    done = await entry_for(session, key)
    if done is not None:
        return done
    entry = LedgerEntry(key=key, lot_id=lot.id, location_id=lot.location_id, kind=kind,
                        doses=doses, reason=reason, actor=actor, transfer_id=transfer_id,
                        occurred_on=occurred_on)
    session.add(entry)
    await session.flush()  # a concurrent twin with the same key fails here (IntegrityError)
    changed = await session.exec(update(Lot).where(Lot.id == lot.id, Lot.on_hand + doses >= 0)
                                 .values(on_hand=Lot.on_hand + doses))
    if changed.rowcount != 1:
        await session.refresh(lot)
        raise NotEnoughDoses(lot, -doses)
    await session.refresh(lot)
    return entry


async def lot_at(session: AsyncSession, location_id: int, product_id: int, lot_number: str,
                 expiration_date: date) -> Lot:
    """The location's lot (created empty on first receipt); its expiry must agree."""
    statement = select(Lot).where(Lot.location_id == location_id, Lot.product_id == product_id,
                                  Lot.lot_number == lot_number)
    lot = (await session.exec(statement)).first()
    if lot is None:
        lot = Lot(location_id=location_id, product_id=product_id, lot_number=lot_number,
                  expiration_date=expiration_date)
        session.add(lot)
        await session.flush()
    elif problem := mismatch(lot, expiration_date):
        raise LotMismatch(problem)
    return lot


def mismatch(lot: Lot, expiration_date: date) -> str | None:
    """Why this expiration date cannot be the held lot's (one lot, one date), or None."""
    if lot.expiration_date == expiration_date:
        return None
    return (f"Lot {lot.lot_number} is already recorded here with the expiration date "
            f"{day(lot.expiration_date)}.")


UNSHIPPED = (TransferStatus.REQUESTED, TransferStatus.APPROVED)
PROMISED = (TransferStatus.APPROVED,)


async def unshipped(session: AsyncSession, lot_ids: list[int],
                    statuses: tuple[TransferStatus, ...] = UNSHIPPED) -> list[Transfer]:
    """The transfers of these lots not yet shipped (by default requested or approved), oldest
    first: their doses are still on hand, but asked for. The one place a lot's doses are
    counted as spoken for: the point of care, a new request, an approval and its
    writing (activities/inventory.py) each ask it."""
    if not lot_ids:
        return []
    return list((await session.exec(select(Transfer).where(
        col(Transfer.lot_id).in_(lot_ids), col(Transfer.status).in_(statuses))
        .order_by(Transfer.id))).all())
