"""One error type carrying an HTTP status; the API renders it as JSON or as a page."""

from http import HTTPStatus


class CVMSError(Exception):
    status_code: int = HTTPStatus.BAD_REQUEST
    code: str = "bad_request"

    def __init__(self, message: str, *, field: str | None = None,
                 errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})
        if field:
            self.errors.setdefault(field, message)

    def problems(self, field: str = "form") -> dict[str, str]:
        """What a page shows: each field's problem, or, for an error of no field (a refusal,
        "not done, try again"), its message under `field` (the form's own alert by default),
        so a refused form never comes back without a word."""
        return self.errors or {field: self.message}


class NotAuthenticated(CVMSError):
    status_code = HTTPStatus.UNAUTHORIZED
    code = "not_authenticated"


class Forbidden(CVMSError):
    status_code = HTTPStatus.FORBIDDEN
    code = "forbidden"
    # (location id, name): a portal location of theirs where what was refused is allowed;
    # the refusal page offers to switch there and open the page again
    switch_to: tuple[int, str] | None = None


class PasswordChangeRequired(Forbidden):
    """A temporary password must be changed first: pages send the person to do it, then back."""

    code = "password_change_required"


class NotFound(CVMSError):
    status_code = HTTPStatus.NOT_FOUND
    code = "not_found"


class Conflict(CVMSError):
    status_code = HTTPStatus.CONFLICT
    code = "conflict"


class PreconditionRequired(CVMSError):
    """A change that must name the version it was made from (If-Match) named none."""

    status_code = HTTPStatus.PRECONDITION_REQUIRED
    code = "precondition_required"


class Invalid(CVMSError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "invalid"


class TooManyRequests(CVMSError):
    """Back off: the answer carries Retry-After, the seconds to wait."""

    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class Gone(CVMSError):
    status_code = HTTPStatus.GONE
    code = "gone"


class Unavailable(CVMSError):
    """The action was not done (a part of the system did not answer in time): try again."""

    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "unavailable"


class StillWorking(CVMSError):
    """The action was accepted and will complete; its result was not ready in time."""

    status_code = HTTPStatus.ACCEPTED
    code = "accepted"


class SentMeanwhile(Exception):  # noqa: N818 - not an error: what a stale page is told
    """A link sent again from a page opened before another was sent (two tabs, two managers):
    nothing more is sent; `message` says so."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
