"""Timeouts and retry policies shared by every workflow."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

# Business failures an activity raises on purpose; retrying them cannot help.
NON_RETRYABLE = ["NotFound", "Invalid", "Conflict", "Forbidden"]

DB = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=1),
        maximum_interval=timedelta(minutes=1),
        non_retryable_error_types=NON_RETRYABLE,
    ),
}

# An SMTP outage only delays mail: keep retrying, backing off to ten minutes.
MAIL = {
    "start_to_close_timeout": timedelta(seconds=60),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        maximum_interval=timedelta(minutes=10),
        non_retryable_error_types=NON_RETRYABLE,
    ),
}

# Database steps (short reads and writes of our own rows) run as local activities: in the
# worker that runs the workflow task, recorded as one marker event, with no activity task
# for Temporal to schedule, dispatch and time. An enrollment's 24 of them cost ~120 history
# events and ~25 workflow tasks more as ordinary activities (bench/enrollment.py). The
# retry policy is the same; a step still retrying after a minute waits on a timer between
# attempts. Mail (which may wait hours on an SMTP outage) and long imports stay ordinary.
# Runs started before this change (recorded histories) replay with ordinary activities.
#
# The exception: a step that runs when an update arrives whose caller keeps its transaction
# open until the update is accepted (the API's `gateway.update(..., session=...)`: a new
# account joining a location, a drawn signature, a case message, a storage unit). A local
# activity would hold the workflow task, and with it the acceptance, until the step ended,
# while the step waits for rows (on SQLite, for the lock) that the caller commits only after
# the acceptance. Those steps pass `callers_transaction=True` and stay ordinary activities:
# the acceptance leaves at once and the step retries until the caller's rows are visible.
#
# On SQLite (one writer at a time: development, the one-command run and half the tests) every
# step stays an ordinary activity. There, an API request holds the database's only write lock
# while it waits for an update's acceptance, and a local step of any other run would wait for
# that lock inside its workflow task, holding one of the worker's workflow-task slots, until
# the acceptance could not be processed for want of one. The worker sets this at start-up
# (`allow_local_db_steps`); a run's choice is recorded by the patch marker, so a history
# replays the same on either database.
LOCAL_DB_STEPS = "database-steps-run-locally"
_local_allowed = True


def allow_local_db_steps(allowed: bool) -> None:
    global _local_allowed
    _local_allowed = allowed


def local_db_steps_allowed() -> bool:
    return _local_allowed


def local_db_steps() -> bool:
    """Whether this run's database steps are local activities."""
    return _local_allowed and workflow.patched(LOCAL_DB_STEPS)


async def db_step(activity: Callable[..., Awaitable[Any]], arg: Any, *,
                  callers_transaction: bool = False) -> Any:
    """Run a database activity method with `arg`: locally in runs started since the change,
    unless it reads what an update's caller commits after the acceptance."""
    if not callers_transaction and local_db_steps():
        return await workflow.execute_local_activity_method(activity, arg, **DB)
    return await workflow.execute_activity_method(activity, arg, **DB)
