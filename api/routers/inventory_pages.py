"""Inventory pages: a site's lots and ledger, receipts and adjustments, transfers, the state queue."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Literal, TypeVar

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlmodel import col, select

from api.deps import CurrentUser, ProcessesDep, SessionDep, require_roles, rollback_keeping
from api.domain import inventory, sites, transfers
from api.domain.scope import managed_location_ids, may_manage
from api.forms import form_values, parse
from api.pages import redirect, render
from api.params import MAX_ID, Id, form_id
from api.routing import Router
from core.errors import CVMSError, Invalid
from core.timefmt import day
from core.wording import counted
from models.accounts import User
from models.enrollment import Location
from models.enums import Role
from models.input import valid_fields
from models.inventory import Lot, Product
from models.inventory_rules import (
    ACTION_MAKES,
    TransferStatus,
    inventory_today,
    may_act_for_state,
    status_refused_in,
)
from models.inventory_schemas import AdjustmentIn, ExpiryCorrectionIn, ReceiptIn, TransferIn
from models.ledger import unshipped

pages = Router(include_in_schema=False)
M = TypeVar("M", bound=BaseModel)
RESENT = ("This form was already sent once with other values (perhaps after Back). Nothing was "
          "changed now: check what is below and send it again.")
Reviewer = Annotated[User, Depends(require_roles(Role.REVIEWER))]


@pages.get("/inventory", response_class=HTMLResponse)
async def my_sites(request: Request, _user: CurrentUser) -> Response:
    """The Vaccine Inventory tab: the active location's inventory."""
    return redirect(f"/inventory/{request.state.portal.active.location_id}")


async def _site_page(request: Request, session, user: User, location_id: int,
                     status_code: int = 200, transfers_from: int = 0, ledger_from: int = 0,
                     transfers_waiting: str = "", **extra) -> HTMLResponse:
    location = await inventory.site_for(session, user, location_id)
    usable, used_up, expired = await inventory.lots(session, location)
    products = {p.id: p for p in await inventory.products(session)}
    page = transfers.TRANSFERS_PAGE
    moved = await transfers.of_location(session, location.id, page + 1, transfers_from,
                                        transfers_waiting)
    others = {t.to_location_id if t.from_location_id == location.id else t.from_location_id
              for t in moved}
    named = (await session.exec(select(Location.id, Location.name).where(
        col(Location.id).in_(others)))).all() if others else []
    entries = await inventory.ledger(session, location, inventory.LEDGER_PAGE + 1, ledger_from)
    travelling = await inventory.travelling_lots(session, location)
    asked: dict[int, int] = {}  # doses of each lot asked for in requests not yet shipped
    for transfer in await unshipped(session, [lot.id for lot in usable]):
        asked[transfer.lot_id] = asked.get(transfer.lot_id, 0) + transfer.doses
    return render(request, "inventory/site.html", {
        "location": location, "usable": usable, "expired": expired, "products": products,
        "used_up": used_up, "asked": asked, "adjustable": usable + [lot for lot in expired if lot.on_hand > 0],
        "lots_by_id": {lot.id: lot for lot in usable + used_up + expired},
        # a lot in an open transfer carries its date with it: corrected once it is settled
        "correctable": [lot for lot in usable + used_up + expired if lot.id not in travelling],
        "travelling": [(lot, travelling[lot.id]) for lot in usable + used_up + expired
                       if lot.id in travelling],
        "ledger": entries[:inventory.LEDGER_PAGE], "ledger_from": ledger_from,
        "ledger_page": inventory.LEDGER_PAGE, "older_entries": len(entries) > inventory.LEDGER_PAGE,
        "transfers": moved[:page], "transfers_from": transfers_from, "transfers_page": page,
        "transfers_waiting": transfers_waiting, "waiting_choices": transfers.WAITING,
        "site_names": dict(named),
        "older_transfers": len(moved) > page,
        "staff": await may_manage(session, user, location.id), "tab": "inventory",
        "key": uuid.uuid4().hex, **extra}, status_code=status_code)


