"""Who may decide on a location, and when it can be approved: written once, used by the
location workflow's validator, the decision activity and the review pages."""

from models.enums import Role

CHANGE_MOVED = ("The change you were deciding was decided a moment ago, by another reviewer: "
                "this is the next one waiting. Nothing was sent; decide it on its own.")
REVIEW_MOVED = ("Another decision was taken on this location since you opened it, and what "
                "waits for review now is new: read it again, then decide. Nothing was sent.")
REASON_NEEDED = "Give the reason for the rejection; the coordinator receives it."
# Said to the reviewer, who cannot add providers: who does, and when to come back.
NO_PROVIDER = ("{name} cannot be approved yet: it has no active practicing provider. Its "
               "coordinator adds one in Section B, or sends the practicing-provider bulk upload "
               "through a help-desk case for the help desk to import; approve it once one is "
               "active, or reject it with a reason.")


def decision_problem(role: str, approve: bool, reason: str | None, pending: bool,
                     status_label: str) -> tuple[str, str] | None:
    """Why this decision cannot be taken now, as (message, kind), or None."""
    if role != Role.REVIEWER:
        return "Only Immunization Branch reviewers decide on locations.", "Forbidden"
    if not pending:
        return (f"This location's status is \u201c{status_label}\u201d: there is nothing to "
                "decide.", "Conflict")
    if not approve and not (reason or "").strip():
        return REASON_NEEDED, "Invalid"
    return None


def approval_problem(location_name: str, active_providers: int, amendment: bool) -> str | None:
    """A location is enrolled only with at least one active practicing provider."""
    if not amendment and active_providers < 1:
        return NO_PROVIDER.format(name=location_name)
    return None
