"""Location Managers' reports: doses by day, by product and lot, recipients registered vs
vaccinated, wastage. Each is a title, column names and rows: the page shows them, the CSV
download writes the same rows."""

import csv
import io
from dataclasses import dataclass

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.cells import safe_cell
from models.administrations import RECORDED, Administration
from models.enrollment import Location
from models.inventory import LedgerEntry, Lot, Product
from models.inventory_rules import EntryKind
from models.recipients import Recipient


@dataclass
class Report:
    key: str
    title: str
    columns: list[str]
    rows: list[list]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows([safe_cell(cell) for cell in row] for row in self.rows)
        return out.getvalue()


def _given(location: Location):
    return (Administration.location_id == location.id, Administration.status == RECORDED)


async def doses_by_day(session: AsyncSession, location: Location) -> Report:
    rows = (await session.exec(select(Administration.administered_on, func.count())
                               .where(*_given(location))
                               .group_by(Administration.administered_on)
                               .order_by(Administration.administered_on))).all()
    return Report("doses-by-day", "Doses by day", ["Date", "Doses"],
                  [[day, n] for day, n in rows])  # the page writes a day, the CSV its ISO form


async def doses_by_lot(session: AsyncSession, location: Location) -> Report:
    rows = (await session.exec(select(Product.name, Lot.lot_number, func.count())
                               .select_from(Administration).join(Lot, Lot.id == Administration.lot_id)
                               .join(Product, Product.id == Administration.product_id)
                               .where(*_given(location))
                               .group_by(Product.name, Lot.lot_number)
                               .order_by(Product.name, Lot.lot_number))).all()
    return Report("doses-by-lot", "Doses by product and lot", ["Product", "Lot", "Doses"],
                  [list(row) for row in rows])


async def recipients(session: AsyncSession, location: Location) -> Report:
    registered = (await session.exec(select(func.count()).select_from(Recipient).where(
        Recipient.location_id == location.id,
        col(Recipient.registered_at).is_not(None)))).one()
    vaccinated = (await session.exec(select(func.count(func.distinct(
        Administration.recipient_id))).where(*_given(location)))).one()
    completed = (await session.exec(select(func.count(func.distinct(
        Administration.recipient_id))).select_from(Administration).join(Product, Product.id == Administration.product_id)
        .where(*_given(location),
               Administration.dose_number >= Product.doses_in_series))).one()
    return Report("recipients", "Recipients registered and vaccinated", ["Measure", "People"],
                  [["Registered", registered], ["Given at least one dose", vaccinated],
                   ["Completed their series", completed]])


async def wastage(session: AsyncSession, location: Location) -> Report:
    kinds = [EntryKind.WASTAGE, EntryKind.EXPIRED]
    rows = (await session.exec(select(Product.name, Lot.lot_number, LedgerEntry.kind,
                                      func.sum(-LedgerEntry.doses))
                               .select_from(LedgerEntry).join(Lot, Lot.id == LedgerEntry.lot_id)
                               .join(Product, Product.id == Lot.product_id)
                               .where(LedgerEntry.location_id == location.id,
                                      col(LedgerEntry.kind).in_(kinds))
                               .group_by(Product.name, Lot.lot_number, LedgerEntry.kind)
                               .order_by(Product.name, Lot.lot_number))).all()
    return Report("wastage", "Wastage", ["Product", "Lot", "Kind", "Doses"],
                  [[name, lot, EntryKind(kind).label, int(n)] for name, lot, kind, n in rows])


REPORTS = {"doses-by-day": doses_by_day, "doses-by-lot": doses_by_lot,
           "recipients": recipients, "wastage": wastage}


async def all_reports(session: AsyncSession, location: Location) -> list[Report]:
    return [await build(session, location) for build in REPORTS.values()]
