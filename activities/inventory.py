"""Transfer activities: the projection, the exactly-once debit and credit, the emails."""

import re
from datetime import date, datetime, time

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.mailer import MailingActivities, present
from core.db import transaction
from core.timefmt import day
from models.accounts import User
from models.base import utcnow
from models.care_rules import EASTERN
from models.contracts import TransferChange, TransferEmail, TransferRef
from models.enrollment import Location, UserLocation
from models.enums import AccountStatus, Role
from models.inventory import Lot, Product, Transfer
from models.inventory_rules import (
    FINAL_STATUSES,
    RECEIVE_WITHIN,
    SHIP_WITHIN,
    EntryKind,
    TransferKind,
    TransferStatus,
    approval_problem,
)
from models.ledger import PROMISED, LotMismatch, NotEnoughDoses, apply, entry_for, lot_at, unshipped
from models.portal_rules import MANAGER
from models.projection import project
from notifications.catalogue import EmailKind, TransferNoticeContext

# kind -> (headline, who hears of it, what happens next)
NOTICES = {
    "requested": ("was requested", "sites", "the Immunization Branch approves or denies it."),
    # {sender} and {receiver}: the sites by name, so each reader knows whether it is theirs
    "approved": ("was approved", "sites", "{sender} ships the doses and marks the transfer as "
                                          "shipped on its page (the link above), then "
                                          "{receiver} confirms receipt there when they arrive; "
                                          "a transfer not shipped within "
                                          f"{SHIP_WITHIN.days} days is flagged to both sites "
                                          "and the Immunization Branch."),
    "denied": ("was denied", "sites", "the doses stay at {sender}. To move vaccine still, "
                                      "request again from {sender}'s inventory page, with "
                                      "what the reason for the denial asks."),
    "cancelled": ("was cancelled", "sites", None),
    "shipped": ("was shipped", "sites", "{receiver} confirms receipt on the transfer's page "
                                        "(the link above) when the doses arrive; a shipment "
                                        f"not received within {RECEIVE_WITHIN.days} days is "
                                        "flagged to both sites and the Immunization Branch."),
    "received": ("was received", "sites", None),
    "returned": ("was returned to the sending site", "sites", None),
    "escalated": ("has waited too long for a decision", "state", "please approve or deny it."),
    "not_shipped": ("was approved but not shipped in time", "all",
                    "{sender} ships the doses and marks the transfer as shipped on its page (the "
                    "link above), or cancels it there if it will not ship."),
    "flagged": ("was shipped but not received in time", "all", "the sites check the shipment; "
                                                               "the Immunization Branch resolves "
                                                               "it as received or returned."),
}


ACTOR = re.compile(r"^(user|reviewer):(\d+)$")


def _fail(message: str) -> ApplicationError:
    return ApplicationError(message, type="Invalid", non_retryable=True)


async def _still_free(session: AsyncSession, transfer: Transfer) -> None:
    """The approval being written finds the doses still free, or is refused (rolled back): a
    dose recorded meanwhile from the lot's last free doses, which the reviewer's page counted
    as free. The lot's row is locked as a dose's debit locks it (SELECT ... FOR UPDATE on
    Postgres; on SQLite the approval's write above holds the database's write lock), so the
    two are one after the other: the debit after the approval finds the doses promised."""
    lot = (await session.exec(select(Lot).where(Lot.id == transfer.lot_id).with_for_update()
                              .execution_options(populate_existing=True))).one()
    others = [other for other in await unshipped(session, [lot.id], PROMISED)
              if other.id != transfer.id]
    sender = await session.get(Location, transfer.from_location_id)
    if problem := approval_problem(sender.name, transfer.lot_number, lot.on_hand,
                                   transfer.doses, [(o.number, o.doses) for o in others]):
        raise _fail(problem)


