"""Inventory vocabularies, the COVID-19 products shipped with the system, and transfer timing."""

from datetime import date, datetime, timedelta
from enum import StrEnum

from core.timefmt import day
from core.wording import counted
from models.base import utcnow
from models.care_rules import DOSE_DAYS, local_today
from models.enums import Role


class EntryKind(StrEnum):
    RECEIVED = "received"  # a shipment arrived
    EXTRA_DOSES = "extra_doses"  # more doses drawn per vial than labelled
    WASTAGE = "wastage"
    EXPIRED = "expired"
    RETURNED = "returned"  # returned to the distributor
    TRANSFER_OUT = "transfer_out"  # shipped to another site (in transit)
    TRANSFER_IN = "transfer_in"  # received from another site
    TRANSFER_BACK = "transfer_back"  # an unreceived shipment returned to its sender
    ADMINISTERED = "administered"  # a dose given (point of care)
    ADMINISTRATION_REVERSED = "administration_reversed"  # a dose entered in error, returned
    EXPIRY_CORRECTED = "expiry_corrected"  # the lot's expiration date corrected (no doses)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


ADDS = {EntryKind.RECEIVED, EntryKind.EXTRA_DOSES, EntryKind.TRANSFER_IN,
        EntryKind.TRANSFER_BACK}
LOSSES = {EntryKind.WASTAGE, EntryKind.EXPIRED, EntryKind.RETURNED}


SHELF_YEARS = 10  # an expiration date further out is a typing mistake (9999-12-31)


def latest_expiry(today: date, years: int = SHELF_YEARS) -> date:
    """The last expiration date a lot received today may carry (`years`: -SHELF_YEARS, the
    earliest a correction may set: a lot kept past that long is a typing mistake)."""
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # February 29 into a common year
        return today.replace(year=today.year + years, day=28)


def inventory_today(now: datetime | None = None) -> date:
    """The day inventory's date rules count from: North Carolina's, as every page's (at 9 PM
    Eastern it is still today there, whatever day it is in UTC)."""
    return local_today(now or utcnow())


def receipt_expiry_problem(expires: date, today: date, arrived: date | None = None) -> str | None:
    """Why a shipment cannot be received with this expiration date, or None. One that came
    while the system was down (`arrived`) is checked against that day: its lot may have
    expired since, and the doses given from it on paper while it was good are still entered
    (it is then held as an expired lot)."""
    if arrived is not None and expires < arrived:
        return (f"This lot had expired before the shipment arrived on {day(arrived)}: check "
                f"the expiration date on the label and the day received.")
    if arrived is None and expires < today:
        return "This lot has already expired; report it instead of receiving it."
    if expires > (latest := latest_expiry(today)):
        return (f"Check the expiration date on the label: it must be within {SHELF_YEARS} "
                f"years, by {day(latest)} at the latest.")
    return None


def received_day_problem(received: date, today: date) -> str | None:
    """Why a shipment cannot be entered as received on this day, or None: the day it came,
    when it came while the system was down (its paper doses are entered with their real days,
    never before their lot arrived), within the year a paper form is entered in."""
    if received > today:
        return "A shipment cannot be received on a day that has not come yet."
    if (today - received).days > DOSE_DAYS:
        return "Enter the day the shipment arrived (within the last year)."
    return None


def shipped_day_problem(shipped: date, today: date) -> str | None:
    """Why a transfer cannot be marked shipped on this day, or None (as a receipt's day)."""
    if shipped > today:
        return "A transfer cannot be shipped on a day that has not come yet."
    if (today - shipped).days > DOSE_DAYS:
        return "Enter the day the doses left (within the last year)."
    return None


def adjusted_day_problem(happened: date, today: date) -> str | None:
    """Why wastage, expiry, a return or extra doses cannot be dated this day, or None (as a
    receipt's day: a paper count entered after an outage keeps its real day)."""
    if happened > today:
        return "A change to a lot cannot be dated on a day that has not come yet."
    if (today - happened).days > DOSE_DAYS:
        return "Enter the day it happened (within the last year)."
    return None


def corrected_expiry_problem(expires: date, today: date) -> str | None:
    """Why a lot's expiration date cannot be corrected to this one, or None: a date more than
    SHELF_YEARS either side of today is a typing mistake."""
    earliest, latest = latest_expiry(today, -SHELF_YEARS), latest_expiry(today)
    if not earliest <= expires <= latest:
        return (f"Check the expiration date on the label: it must be within {SHELF_YEARS} "
                f"years of today, from {day(earliest)} to {day(latest)}.")
    return None


