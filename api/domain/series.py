"""A recipient's vaccination series as they read it: the doses given (day, vaccine), whether the
series is complete, and from which day the next dose is due. The status and booking pages
read it once per request (one query)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.administrations import RECORDED, Administration
from models.enrollment import Location
from models.inventory import Product
from models.recipients import Recipient


@dataclass(frozen=True)
class GivenDose:
    number: int
    on: date
    vaccine: str
    where: str  # the location that gave it


@dataclass(frozen=True)
class Series:
    doses: list[GivenDose]
    complete: bool
    next_due: date | None  # the day the next dose is due from (None: complete or none given)

    @property
    def next_number(self) -> int:
        return (self.doses[-1].number if self.doses else 0) + 1


async def series_of(session: AsyncSession, person: Recipient) -> Series:
    rows = (await session.exec(select(Administration, Product, Location.name)
                               .join(Product, Product.id == Administration.product_id)
                               .join(Location, Location.id == Administration.location_id)
                               .where(Administration.recipient_id == person.id,
                                      Administration.status == RECORDED)
                               .order_by(Administration.dose_number))).all()
    doses = [GivenDose(d.dose_number, d.administered_on, p.name, where) for d, p, where in rows]
    if not rows:
        return Series(doses, complete=False, next_due=None)
    last, product, _where = rows[-1]
    complete = last.dose_number >= product.doses_in_series
    due = (None if complete
           else last.administered_on + timedelta(days=product.interval_days or 0))
    return Series(doses, complete, due)
