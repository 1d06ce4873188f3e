"""A location's status: the database projection, plus live detail from its workflow."""

from api.processes import Gateway
from api.processes import enrollment as enrollment_process
from models.contracts import LocationDetail
from models.enrollment import Location
from models.enrollment_schemas import LocationOut, LocationStatusOut


async def live_detail(gateway: Gateway, location_id: int) -> LocationDetail | None:
    """Ask the workflow; the page still renders (from the projection) if it cannot answer."""
    return await enrollment_process.location_detail(gateway, location_id)


async def location_status(gateway: Gateway, location: Location) -> LocationStatusOut:
    detail = await live_detail(gateway, location.id)
    return LocationStatusOut(
        location=LocationOut.model_validate(location),
        reminders_sent=detail.reminders_sent if detail else None,
        next_reminder_at=detail.next_reminder_at if detail else None)
