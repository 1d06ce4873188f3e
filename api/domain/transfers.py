"""Transfers and redistributions: the request's rules, and people's actions on its workflow."""

from datetime import date, datetime

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.inventory import REPEAT_WINDOW, hold_sites, site_for, transfer_of_lot_to
from api.domain.scope import managed_location_ids, sites_seen_by
from api.domain.state_lists import actor_names
from api.forms import validated_form
from api.processes import Gateway
from api.processes import transfers as transfer_process
from core.errors import Conflict, CVMSError, Forbidden, Invalid, NotFound
from core.timefmt import day, when
from core.wording import counted
from models.accounts import User
from models.audit import AuditEvent
from models.base import as_utc, utcnow
from models.contracts import TransferDecision, TransferResolution
from models.enrollment import Location, Organization
from models.enrollment_enums import LocationStatus
from models.enums import Role
from models.inventory import AWAITING_DECISION, FLAGGED_LATE_SHIPMENT, Lot, Transfer
from models.inventory_rules import (
    ACTION_MAKES,
    ALLOWED_FROM,
    FINAL_STATUSES,
    NOT_STATE,
    RECEIVE_WITHIN,
    STATE_ACTIONS,
    TransferKind,
    TransferStatus,
    action_problem,
    approval_problem,
    inventory_today,
    may_act_for_state,
    received_day_problem,
    resolve_problem,
    shipped_day_problem,
)
from models.inventory_schemas import (
    TransferDecisionIn,
    TransferIn,
    TransferReceiptIn,
    TransferResolutionIn,
    TransferShipmentIn,
)
from models.ledger import PROMISED, unshipped
from models.signatures import redistribution_signed


async def _may_redistribute(session: AsyncSession, organization_id: int) -> None:
    """A redistribution participant whose CEO and CMO both signed the Supplemental
    Redistribution Agreement (an organization that stopped taking part no longer may)."""
    org = await session.get(Organization, organization_id)
    if not org.redistribution_participant:
        raise Invalid("This organization is not a redistribution participant, so it cannot "
                      "redistribute: its administrator can change that in the organization's "
                      "details, and the CEO and CMO then sign the Supplemental Redistribution "
                      "Agreement.", field="kind")
    if not await redistribution_signed(session, organization_id):
        raise Invalid("This organization has not signed the Supplemental Redistribution "
                      "Agreement (CEO and CMO), so it cannot redistribute.", field="kind")


async def _check_request(session: AsyncSession, user: User, data: TransferIn):
    if data.from_location_id == data.to_location_id:
        raise Invalid("A site cannot send vaccine to itself: choose another receiving site.",
                      field="to_location_id")
    mine = await managed_location_ids(session, user)
    if data.from_location_id not in mine and data.to_location_id not in mine:
        raise Forbidden("Request transfers only for a site you manage.",
                        field="from_location_id")
    try:
        sender = await site_for(session, user, data.from_location_id)
    except CVMSError as error:  # another's site (not found), or one not enrolled: which box
        error.errors.setdefault("from_location_id", error.message)
        raise
    receiver = await _enrolled(session, user, data.to_location_id)
    await hold_sites(session, sender.id, receiver.id)  # before the lot is read
    if data.kind == TransferKind.REDISTRIBUTION:
        if sender.organization_id != receiver.organization_id:
            raise Invalid("A redistribution moves vaccine between sites of the same "
                          "organization; use a transfer between organizations.", field="kind")
        await _may_redistribute(session, sender.organization_id)
    lot = await session.get(Lot, data.lot_id)
    if problems := await _lot_problems(session, lot, sender.id, data.doses):
        raise Invalid(next(iter(problems.values())), errors=problems)
    await _same_lot_agrees(session, receiver, lot)
    return sender, receiver, lot


async def _lot_problems(session: AsyncSession, lot: Lot | None, sender_id: int,
                        doses: int | None) -> dict[str, str]:
    """Why these doses cannot leave with this lot, by field (none: they can)."""
    if lot is None or lot.location_id != sender_id:
        return {"lot_id": "Choose a lot held at the sending site."}
    if lot.is_expired():
        return {"lot_id": f"Lot {lot.lot_number} expired on {day(lot.expiration_date)}; "
                          "expired vaccine cannot be moved."}
    if doses is None:
        return {}
    if doses > lot.on_hand:
        return {"doses": f"Only {counted(lot.on_hand, 'dose')} of lot {lot.lot_number} "
                         f"{'is' if lot.on_hand == 1 else 'are'} on hand."}
    # Doses already asked for and not yet shipped are still on hand, but promised: counted,
    # or the state could approve more requests than the lot can ever ship.
    asked = await unshipped(session, [lot.id])
    promised = sum(transfer.doses for transfer in asked)
    free = max(lot.on_hand - promised, 0)
    if doses > free:
        return {"doses": f"Only {counted(free, 'dose')} of lot {lot.lot_number} "
                         f"{'is' if free == 1 else 'are'} free: {lot.on_hand:,} on hand, "
                         f"{promised:,} asked for in {', '.join(t.number for t in asked)} "
                         f"(not shipped yet)."}
    return {}


