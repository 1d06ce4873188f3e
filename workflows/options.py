"""Timeouts and retry policies shared by every workflow."""

from datetime import timedelta

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