@pages.get("/inventory/{location_id}", response_class=HTMLResponse)
async def site(request: Request, location_id: Id, user: CurrentUser, session: SessionDep,
               transfers_from: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
               ledger_from: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
               transfers_waiting: Literal["", "ship", "receive"] = "") -> HTMLResponse:
    """A site's inventory; its transfers (all, or those waiting on it to ship or to receive)
    and its ledger 50 at a time, the newest first (`transfers_from`, `ledger_from`)."""
    return await _site_page(request, session, user, location_id,
                            transfers_from=transfers_from, ledger_from=ledger_from,
                            transfers_waiting=transfers_waiting)


@pages.get("/inventory/{location_id}/{action}", response_class=HTMLResponse)
async def site_action_address(location_id: Id, action: Literal[
        "receive", "adjust", "expiry", "transfer"], user: CurrentUser,
                              session: SessionDep) -> Response:
    """The address a refused form's page was shown at, opened again (history, a bookmark):
    the site's page, at that form."""
    await inventory.site_for(session, user, location_id)
    return redirect(f"/inventory/{location_id}#{action}")


@pages.post("/inventory/{location_id}/{action}", response_class=HTMLResponse)
async def site_action(request: Request, location_id: Id, action: str, user: CurrentUser,
                      session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    try:
        notice = await _site_act(session, gateway, user, location_id, action, values)
        return redirect(f"/inventory/{location_id}", notice=notice)
    except CVMSError as error:
        await rollback_keeping(session, user)
        errors = error.problems()
        if "request_key" in errors:  # the page's hidden key: said in a person's words
            errors = {"form": RESENT}
        return await _site_page(request, session, user, location_id, error.status_code,
                                errors=errors, values=values, form=action)


def _chosen_lot(values: dict, unchosen: str) -> tuple[int | None, str | None]:
    """The lot a form names, or why none: not chosen, or not one of the options."""
    try:
        lot_id = form_id(values, "lot_id")
    except Invalid as error:
        return None, error.problems("lot_id")["lot_id"]
    return lot_id, None if lot_id else unchosen


async def _whole(model: type[M], values: dict, problems: Callable[[dict], Awaitable[dict]],
                 unchosen: str | None = None) -> M:
    """The form, or refused with every problem at once: each field's (`unchosen`: the lot's,
    not chosen or not an option) and what the records say of the fields that passed
    (`problems`, given them, asked once a lot is chosen): a person fixes all in one go."""
    parsed, errors = parse(model, values)
    if unchosen:
        errors = {"lot_id": unchosen, **errors}
    elif errors:
        errors = {**await problems(valid_fields(model, values, errors)), **errors}
    if errors:
        raise Invalid("Check these fields.", errors=errors)
    return parsed


async def _site_act(session, gateway, user, location_id: int, action: str, values) -> str:
    location = await inventory.site_for(session, user, location_id, write=True)
    if action == "receive":
        data = await _whole(ReceiptIn, values, partial(inventory.receipt_problems, session,
                                                       location))
        entry = await inventory.receive(session, user, location, data,
                                        repeat_check=not values.get("confirmed"),
                                        product_check=not values.get("other_product"),
                                        transfer_check=not values.get("in_transit"))
        if data.expiration_date < inventory_today():  # came during an outage, expired since
            return (f"Received {counted(entry.doses, 'dose')}. Lot {data.lot_number.upper()} "
                    f"expired on {day(data.expiration_date)}: it is listed with the expired "
                    f"lots, for the doses given from it on paper before then; report the "
                    f"doses left as expired.")
        return f"Received {counted(entry.doses, 'dose')}."
    if action == "adjust":
        lot_id, unchosen = _chosen_lot(values, "Choose the lot that changed.")
        data = await _whole(AdjustmentIn, values, partial(
            inventory.adjustment_problems, session, location, lot_id), unchosen)
        entry = await inventory.adjust(session, user, location, lot_id, data,
                                       repeat_check=not values.get("confirmed"))
        said = f"Recorded: {entry.kind.label.lower()}, {counted(abs(entry.doses), 'dose')}."
        # fewer doses than its transfers not yet shipped ask for: said now, not at shipping
        short = await transfers.short_of_asked(session, entry.lot_id) if entry.doses < 0 else ""
        return f"{said} {short}".strip()
    if action == "expiry":
        lot_id, unchosen = _chosen_lot(values, "Choose the lot.")
        data = await _whole(ExpiryCorrectionIn, values, partial(
            inventory.correction_problems, session, location, lot_id), unchosen)
        entry = await inventory.correct_expiry(session, user, location, lot_id, data)
        said = f"The lot's expiration date is corrected to {day(data.expiration_date)}."
        if late := await inventory.given_after(session, entry.lot_id, data.expiration_date):
            number = (await session.get(Lot, entry.lot_id)).lot_number
            said += (f" {counted(late, 'dose')} from lot {number} "
                     f"{'was' if late == 1 else 'were'} recorded as given after "
                     f"{day(data.expiration_date)}: check "
                     f"{'that record' if late == 1 else 'those records'} (a dose given from an "
                     f"expired lot may need to be repeated).")
        return said
    if action == "transfer":
        return await _request_transfer(session, gateway, user, location, values)
    raise CVMSError("Unknown action.")


async def _request_transfer(session, gateway, user, location, values) -> str:
    """Every field's problem at once: the receiving site's name and the rest of the form. The
    page's site sends (its address is the scope checked; the form names no sender)."""
    values = {**values, "from_location_id": str(location.id)}
    errors = {}
    try:
        receiver = await sites.resolve(session, values.get("to_location_id"), "to_location_id",
                                       enrolled_only=True, viewer=user)  # itself: said below
    except Invalid as error:
        receiver, errors = None, error.problems("to_location_id")
    parsed, found = parse(TransferIn, {**values, "to_location_id": receiver or 0})
    errors = {**found, **errors} if receiver is None else found
    if errors:  # the lot's and its doses' problems said with them, not after
        errors = {**await transfers.request_problems(
            session, location, valid_fields(TransferIn, values, errors)), **errors}
        raise Invalid("Check these fields.", errors=errors)
    transfer = await transfers.request(session, gateway, user, parsed,
                                       repeat_check=not values.get("confirmed"))
    return f"{transfer.number} is requested; the Immunization Branch decides on it."


@pages.get("/transfers/{transfer_id}", response_class=HTMLResponse)
async def transfer_page(request: Request, transfer_id: Id, user: CurrentUser,
                        session: SessionDep) -> HTMLResponse:
    transfer = await transfers.transfer_for(session, user, transfer_id)
    return await _transfer_page(request, session, user, transfer)


async def _transfer_page(request: Request, session, user: User, transfer,
                         values: dict | None = None, errors: dict | None = None,
                         status_code: int = 200, confirm_cancel: bool = False,
                         refused: str | None = None,
                         confirm_resolve: str | None = None) -> HTMLResponse:
    """What the reviewer decides on and the sites act on: the product and lot, who asked and
    when; a refused step says why next to its field, with what was typed kept."""
    mine = await managed_location_ids(session, user)
    steps = [(label, done) for label, status in STEPS
             if (done := await transfers.step_of(session, transfer, status))]
    return render(request, "inventory/transfer.html", {
        "steps": steps, "mine": mine,
        "transfer": transfer, "sender": await session.get(Location, transfer.from_location_id),
        "receiver": await session.get(Location, transfer.to_location_id),
        "product": await session.get(Product, transfer.product_id),
        "requester": await session.get(User, transfer.requested_by),
        "is_sender": transfer.from_location_id in mine,
        "is_receiver": transfer.to_location_id in mine,
        "is_reviewer": may_act_for_state(user.role), "confirm_cancel": confirm_cancel,
        "confirm_resolve": confirm_resolve,
        "refused": refused, "held": await transfers.held_at_sender(session, transfer),
        "one_organization": await transfers.within_one_organization(session, transfer),
        "values": values or {}, "errors": errors or {}}, status_code=status_code)


@pages.get("/transfers/{transfer_id}/{action}", response_class=HTMLResponse)
async def transfer_action_address(transfer_id: Id, action: Literal[
        "decide", "resolve", "ship", "cancel", "receive"], user: CurrentUser,
                                  session: SessionDep) -> Response:
    """The address a refused step's page was shown at, opened again (history, a bookmark):
    the transfer's page."""
    await transfers.transfer_for(session, user, transfer_id)
    return redirect(f"/transfers/{transfer_id}")


# The steps a transfer's page tells, each with its person and time (from its audit events).
STEPS = [("Approved", TransferStatus.APPROVED), ("Denied", TransferStatus.DENIED),
         ("Cancelled", TransferStatus.CANCELLED), ("Shipped", TransferStatus.SHIPPED),
         ("Received", TransferStatus.RECEIVED), ("Returned to the sender", TransferStatus.RETURNED)]


@pages.post("/transfers/{transfer_id}/{action}", response_class=HTMLResponse)
async def transfer_action(request: Request, transfer_id: Id, action: str, user: CurrentUser,
                          session: SessionDep, gateway: ProcessesDep) -> Response:
    transfer = await transfers.transfer_for(session, user, transfer_id)
    values = await form_values(request)
    if action == "cancel" and values.get("confirm") != "yes":  # asks first: nothing undoes it
        return await _transfer_page(request, session, user, transfer, confirm_cancel=True)
    if _asks_to_resolve(user, transfer, action, values):  # nor a resolution: the doses move
        return await _transfer_page(request, session, user, transfer,
                                    confirm_resolve=values["outcome"])
    try:
        status = await transfers.act(session, gateway, user, transfer, action, values)
    except CVMSError as error:
        await rollback_keeping(session, user)
        transfer = await _caught_up(session, user, transfer_id, status_refused_in(
            action, user.role, error.message) if error.status_code == 409 else None)
        # The reason and the day received are the page's fields; any other refusal is said
        # above the page as an error (with its status), not as a success notice, since nothing
        # was done.
        errors = error.errors if error.errors and {"reason", "received_on", "shipped_on"} & set(
            error.errors) else {}
        refused = None if errors else error.message
        if ACTION_MAKES.get(action) == transfer.status:  # the same step a moment ago (two tabs)
            refused = await transfers.done_already(session, transfer)
        return await _transfer_page(request, session, user, transfer, values, errors,
                                    error.status_code, refused=refused)
    return redirect(f"/transfers/{transfer_id}", notice=f"The {transfer.kind.value} is now "
                    f"{status}. {await _next_after(session, transfer, status)}")


def _asks_to_resolve(user: User, transfer, action: str, values: dict) -> bool:
    """A flagged shipment's resolution chosen on its page, not yet confirmed: its two buttons
    sit side by side and either moves the doses for good, so the page asks first (anything
    the resolution would refuse is refused as it is, without asking)."""
    return (action == "resolve" and values.get("confirm") != "yes"
            and values.get("outcome") in ("received", "returned")
            and may_act_for_state(user.role) and transfer.flagged
            and transfer.status == TransferStatus.SHIPPED)


async def _caught_up(session, user: User, transfer_id: int, said: TransferStatus | None,
                     within: float = 2.0):
    """The transfer read again after a refused step. Refused by its process as being `said`
    already (another reviewer's decision, the other site's step, a moment ago), its row may
    not show it yet: the process refuses at once and writes the status a moment later. Read
    again until it does, for up to `within` seconds, so the page shows what refused the step
    (its status, the forms that fit it) instead of the old one. Other refusals: read once."""
    deadline = time.monotonic() + within
    transfer = await transfers.transfer_for(session, user, transfer_id)
    while said is not None and transfer.status != said and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        await rollback_keeping(session, user)  # a new snapshot (SQLite holds one per read)
        transfer = await transfers.transfer_for(session, user, transfer_id)
    return transfer


async def _next_after(session, transfer, status: str) -> str:
    """What happens after a step, and who does it: said on the page the step leads to."""
    sender = (await session.get(Location, transfer.from_location_id)).name
    receiver = (await session.get(Location, transfer.to_location_id)).name
    return {TransferStatus.APPROVED: f"{sender} ships it next, then {receiver} confirms "
                                     f"receipt; both sites are emailed.",
            TransferStatus.SHIPPED: f"{receiver} confirms receipt when it arrives; both sites "
                                    f"are emailed.",
            TransferStatus.RECEIVED: f"Its doses are in {receiver}'s inventory; both sites are "
                                     f"emailed.",
            TransferStatus.RETURNED: f"Its doses are back in {sender}'s inventory; both sites "
                                     f"are emailed.",
            }.get(status, "Both sites are emailed.")