async def request_problems(session: AsyncSession, sender: Location,
                           fields: dict) -> dict[str, str]:
    """What the sending site's records say of a refused request's fields that passed
    (`valid_fields`): the lot and its doses on hand, said with the form's other mistakes."""
    if "lot_id" not in fields:
        return {}
    return await _lot_problems(session, await session.get(Lot, fields["lot_id"]), sender.id,
                               fields.get("doses"))


async def _same_lot_agrees(session: AsyncSession, receiver: Location, lot: Lot) -> None:
    """The receiving site's record of the same lot, and any other open transfer of it to that
    site, must have the same expiration date, or the doses could be shipped and never received
    (the receipt would meet the clash)."""
    theirs = (await session.exec(select(Lot).where(
        Lot.location_id == receiver.id, Lot.product_id == lot.product_id,
        Lot.lot_number == lot.lot_number))).first()
    if theirs is not None and theirs.expiration_date != lot.expiration_date:
        clash = f"{receiver.name} holds lot {lot.lot_number} with the expiration date " \
                f"{day(theirs.expiration_date)}"
    elif coming := await transfer_of_lot_to(session, receiver.id, lot.product_id,
                                            lot.lot_number, lot.expiration_date):
        clash = f"Lot {lot.lot_number} is already on its way to {receiver.name} in transfer " \
                f"{coming.number} with the expiration date {day(coming.expiration_date)}"
    else:
        return
    raise Invalid(f"{clash}, and this site records it with {day(lot.expiration_date)}: one "
                  f"record is wrong. Check the vials' label; the site whose record is wrong "
                  f"corrects it (Correct an expiration date, on its inventory page) before this "
                  f"lot is moved.", field="lot_id")


async def _enrolled(session: AsyncSession, user: User, location_id: int) -> Location:
    """The receiving site; another organization's site that is not enrolled is answered as
    one that does not exist (its name is not theirs to learn)."""
    location = (await session.exec(select(Location).where(
        Location.id == location_id, *sites_seen_by(user)))).first()
    if location is None:
        raise Invalid("Choose an enrolled receiving site.", field="to_location_id")
    if location.status != LocationStatus.APPROVED:
        raise Invalid(f"{location.name} is not an enrolled site, so it cannot receive vaccine.",
                      field="to_location_id")
    return location


async def _requested_before(session: AsyncSession, user_id: int, key: str) -> Transfer | None:
    """Keys are looked up among this person's own requests only."""
    return (await session.exec(select(Transfer).where(
        Transfer.requested_by == user_id, Transfer.request_key == key))).first()


async def _same_request(session: AsyncSession, done: Transfer, data: TransferIn) -> Transfer:
    """A key sent again names the request it made: the same one is answered with it; another
    (a reused key) is refused, so a caller never takes an old request for a new one."""
    if (done.kind, done.from_location_id, done.to_location_id, done.lot_id, done.doses,
            done.reason) != (data.kind, data.from_location_id, data.to_location_id, data.lot_id,
                             data.doses, data.reason):
        receiver = await session.get(Location, done.to_location_id)
        raise Conflict(f"This request key was used for another request ({done.number}: "
                       f"{counted(done.doses, 'dose')} of lot {done.lot_number} to "
                       f"{receiver.name}): send a new key for a new request.",
                       field="request_key")
    return done


async def _not_a_repeat(session: AsyncSession, sender: Location, receiver: Location, lot: Lot,
                        doses: int) -> None:
    """A page's form sent again (Back, then "Request approval": a new key) asks first, as a
    receipt does, when the same move was requested within REPEAT_WINDOW."""
    twin = (await session.exec(select(Transfer).where(
        Transfer.from_location_id == sender.id, Transfer.to_location_id == receiver.id,
        Transfer.lot_id == lot.id, Transfer.doses == doses,
        Transfer.requested_at >= utcnow() - REPEAT_WINDOW).order_by(Transfer.id.desc())
        .limit(1))).first()
    if twin is not None:
        asker = await session.get(User, twin.requested_by)
        # what became of it: asking again after a denial or a cancellation is no repeat of a
        # request still open, and the person should not have to open it to learn which
        now = TransferStatus(twin.status).label.lower()
        why = f": {twin.decision_reason}" if twin.decision_reason else ""
        raise Invalid(f"The same request was made {when(twin.requested_at)} by "
                      f"{asker.full_name}: {twin.number}, {counted(doses, 'dose')} of lot "
                      f"{lot.lot_number} to {receiver.name} ({now}{why}). If this is another "
                      f"request, tick the box and send again.", field="confirmed")


