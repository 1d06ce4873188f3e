"""A location's status: the database projection, plus live detail from its workflow."""

import asyncio
import logging

from temporalio.service import RPCError

from api.services import TemporalGateway
from models.contracts import LocationDetail
from models.enrollment import Location
from models.enrollment_schemas import LocationOut, LocationStatusOut
from workflows import ids
from workflows.location import LocationEnrollmentWorkflow

log = logging.getLogger("cvms.status")


async def live_detail(temporal: TemporalGateway, location_id: int) -> LocationDetail | None:
    """Ask the workflow; the page still renders (from the projection) if it cannot answer."""
    try:
        client = await temporal.client()
        handle = client.get_workflow_handle(ids.location(location_id))
        return await asyncio.wait_for(handle.query(LocationEnrollmentWorkflow.detail), 5)
    except (RPCError, TimeoutError, RuntimeError) as error:
        log.info("no live detail for location %s: %s", location_id, error)
        return None


async def location_status(temporal: TemporalGateway, location: Location) -> LocationStatusOut:
    detail = await live_detail(temporal, location.id)
    return LocationStatusOut(
        location=LocationOut.model_validate(location),
        reminders_sent=detail.reminders_sent if detail else None,
        next_reminder_at=detail.next_reminder_at if detail else None)