class InventoryActivities(MailingActivities):
    @activity.defn
    async def project_transfer(self, change: TransferChange) -> None:
        async with transaction(self.sessions) as session:
            transfer = await present(session, Transfer, change.transfer_id, "transfer")
            written = await project(
                session, transfer, subject_type="transfer", seq=change.seq,
                status=TransferStatus(change.status), actor=change.actor,
                apply=lambda: self._apply(transfer, change),
                detail={"reason": change.decision_reason, "escalated": change.escalated,
                        "flagged": change.flagged})
            # the reviewer's approval (an escalation projecting the status meanwhile is not)
            if written and change.status == TransferStatus.APPROVED and change.decided_by:
                await _still_free(session, transfer)

    @staticmethod
    def _apply(transfer: Transfer, change: TransferChange) -> None:
        now = utcnow()
        transfer.escalated, transfer.flagged = change.escalated, change.flagged
        if change.decided_by is not None:
            transfer.decided_by, transfer.decided_at = change.decided_by, now
            transfer.decision_reason = change.decision_reason
        if change.status == TransferStatus.SHIPPED:  # on the day it left, after an outage
            transfer.shipped_at = (datetime.combine(change.shipped_on, time(12), EASTERN)
                                   if change.shipped_on else now)
        if TransferStatus(change.status) in FINAL_STATUSES:
            transfer.closed_at = now

    async def _move(self, data: TransferRef, step: str, kind: EntryKind, to_sender: bool,
                    sign: int, occurred_on: date | None = None) -> None:
        async with transaction(self.sessions) as session:
            transfer = await session.get(Transfer, data.transfer_id)
            location_id = transfer.from_location_id if to_sender else transfer.to_location_id
            try:
                lot = await lot_at(session, location_id, transfer.product_id,
                                   transfer.lot_number, transfer.expiration_date)
                await apply(session, key=f"transfer-{transfer.id}:{step}", lot=lot, kind=kind,
                            doses=sign * transfer.doses,
                            actor=await _ledger_actor(session, transfer, data.actor),
                            reason=await _ledger_reason(session, transfer, kind),
                            transfer_id=transfer.id, occurred_on=occurred_on)
            except NotEnoughDoses as error:
                raise _fail(f"Cannot ship: {error} Receive more of this lot, or cancel the "
                            f"transfer and request what is on hand.") from error
            except LotMismatch as error:
                raise _fail(f"{error} This shipment's vials are recorded with "
                            f"{day(transfer.expiration_date)}: one record is wrong. Check the "
                            "vials' label, then ask the help desk to correct the wrong record; "
                            "the shipment waits and can then be received.") from error

    @activity.defn
    async def ship(self, data: TransferRef) -> None:
        """The doses leave the sender (and are in transit): once, whatever retries happen."""
        async with self.sessions() as session:
            transfer = await session.get(Transfer, data.transfer_id)
            lot = await session.get(Lot, transfer.lot_id)
            if lot.is_expired() and not await _already(session, transfer, "ship"):
                raise _fail(f"Lot {lot.lot_number} expired on {day(lot.expiration_date)}; "
                            "it cannot be shipped.")
        await self._move(data, "ship", EntryKind.TRANSFER_OUT, to_sender=True, sign=-1,
                         occurred_on=data.shipped_on)

    @activity.defn
    async def receive(self, data: TransferRef) -> None:
        """The doses arrive at the receiver, same lot and expiry: once; on the day they came
        (`received_on`, confirmed after an outage: its paper doses keep their real days)."""
        await self._move(data, "receive", EntryKind.TRANSFER_IN, to_sender=False, sign=1,
                         occurred_on=data.received_on)

    @activity.defn
    async def return_to_sender(self, data: TransferRef) -> None:
        await self._move(data, "return", EntryKind.TRANSFER_BACK, to_sender=True, sign=1)

    @activity.defn
    async def send_transfer_email(self, email: TransferEmail) -> None:
        headline, audience, next_step = NOTICES[email.kind]
        async with self.sessions() as session:
            transfer = await present(session, Transfer, email.transfer_id, "transfer")
            product = await session.get(Product, transfer.product_id)
            sender = await session.get(Location, transfer.from_location_id)
            receiver = await session.get(Location, transfer.to_location_id)
            recipients = await _recipients(session, transfer, audience)
            asker = await session.get(User, transfer.requested_by)
            asked_from = await session.get(Location, transfer.requested_by_location_id)
        if next_step:
            next_step = next_step.format(sender=sender.name, receiver=receiver.name)
        for name, address in recipients:
            context = TransferNoticeContext(
                recipient_name=name, number=transfer.number,
                kind_label="Redistribution" if transfer.kind == TransferKind.REDISTRIBUTION
                else "Transfer", headline=headline, product=product.name,
                lot_number=transfer.lot_number,
                expiration_date=day(transfer.expiration_date), doses=transfer.doses,
                from_site=sender.name, to_site=receiver.name,
                reason=transfer.reason,
                requested_by=f"{asker.full_name} ({asked_from.name})" if asker else None,
                decision_reason=transfer.decision_reason if email.kind == "denied" else None,
                # the reviewer's note with an approval: the sites read it as they read a denial's
                approval_note=transfer.decision_reason if email.kind == "approved" else None,
                next_step=next_step, url=self.settings.link(f"/transfers/{transfer.id}"))
            await self.mailer.send(f"{email.key}:{address}", EmailKind.TRANSFER_NOTICE, [address],
                                   context)