async def request(session: AsyncSession, gateway: Gateway, user: User,
                  data: TransferIn, repeat_check: bool = False) -> Transfer:
    """A new request (the API's caller owns its keys: `repeat_check` is the pages')."""
    user_id = user.id  # kept: a rollback below expires the user row
    existing = await _requested_before(session, user_id, data.request_key)
    if existing is not None:
        return await _same_request(session, existing, data)
    sender, receiver, lot = await _check_request(session, user, data)
    if repeat_check:
        await _not_a_repeat(session, sender, receiver, lot, data.doses)
    mine = await managed_location_ids(session, user)
    transfer = Transfer(kind=data.kind, from_location_id=sender.id, to_location_id=receiver.id,
                        requested_by_location_id=sender.id if sender.id in mine else receiver.id,
                        requested_by=user.id, lot_id=lot.id, product_id=lot.product_id,
                        lot_number=lot.lot_number, expiration_date=lot.expiration_date,
                        doses=data.doses, reason=data.reason, request_key=data.request_key)
    session.add(transfer)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()  # its twin (a double click) was recorded first: that one
        return await _same_request(
            session, await _requested_before(session, user_id, data.request_key), data)
    # The request is the API's to record (its process starts with it): its audit event too.
    session.add(AuditEvent(event_key=f"transfer-{transfer.id}:status:0", subject_type="transfer",
                           subject_id=transfer.id, action=f"status:{TransferStatus.REQUESTED}",
                           actor=f"user:{user_id}", detail={"reason": data.reason,
                                                            "doses": data.doses}))
    await transfer_process.start(gateway, session, transfer.id)
    return transfer


async def transfer_for(session: AsyncSession, user: User, transfer_id: int) -> Transfer:
    """Reviewers see every transfer; site staff the ones into or out of their sites."""
    transfer = await session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotFound("We could not find that transfer.")
    if user.role == Role.REVIEWER:
        return transfer
    mine = await managed_location_ids(session, user)
    if transfer.from_location_id in mine or transfer.to_location_id in mine:
        return transfer
    raise NotFound("We could not find that transfer.")


async def _must_work_at(session: AsyncSession, user: User, location_id: int, action: str) -> None:
    if location_id not in await managed_location_ids(session, user):
        raise Forbidden(f"Only the {action} site can do this.")


async def act(session: AsyncSession, gateway: Gateway, user: User, transfer: Transfer,
              action: str, values: dict) -> str:
    """A person's step on a transfer: the state decides or resolves; the sites ship, cancel
    and receive. Each form is validated before it reaches the transfer's process."""
    if action not in ALLOWED_FROM:
        raise NotFound("That is not an action on a transfer.")
    if action in STATE_ACTIONS and not may_act_for_state(user.role):
        raise Forbidden(NOT_STATE)
    if ACTION_MAKES.get(action) == transfer.status:  # done already (another tab, a Back)
        raise Conflict(await done_already(session, transfer))
    if transfer.status in FINAL_STATUSES:  # its process has ended: say why, in its words
        raise Conflict(action_problem(action, transfer.status, user.role))
    if action == "decide":
        body = validated_form(TransferDecisionIn, values)
        if body.decision == "deny" and not (body.reason or "").strip():
            raise Invalid("Give the reason for denying the request: the sites read it.",
                          field="reason")
        if body.decision == "approve":
            await _still_held(session, transfer)
            await _still_redistributes(session, transfer)
        return await transfer_process.decide(gateway, transfer.id, TransferDecision(
            reviewer_id=user.id, reviewer_role=user.role, approve=body.decision == "approve",
            reason=body.reason))
    if action == "resolve":
        if problem := resolve_problem(transfer.status, transfer.flagged):
            if shipped := transfer.shipped_at:
                problem += (f" (this one was shipped {when(shipped)}; it is flagged "
                            f"{when(shipped + RECEIVE_WITHIN)} if still not received)")
            raise Conflict(f"{problem}.")
        body = validated_form(TransferResolutionIn, values)
        return await transfer_process.resolve(gateway, transfer.id, TransferResolution(
            reviewer_id=user.id, reviewer_role=user.role, outcome=body.outcome))
    if action == "receive":
        await _must_work_at(session, user, transfer.to_location_id, "receiving")
        came = _received_on(transfer, validated_form(TransferReceiptIn, values).received_on)
        return await transfer_process.site_step(gateway, transfer.id, action, user.id, came)
    await _must_work_at(session, user, transfer.from_location_id, "sending")
    if action == "ship":
        left = _shipped_on(transfer, validated_form(TransferShipmentIn, values).shipped_on)
        return await transfer_process.site_step(gateway, transfer.id, action, user.id,
                                                shipped_on=left)
    return await transfer_process.site_step(gateway, transfer.id, action, user.id)