RECEIPTS = (EntryKind.RECEIVED, EntryKind.TRANSFER_IN)  # what brought a lot's doses in
# Doses shipped to another site (signed negative) and those back from a shipment not received:
# what left the site with their vials, whose extra doses are drawn where they went.
SHIPPED = (EntryKind.TRANSFER_OUT, EntryKind.TRANSFER_BACK)
EXTRA_SHARE = 5  # without doses per vial: at most a fifth (20%) of the doses received


def extra_doses_problem(received: int, extra_so_far: int, wanted: int, on_hand: int,
                        doses_per_vial: int, lot_number: str, shipped: int = 0) -> str | None:
    """Why `wanted` more extra doses cannot be added to a lot, or None. Extra doses are drawn
    from the lot's vials: at most one extra dose per vial received into the lot and not
    shipped on to another site (`shipped` doses: their vials give their extra doses there; the
    product's doses per vial tell the vials), or without that, a fifth of those doses; and none
    once the lot has no doses on hand (no vial is left to draw from)."""
    if on_hand <= 0:
        return (f"Lot {lot_number} has no doses on hand: extra doses are drawn from its vials, "
                f"and none is left.")
    kept = max(received - shipped, 0)
    onward = f", {shipped:,} of them shipped to other sites" if shipped else ""
    if doses_per_vial > 1:
        vials = -(-kept // doses_per_vial)
        limit = vials
        why = (f"at most one extra dose per vial: lot {lot_number} received "
               f"{counted(received, 'dose')}{onward} ({counted(vials, 'vial')} of "
               f"{doses_per_vial}{' kept here' if shipped else ''})")
    else:
        limit = kept // EXTRA_SHARE
        why = (f"at most a fifth of the doses received as extra doses: lot {lot_number} "
               f"received {counted(received, 'dose')}{onward}")
    if extra_so_far + wanted <= limit:
        return None
    left = max(limit - extra_so_far, 0)
    return (f"{why[0].upper()}{why[1:]}, so at most {counted(limit, 'extra dose')} in all; "
            f"{extra_so_far:,} recorded already, so at most {left:,} more.")


class TransferKind(StrEnum):
    TRANSFER = "transfer"  # unplanned, between any two enrolled sites
    REDISTRIBUTION = "redistribution"  # planned, within one organization, agreement signed


class TransferStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DENIED = "denied"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"
    RECEIVED = "received"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """The status in the words pages and emails show people."""
        return _TRANSFER_LABELS[self.value]


_TRANSFER_LABELS = {
    "requested": "Waiting for state approval",
    "approved": "Approved, waiting to be shipped",
    "denied": "Denied by the state",
    "cancelled": "Cancelled",
    "shipped": "Shipped, in transit",
    "received": "Received",
    "returned": "Returned to the sender",
}


# Which actions each status allows, and who may take them: the workflow's validators, the API
# and the pages all ask here.
ALLOWED_FROM: dict[str, tuple[TransferStatus, ...]] = {
    "decide": (TransferStatus.REQUESTED,),
    "cancel": (TransferStatus.REQUESTED, TransferStatus.APPROVED),
    "ship": (TransferStatus.APPROVED,),
    "receive": (TransferStatus.SHIPPED,),
    "resolve": (TransferStatus.SHIPPED,),
}
STATE_ACTIONS = frozenset({"decide", "resolve"})  # the Immunization Branch's alone
NOT_STATE = "Only the Immunization Branch decides on transfers."


def may_act_for_state(role: str) -> bool:
    return role == Role.REVIEWER


def action_problem(action: str, status: TransferStatus, role: str) -> str | None:
    """Why this action cannot be taken on a transfer in this status, or None."""
    if action in STATE_ACTIONS and not may_act_for_state(role):
        return NOT_STATE
    if status not in ALLOWED_FROM[action]:
        return f"This transfer is {status.label.lower()}: it cannot be {ACTION_PAST[action]}."
    return None


def status_refused_in(action: str, role: str, message: str) -> TransferStatus | None:
    """The status a transfer's process said it is in when it refused `action` with `message`
    (`action_problem`'s words), or None: a refusal for another reason."""
    if action not in ALLOWED_FROM:
        return None
    return next((status for status in TransferStatus
                 if action_problem(action, status, role) == message), None)


def resolve_problem(status: TransferStatus, flagged: bool) -> str | None:
    """Why the state may not settle this transfer (yet), or None: only a flagged shipment (not
    received within RECEIVE_WITHIN) is resolved by the Immunization Branch; before that, the
    receiving site confirms receipt."""
    if status == TransferStatus.SHIPPED and not flagged:
        return (f"This shipment is not flagged: the receiving site confirms its receipt. The "
                f"Immunization Branch resolves a shipment only when it is not received within "
                f"{RECEIVE_WITHIN.days} days of shipping")
    return None


# What each site's action makes of a transfer: the same action again (another tab, a Back)
# finds it done already.
ACTION_MAKES = {"ship": TransferStatus.SHIPPED, "receive": TransferStatus.RECEIVED,
                "cancel": TransferStatus.CANCELLED}


ACTION_PAST = {"decide": "decided", "cancel": "cancelled (only before shipping)",
               "ship": "shipped", "receive": "received", "resolve": "resolved"}

FINAL_STATUSES = {TransferStatus.DENIED, TransferStatus.CANCELLED, TransferStatus.RECEIVED,
                  TransferStatus.RETURNED}
DECIDE_WITHIN = timedelta(days=2)  # an undecided request is escalated to the state
RECEIVE_WITHIN = timedelta(days=5)  # an unreceived shipment is flagged to both sites and state
SHIP_WITHIN = timedelta(days=3)  # an approved transfer not shipped is flagged the same way
FLAGGED_STATUSES = (TransferStatus.APPROVED, TransferStatus.SHIPPED)  # where a flag means late


def flag_label(status: TransferStatus) -> str:
    """What a flag on a transfer in this status says: late to ship, or late to arrive."""
    return "Not shipped in time" if status == TransferStatus.APPROVED else "Not received in time"


def flag_note(status: TransferStatus, sender: str, receiver: str) -> str:
    """What a flag on a transfer means and what comes next, said under its tag."""
    if status == TransferStatus.APPROVED:
        return (f"Not shipped within {SHIP_WITHIN.days} days of its approval: {sender} ships it "
                f"now or cancels it. Its doses are held back from the point of care meanwhile.")
    return (f"Not received within {RECEIVE_WITHIN.days} days of shipping: {receiver} confirms "
            f"receipt once the doses are there, or the Immunization Branch resolves it as "
            f"received or returned to the sender.")


def next_step(status: TransferStatus, sender: str, receiver: str) -> str:
    """What happens next to a transfer in this status, and who does it: said on its page to
    both sites and the state, whoever opens it (from its email, the list, the queue)."""
    return {
        TransferStatus.REQUESTED: (
            f"The Immunization Branch approves or denies the request; both sites are emailed. "
            f"{sender} may cancel it until it is shipped."),
        TransferStatus.APPROVED: (
            f"{sender} ships the doses and marks the transfer as shipped on this page, then "
            f"{receiver} confirms receipt here when they arrive; both sites are emailed. Not "
            f"shipped within {SHIP_WITHIN.days} days, it is flagged."),
        TransferStatus.SHIPPED: (
            f"{receiver} confirms receipt on this page when the doses arrive; both sites are "
            f"emailed. Not received within {RECEIVE_WITHIN.days} days, it is flagged to both "
            f"sites and the Immunization Branch."),
        TransferStatus.RECEIVED: f"Nothing more: its doses are in {receiver}'s inventory.",
        TransferStatus.RETURNED: f"Nothing more: its doses are back in {sender}'s inventory.",
        TransferStatus.DENIED: ("Nothing more: no doses moved. To move doses anyway, request a "
                                "new transfer."),
        TransferStatus.CANCELLED: ("Nothing more: no doses moved. To send doses later, request "
                                   "a new transfer."),
    }[status]


def transfer_number(transfer_id: int) -> str:
    return f"TR{transfer_id:06d}"


def actor_name(actor: str) -> str:
    """Who made a ledger entry, as a person reads it: "user:5:Alpha Coord" -> "Alpha Coord",
    "transfer:TR000002" -> "Transfer TR000002", "record:3" -> "Dose record 3"."""
    kind, _, rest = actor.partition(":")
    if kind == "user":
        return rest.partition(":")[2] or rest
    if kind == "transfer":
        return f"Transfer {rest}"
    if kind == "record":
        return f"Dose record {rest}"
    return actor


def approval_problem(sender: str, lot_number: str, held: int, doses: int,
                     approved: list[tuple[str, int]]) -> str | None:
    """Why a transfer of `doses` cannot be approved (None: it can): the sending site holds
    `held` doses of the lot now, `approved` ([(number, doses)]) already promised to its other
    transfers approved and not shipped. Asked by the reviewer's page before the approval, and
    again where the approval is written, with the lot's row locked (a dose given meanwhile)."""
    promised = sum(n for _number, n in approved)
    if held - promised >= doses:
        return None
    held_now = f"{counted(held, 'dose')} of lot {lot_number} now"
    if approved:
        left = max(held - promised, 0)
        said = (f"{sender} holds {held_now}, {promised:,} of them approved already for "
                f"{', '.join(number for number, _n in approved)} (not shipped yet): "
                f"{left:,} left")
    else:
        said = f"{sender} holds only {held_now}"
    return (f"{said}, fewer than the {doses:,} asked for. Deny the request, giving that reason "
            f"(the site can ask again for what it holds).")
