"""Stored files nothing uses (a form's kept files it never sent): removed every few hours.

The worker starts the one run at start-up (`start_file_sweep`); a run that is there already is
the one. Each round removes what is older than a week (activities/files.py), then waits, then
continues as new, so the history stays a round long."""

from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

with workflow.unsafe.imports_passed_through():
    from activities.files import FileActivities
    from workflows import ids
    from workflows.options import DB

SWEEP_EVERY = timedelta(hours=6)
MOST_BATCHES = 50  # a round's bound; what is left waits for the next round


@workflow.defn
class FileSweepWorkflow:
    @workflow.run
    async def run(self) -> None:
        after = 0
        for _ in range(MOST_BATCHES):
            after = await workflow.execute_activity_method(
                FileActivities.remove_unused_files, after, **DB)
            if not after:
                break
        await workflow.sleep(SWEEP_EVERY)
        workflow.continue_as_new()


async def start_file_sweep(client: Client, task_queue: str) -> None:
    """Start the sweep on this task queue unless it runs already."""
    await client.start_workflow(FileSweepWorkflow.run, id=ids.file_sweep(task_queue),
                                task_queue=task_queue,
                                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
