"""Reads the point of care's API and activities share: when a second-dose reminder is due."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.administrations import RECORDED, Administration
from models.care_rules import second_dose_due
from models.inventory import Product


async def later_dose(session: AsyncSession, first: Administration) -> Administration | None:
    return (await session.exec(select(Administration).where(
        Administration.recipient_id == first.recipient_id, Administration.status == RECORDED,
        Administration.dose_number > first.dose_number))).first()


async def reminder_due(session: AsyncSession, administration: Administration | None
                       ) -> datetime | None:
    """When the reminder for this first dose fires, or None: not a first dose of a two-dose
    product, removed as entered in error, or the next dose is already recorded."""
    if administration is None or not administration.active or administration.dose_number != 1:
        return None
    product = await session.get(Product, administration.product_id)
    if product is None or product.doses_in_series < 2 or not product.interval_days:
        return None
    if await later_dose(session, administration) is not None:
        return None
    return second_dose_due(administration.administered_on, product.interval_days)
