"""Officer signing rounds and review decisions: workflow contracts."""

from datetime import timedelta

from pydantic import BaseModel

from models.contracts.base import Command
from models.contracts.enrollment import StatusChange

SIGNING_REMINDER_EVERY = timedelta(days=3)
SIGNING_ESCALATE_AFTER = timedelta(days=10)
SIGNING_LINK_TTL = timedelta(days=14)


class SigningRoundInput(BaseModel):
    organization_id: int
    number: int
    location_ids: list[int]
    addendum: list[str] = []  # what changed since the last signature; empty for the first
    # the documents asked for (DocumentKind values); empty: every one the organization signs
    documents: list[str] = []
    reminder_every: timedelta = SIGNING_REMINDER_EVERY
    escalate_after: timedelta = SIGNING_ESCALATE_AFTER
    link_ttl: timedelta = SIGNING_LINK_TTL


class RoundRequest(BaseModel):
    request_id: int
    officer_role: str
    document: str


class RoundOpened(BaseModel):
    round_id: int
    requests: list[RoundRequest]


class SigningNotice(BaseModel):
    """Email signing links for these requests (a fresh link each; older ones die)."""

    round_id: int
    request_ids: list[int]
    label: str = "request"  # request, reminder-N, renew-N: one email per officer and label
    reminder: int = 0  # shown in the email: 0 for the request, N for the N-th reminder
    link_ttl: timedelta = SIGNING_LINK_TTL


class OfficerSign(Command):
    """An officer's signature from their link: the image (if drawn) is already stored."""

    request_id: int
    link_id: int
    method: str  # typed or drawn
    typed_name: str | None = None
    image_file_id: int | None = None
    ip_address: str | None = None
    user_agent: str | None = None


class SignatureRecorded(BaseModel):
    signature_id: int
    request_id: int
    still_unsigned: list[str] = []  # titles this officer has still to sign in this round


class RenewLink(Command):
    request_id: int
    # the same officer's other documents in the round, renewed in the same email
    also: list[int] = []


class RequestRef(BaseModel):
    request_id: int


class RoundRef(BaseModel):
    round_id: int
    location_ids: list[int] = []


class RoundOutcome(BaseModel):
    round_id: int
    complete: bool
    location_ids: list[int]


class SigningEscalation(BaseModel):
    round_id: int
    days: int


class VoidSignatures(BaseModel):
    organization_id: int
    location_ids: list[int]
    reason: str
    rounds: list[int] = []  # rounds void whatever locations they cover (by number)


class SignaturesNeeded(BaseModel):
    location_id: int


class Decision(Command):
    reviewer_id: int
    reviewer_role: str
    approve: bool
    reason: str | None = None
    # The change (an added storage unit) the reviewer saw and decided: refused if another is
    # under review now (a page opened before the one seen was decided). None: no check (an
    # enrollment, an API call naming none, decisions recorded before).
    change_seen: int | None = None
    # How many decisions the location had when the reviewer read it: refused if another was
    # taken since (a page opened before a rejection, still open when the location came back
    # resubmitted). None: no check.
    decisions_seen: int | None = None


class DecisionRecord(BaseModel):
    """What the decision activity needs; `key` makes it idempotent per decision."""

    location_id: int
    key: str
    decision: Decision
    amendment_unit_id: int | None = None
    then: StatusChange | None = None  # the location's transition (contracts.LocationStep)


class DecisionResult(BaseModel):
    location_id: int
    status: str
    amendment: bool = False


class Resubmit(Command):
    user_id: int


class AddStorageUnit(Command):
    storage_unit_id: int


class AmendmentRequested(BaseModel):
    storage_unit_id: int


class LocationDecided(BaseModel):
    location_id: int
    approved: bool
