"""Appointments: one process per booking (its id and time only) that sends its emails."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import AppointmentInput, BookingChange
from workflows import ids
from workflows.appointment import AppointmentWorkflow as Booking
from workflows.releases import RELEASE


async def start(gateway: Gateway, session: AsyncSession, appointment_id: int,
                starts_at: datetime) -> None:
    """With the booking in `session`: it is booked with its process, or not at all."""
    await gateway.start(Booking.run, AppointmentInput(appointment_id=appointment_id,
                                                      starts_at=starts_at, release=RELEASE),
                        id=ids.appointment(appointment_id), session=session)


async def changed(gateway: Gateway, session: AsyncSession, appointment_id: int,
                  change: BookingChange) -> None:
    """With a move or a cancellation in `session`: the process is told before the commit
    (and waits to see it), or nothing changes (503). It never learns of a change only at the
    old appointment time."""
    await gateway.tell(ids.appointment(appointment_id), Booking.recheck, change, session)


async def released(gateway: Gateway, appointment_id: int) -> None:
    """After a dose recorded elsewhere or earlier released the booking (committed): its
    process tells the person. Temporal away costs the hint only: the process reads the booking
    at its time."""
    await gateway.signal(ids.appointment(appointment_id), Booking.recheck,
                         BookingChange(cancelled=True))