def _dated(transfer: Transfer, day_: date | None, since: datetime | None, since_said: str,
           field: str, step: str, problem) -> date | None:
    """The day a shipment or a receipt is dated, when not today (None): one marked after an
    outage, never before the step before it (`since`: the approval, the shipment), and within
    `problem`'s rule (models/inventory_rules.py)."""
    if day_ is None or day_ == inventory_today():
        return None
    earliest = inventory_today(as_utc(since)) if since else None
    if earliest is not None and day_ < earliest:
        raise Invalid(f"{transfer.number} was {since_said} on {day(earliest)}: it cannot have been "
                      f"{step} before then.", field=field)
    if said := problem(day_, inventory_today()):
        raise Invalid(said, field=field)
    return day_


def _shipped_on(transfer: Transfer, left: date | None) -> date | None:
    return _dated(transfer, left, transfer.decided_at, "approved", "shipped_on", "shipped",
                  shipped_day_problem)


def _received_on(transfer: Transfer, came: date | None) -> date | None:
    return _dated(transfer, came, transfer.shipped_at, "shipped", "received_on", "received",
                  received_day_problem)


async def held_at_sender(session: AsyncSession, transfer: Transfer) -> int:
    """The doses of the transfer's lot the sending site holds now (wasted, given or moved
    since the request, they may be fewer than it asked for)."""
    lot = await session.get(Lot, transfer.lot_id)
    return lot.on_hand if lot is not None else 0


async def short_of_asked(session: AsyncSession, lot_id: int) -> str:
    """After doses of a lot were reported lost (wasted, expired, returned): when its transfers
    not yet shipped now ask for more than it holds, what that means and what to do; else ""."""
    asked = await unshipped(session, [lot_id])
    lot = await session.get(Lot, lot_id)
    wanted = sum(transfer.doses for transfer in asked)
    if lot is None or wanted <= lot.on_hand:
        return ""
    left = (f"Only {counted(lot.on_hand, 'dose')} of lot {lot.lot_number} "
            f"{'is' if lot.on_hand == 1 else 'are'} left, and ")
    if len(asked) == 1:
        return left + (f"{asked[0].number} asks for {wanted:,}: it cannot be shipped as it is. "
                       "Cancel it and request what is on hand, or receive more of this lot.")
    return left + (f"{', '.join(t.number for t in asked)} ask for {wanted:,} in all: not all "
                   "of them can be shipped as they are. Cancel one and request what is on "
                   "hand, or receive more of this lot.")


async def _still_held(session: AsyncSession, transfer: Transfer) -> None:
    """An approval the sending site could never ship is refused, saying what to do instead:
    the lot's doses now, less those approved already for its other transfers not shipped.
    Asked again where the approval is written (activities/inventory.py), with the lot locked."""
    held = await held_at_sender(session, transfer)
    approved = [(other.number, other.doses)
                for other in await unshipped(session, [transfer.lot_id], PROMISED)
                if other.id != transfer.id]
    sender = await session.get(Location, transfer.from_location_id)
    if problem := approval_problem(sender.name, transfer.lot_number, held, transfer.doses,
                                   approved):
        raise Invalid(problem)


async def _still_redistributes(session: AsyncSession, transfer: Transfer) -> None:
    """A redistribution is approved only while its organization may redistribute: one that
    stopped taking part since the request (its agreement ended) is denied instead."""
    if transfer.kind != TransferKind.REDISTRIBUTION:
        return
    sender = await session.get(Location, transfer.from_location_id)
    try:
        await _may_redistribute(session, sender.organization_id)
    except Invalid as error:
        raise Invalid(f"This redistribution can no longer be approved: {error.message} "
                      "Deny it, giving that reason.") from None


