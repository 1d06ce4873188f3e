"""One booked appointment: the confirmation email, then, if the recipient cancels before the
appointment time, the cancellation email. Only the appointment's id and time cross in.

The cancellation is the database's fact (the API's transaction frees the place); the `recheck`
signal only makes the email prompt. If that signal is lost (Temporal away when the API
committed), the process still reads the booking at the appointment's time and sends the
cancellation then: the email step checks the database before sending."""

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.care import CareActivities
    from models.contracts import AppointmentEmail, AppointmentInput
    from workflows.options import MAIL


@workflow.defn
class AppointmentWorkflow:
    @workflow.init
    def __init__(self, data: AppointmentInput) -> None:
        self.changed = False

    @workflow.run
    async def run(self, data: AppointmentInput) -> str:
        await self._email(data, "booked")
        remaining = data.starts_at - workflow.now()
        if remaining > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self.changed, timeout=remaining)
        if not self.changed and not workflow.patched("cancellation-read-at-the-time"):
            return "held"
        if await self._email(data, "cancelled"):
            return "cancelled"
        return "kept" if self.changed else "held"

    async def _email(self, data: AppointmentInput, change: str) -> bool:
        return await workflow.execute_activity_method(
            CareActivities.send_appointment_email,
            AppointmentEmail(appointment_id=data.appointment_id, change=change), **MAIL)

    @workflow.signal
    def recheck(self) -> None:
        self.changed = True
