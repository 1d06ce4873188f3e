"""The second-dose reminder of one first dose: a durable timer at the product's interval after
the real administration day; when it fires the recipient is emailed in their language.

Only the administration's id and the due time cross into the workflow. The database is the
truth: a `recheck` signal (the dose was edited, removed, or the second dose recorded) makes the
workflow ask it again, and the email step checks once more before sending."""

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.care import CareActivities
    from models.contracts import ReminderDetail, ReminderInput, ReminderRef
    from workflows.options import MAIL, db_step

C = CareActivities


@workflow.defn
class SecondDoseReminderWorkflow:
    @workflow.init
    def __init__(self, data: ReminderInput) -> None:
        self.detail_ = ReminderDetail(administration_id=data.administration_id, due=data.due)
        self.rechecks = 0

    @workflow.run
    async def run(self, data: ReminderInput) -> str:
        ref = ReminderRef(administration_id=data.administration_id)
        while True:
            remaining = self.detail_.due - workflow.now()
            if remaining > timedelta(0) and not self.rechecks:
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self.rechecks > 0, timeout=remaining)
            if self.rechecks:
                self.rechecks = 0
                plan = await db_step(C.reminder_plan, ref)
                if plan.due is None:
                    return self._end("cancelled")
                self.detail_.due = plan.due
                continue
            sent = await workflow.execute_activity_method(C.send_second_dose_reminder, ref,
                                                          **MAIL)
            return self._end("sent" if sent else "not needed")

    def _end(self, state: str) -> str:
        self.detail_.state = state
        return state

    @workflow.signal
    def recheck(self) -> None:
        self.rechecks += 1

    @workflow.query
    def detail(self) -> ReminderDetail:
        return self.detail_
