"""Rules every workflow follows, written once.

- A person's action (an update) carries the deadline its caller waits for. Arriving later
  (the worker was down), it is refused, so the caller's "not done, try again" is true.
- A long-lived workflow continues as new when Temporal suggests it, or past a history bound,
  after its handlers have finished.
"""

from temporalio import workflow
from temporalio.exceptions import ApplicationError

HISTORY_LIMIT = 2_000  # events; Temporal warns at 10K and stops at 50K


def in_time(command: object) -> None:
    """Refuse a command whose caller stopped waiting (it answered 'not done, try again')."""
    deadline = getattr(command, "deadline", None)
    if deadline is not None and workflow.now() > deadline:
        raise ApplicationError("This action arrived after its caller stopped waiting, so it "
                               "was not applied. Try again.", type="Expired")


def refuse(message: str, kind: str = "Conflict") -> ApplicationError:
    """A business refusal the API maps to an HTTP status by its type."""
    return ApplicationError(message, type=kind, non_retryable=True)


def history_is_long(limit: int | None = None) -> bool:
    info = workflow.info()
    return info.is_continue_as_new_suggested() or (
        info.get_current_history_length() > (limit or HISTORY_LIMIT))
