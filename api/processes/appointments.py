"""Appointments: one process per booking (its id and time only) that sends its emails."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import AppointmentInput, BookingMoved
from workflows import ids
from workflows.appointment import AppointmentWorkflow as Booking


async def start(gateway: Gateway, session: AsyncSession, appointment_id: int,
                starts_at: datetime) -> None:
    """With the booking in `session`: it is booked with its process, or not at all."""
    await gateway.start(Booking.run, AppointmentInput(appointment_id=appointment_id,
                                                      starts_at=starts_at),
                        id=ids.appointment(appointment_id), session=session)


async def moved(gateway: Gateway, session: AsyncSession, appointment_id: int,
                moves: int) -> None:
    """With the move in `session`: the process is told before the commit, or the move is not
    made (503), so it never waits for the old time to learn of an earlier one."""
    await gateway.tell(ids.appointment(appointment_id), Booking.recheck,
                       BookingMoved(moves=moves), session)


async def changed(gateway: Gateway, appointment_id: int) -> None:
    """After a cancellation or a move is committed: the process looks at the booking now and
    sends the cancellation or the new time. A process that already ended (the time passed)
    has nothing left to tell; a lost hint only delays the email to the old time."""
    await gateway.signal(ids.appointment(appointment_id), Booking.recheck)
