"""A bulk upload of recipients: validate every row, store the valid ones in one statement,
invite each new person once, then tell the uploader. Only the upload's id and counts cross
into the workflow; names, birth dates and addresses stay in the database. Also a person
registered at the point of care: their personal link, emailed once."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.recipients import RecipientActivities
    from models.contracts import ImportProgress, RecipientImportInput, RecipientRef, UploadRef
    from workflows.options import DB, MAIL, NON_RETRYABLE

R = RecipientActivities
# A batch of invitations heartbeats after each email: a dead worker's batch is retried soon,
# and the outbox skips the emails that already went.
BATCH = {
    "start_to_close_timeout": timedelta(minutes=10),
    "heartbeat_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1),
                                maximum_interval=timedelta(minutes=5),
                                non_retryable_error_types=NON_RETRYABLE),
}
LONG_DB = {**DB, "start_to_close_timeout": timedelta(minutes=2)}


@workflow.defn
class RecipientImportWorkflow:
    @workflow.init
    def __init__(self, data: RecipientImportInput) -> None:
        self.progress = ImportProgress(upload_id=data.upload_id, status="validating")

    @workflow.run
    async def run(self, data: RecipientImportInput) -> ImportProgress:
        ref = UploadRef(upload_id=data.upload_id)
        step = await workflow.execute_activity_method(R.validate_upload, ref, **LONG_DB)
        if step.status == "storing":
            step = await workflow.execute_activity_method(R.store_upload, ref, **LONG_DB)
        self.progress.status = step.status
        while self.progress.status == "inviting":
            result = await workflow.execute_activity_method(R.invite_batch, ref, **BATCH)
            self.progress.invited += result.sent
            if result.remaining == 0:
                self.progress.status = "done"
        await workflow.execute_activity_method(R.finish_upload, ref, **MAIL)
        return self.progress

    @workflow.query
    def detail(self) -> ImportProgress:
        return self.progress


@workflow.defn
class RecipientLinkWorkflow:
    """A walk-in (or a paper form entered later) who gave an email address: their Recipient
    Portal link, sent once, retried until the mail relay takes it."""

    @workflow.run
    async def run(self, data: RecipientRef) -> bool:
        return await workflow.execute_activity_method(R.send_personal_link, data, **MAIL)
