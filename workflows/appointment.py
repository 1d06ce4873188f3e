"""One booked appointment: the confirmation email; then, until the appointment time, a
"changed" email each time the recipient moves it to another time, and the cancellation email
if they cancel. Only the appointment's id and time cross in.

The booking is the database's fact (the API's transaction takes and frees the places); the
`recheck` signal makes the process look at once. A move or a cancellation is signalled
before the API commits it (no signal, no change: the recipient is told to try again), saying
what changed, so the process waits until it sees that change: it never learns of a move to an
earlier time, or of a cancellation, only at the old time. A process that misses nothing still
reads the booking at the appointment's time.

Histories recorded before the reschedule (no "reschedule-follows-the-booking" marker) replay
the earlier path unchanged; such a process still waiting when a move arrives (or its time
comes) follows the booking from then on ("reschedule-in-flight")."""

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.care import CareActivities
    from models.contracts import AppointmentEmail, AppointmentInput, AppointmentRef, BookingChange
    from workflows.options import MAIL, db_step
    from workflows.releases import patched

FOLLOWS = "reschedule-follows-the-booking"
IN_FLIGHT = "reschedule-in-flight"


@workflow.defn
class AppointmentWorkflow:
    @workflow.init
    def __init__(self, data: AppointmentInput) -> None:
        self.changed = False
        self.told = BookingChange()  # what the API signalled (it commits just after)

    @workflow.run
    async def run(self, data: AppointmentInput) -> str:
        await self._email(data.appointment_id, "booked")
        if patched(data.release, FOLLOWS):
            return await self._follow(data.appointment_id, data.starts_at)
        remaining = data.starts_at - workflow.now()
        if remaining > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self.changed, timeout=remaining)
        if not self.changed and not workflow.patched("cancellation-read-at-the-time"):
            return "held"
        if await self._email(data.appointment_id, "cancelled"):
            return "cancelled"
        if workflow.patched(IN_FLIGHT):  # a process of the earlier code, running on
            return await self._follow(data.appointment_id, data.starts_at, woken=True)
        return "kept" if self.changed else "held"

    async def _follow(self, appointment_id: int, starts_at: datetime,
                      woken: bool = False) -> str:
        """Wait for the appointment time or a hint; each time, read the booking and tell the
        recipient what changed."""
        seen = 0
        while True:
            remaining = starts_at - workflow.now()
            if not woken and remaining > timedelta(0):
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self.changed, timeout=remaining)
            woken, self.changed = False, False
            try:
                booking = await db_step(CareActivities.read_appointment, AppointmentRef(
                    appointment_id=appointment_id, moves_at_least=self.told.moves,
                    cancelled=self.told.cancelled))
            except ActivityError:
                if self.told == BookingChange():
                    raise
                self.told, woken = BookingChange(), True  # it never committed: look again
                continue
            if booking.status == "cancelled":
                await self._email(appointment_id, "cancelled")
                return "cancelled"
            if booking.moves > seen:
                seen = booking.moves
                starts_at = booking.starts_at or starts_at
                if starts_at > workflow.now():
                    await self._email(appointment_id, "moved")
                    continue
            if starts_at <= workflow.now():
                return "held"

    async def _email(self, appointment_id: int, change: str) -> bool:
        return await workflow.execute_activity_method(
            CareActivities.send_appointment_email,
            AppointmentEmail(appointment_id=appointment_id, change=change), **MAIL)

    @workflow.signal
    def recheck(self, change: BookingChange | None = None) -> None:
        self.changed = True
        if change is not None:
            self.told = BookingChange(moves=max(self.told.moves, change.moves),
                                      cancelled=self.told.cancelled or change.cancelled)
