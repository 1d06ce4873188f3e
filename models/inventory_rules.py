"""Inventory vocabularies, the COVID-19 products shipped with the system, and transfer timing."""

from datetime import timedelta
from enum import StrEnum


class EntryKind(StrEnum):
    RECEIVED = "received"  # a shipment arrived
    EXTRA_DOSES = "extra_doses"  # more doses drawn per vial than labelled
    WASTAGE = "wastage"
    EXPIRED = "expired"
    RETURNED = "returned"  # returned to the distributor
    TRANSFER_OUT = "transfer_out"  # shipped to another site (in transit)
    TRANSFER_IN = "transfer_in"  # received from another site
    TRANSFER_BACK = "transfer_back"  # an unreceived shipment returned to its sender

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


ADDS = {EntryKind.RECEIVED, EntryKind.EXTRA_DOSES, EntryKind.TRANSFER_IN,
        EntryKind.TRANSFER_BACK}
LOSSES = {EntryKind.WASTAGE, EntryKind.EXPIRED, EntryKind.RETURNED}


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


FINAL_STATUSES = {TransferStatus.DENIED, TransferStatus.CANCELLED, TransferStatus.RECEIVED,
                  TransferStatus.RETURNED}
DECIDE_WITHIN = timedelta(days=2)  # an undecided request is escalated to the state
RECEIVE_WITHIN = timedelta(days=5)  # an unreceived shipment is flagged to both sites and state


def transfer_number(transfer_id: int) -> str:
    return f"TR{transfer_id:06d}"