async def one_organization_unsigned(session: AsyncSession, rows: list[Transfer]) -> set[int]:
    """Of these transfers, those between two sites of one organization that may not
    redistribute (`within_one_organization`), by id: for a list or an API answer, one read of
    their sites and one check per organization."""
    plain = [t for t in rows if t.kind == TransferKind.TRANSFER]
    if not plain:
        return set()
    sites = {t.from_location_id for t in plain} | {t.to_location_id for t in plain}
    organization_of = dict((await session.exec(select(Location.id, Location.organization_id)
                                               .where(col(Location.id).in_(sites)))).all())
    same = {t.id: organization_of[t.from_location_id] for t in plain
            if organization_of.get(t.from_location_id) == organization_of.get(t.to_location_id)}
    may = {org: await _redistributes(session, org) for org in set(same.values())}
    return {transfer_id for transfer_id, org in same.items() if not may[org]}


async def _redistributes(session: AsyncSession, organization_id: int) -> bool:
    """Whether the organization may redistribute (`_may_redistribute` without its reasons)."""
    try:
        await _may_redistribute(session, organization_id)
    except Invalid:
        return False
    return True


async def within_one_organization(session: AsyncSession, transfer: Transfer) -> str | None:
    """A transfer between two sites of one organization that may not redistribute: what the
    reviewer weighs (a planned move between its sites is a redistribution, which needs the
    signed agreement; a transfer is the unplanned one, an emergency), else None."""
    if transfer.id not in await one_organization_unsigned(session, [transfer]):
        return None
    sender = await session.get(Location, transfer.from_location_id)
    org = await session.get(Organization, sender.organization_id)
    return (f"Both sites belong to {org.legal_name}, which may not redistribute (it has "
            f"not signed the Supplemental Redistribution Agreement). A transfer between "
            f"them is only for an unplanned move, such as vaccine at risk of being wasted; "
            f"a planned move between its sites is a redistribution and needs that "
            f"agreement: deny a planned one, saying so.")


async def step_of(session: AsyncSession, transfer: Transfer,
                  status: TransferStatus) -> tuple[str, datetime] | None:
    """Who took the transfer to `status` (by name and email, written as its page writes the
    requester: "Name (email)") and when, from its audit events."""
    event = (await session.exec(select(AuditEvent).where(
        AuditEvent.subject_type == "transfer", AuditEvent.subject_id == transfer.id,
        AuditEvent.action == f"status:{status}").order_by(AuditEvent.id.desc()))).first()
    if event is None:
        return None
    names = await actor_names(session, {event.actor}, around="()")
    return names.get(event.actor, "CVMS"), event.at


async def done_already(session: AsyncSession, transfer: Transfer) -> str:
    """The step was taken already: by whom and when, so nobody wonders whether it was."""
    done = await step_of(session, transfer, transfer.status)
    said = f" by {done[0]}, {when(done[1])}" if done else ""
    return f"{transfer.number} was already {transfer.status.value}{said}: nothing more to do."


TRANSFERS_PAGE = 50


WAITING = {"ship": "Waiting for this site to ship", "receive": "Waiting for this site to "
                                                                "confirm receipt"}


async def of_location(session: AsyncSession, location_id: int, limit: int = TRANSFERS_PAGE,
                      offset: int = 0, waiting: str | None = None) -> list[Transfer]:
    """A page of the transfers into and out of a location, the newest first; `waiting`: only
    those that wait on it, to ship (approved, from it) or to receive (shipped, to it)."""
    where = {"ship": (Transfer.from_location_id == location_id)
             & (Transfer.status == TransferStatus.APPROVED),
             "receive": (Transfer.to_location_id == location_id)
             & (Transfer.status == TransferStatus.SHIPPED)}.get(waiting or "", or_(
        Transfer.from_location_id == location_id, Transfer.to_location_id == location_id))
    result = await session.exec(select(Transfer).where(where)
                                .order_by(Transfer.id.desc()).offset(offset).limit(limit))
    return list(result.all())


async def state_queue(session: AsyncSession, limit: int = 50,
                      offset: int = 0) -> tuple[list[Transfer], list[Transfer]]:
    """Requests awaiting a decision (oldest first), and flagged shipments: a page of each."""
    waiting = await session.exec(select(Transfer).where(AWAITING_DECISION).order_by(
        Transfer.requested_at, Transfer.id).offset(offset).limit(limit))  # from its index
    flagged = await session.exec(select(Transfer).where(FLAGGED_LATE_SHIPMENT).order_by(
        Transfer.id).offset(offset).limit(limit))
    return list(waiting.all()), list(flagged.all())