async def _ledger_actor(session, transfer: Transfer, actor: str | None) -> str:
    """The person who took the step, as the ledger names people ("user:5:Full Name"; the
    state's reviewer with "(Immunization Branch)"); the transfer alone when not known."""
    found = ACTOR.match(actor or "")
    person = await session.get(User, int(found[2])) if found else None
    if person is None:
        return f"transfer:{transfer.number}"
    state = " (Immunization Branch)" if found[1] == "reviewer" else ""
    return f"user:{person.id}:{person.full_name}{state}"[:200]


LEDGER_WHY = {EntryKind.TRANSFER_OUT: "shipped to {to}",
              EntryKind.TRANSFER_IN: "received from {sender}",
              EntryKind.TRANSFER_BACK: "returned from {to}, not received"}


async def _ledger_reason(session, transfer: Transfer, kind: EntryKind) -> str:
    """Why the lot changed: the transfer by number, where the doses went or came from, and the
    request's own reason."""
    sender = await session.get(Location, transfer.from_location_id)
    receiver = await session.get(Location, transfer.to_location_id)
    kind_word = "Redistribution" if transfer.kind == TransferKind.REDISTRIBUTION else "Transfer"
    where = LEDGER_WHY[kind].format(to=receiver.name, sender=sender.name)
    return f"{kind_word} {transfer.number} {where}: {transfer.reason}"[:500]


async def _already(session, transfer: Transfer, step: str) -> bool:
    return await entry_for(session, f"transfer-{transfer.id}:{step}") is not None


async def _recipients(session, transfer: Transfer, audience: str) -> list[tuple[str, str]]:
    """Who may act on the transfer and open its page: each site's coordinator of record and
    its active Location Managers (not its Healthcare Providers, read-only or not, whom the
    page refuses), and the state's active reviewers."""
    people: dict[str, str] = {}
    if audience in ("sites", "all"):
        for location_id in (transfer.requested_by_location_id, transfer.from_location_id,
                            transfer.to_location_id):
            location = await session.get(Location, location_id)
            people.setdefault(location.coordinator_email, location.coordinator_first_name)
            linked = await session.exec(select(User).join(
                UserLocation, UserLocation.user_id == User.id).where(
                UserLocation.location_id == location_id, UserLocation.profile == MANAGER,
                User.status == AccountStatus.ACTIVE))
            for user in linked.all():
                people.setdefault(user.email, user.first_name)
    if audience in ("state", "all"):
        reviewers = await session.exec(select(User).where(
            User.role == Role.REVIEWER, User.status == AccountStatus.ACTIVE))
        for user in reviewers.all():
            people.setdefault(user.email, user.first_name)
    return [(name, address) for address, name in sorted(people.items())]
