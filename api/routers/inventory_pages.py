"""Inventory pages: a site's lots and ledger, receipts and adjustments, transfers, the state queue."""

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import CurrentUser, ProcessesDep, SessionDep, require_roles, rollback_keeping
from api.domain import inventory, sites, transfers
from api.domain.scope import managed_location_ids, may_manage
from api.forms import form_values, validated_form
from api.pages import redirect, render
from api.params import MAX_ID, Id, form_id
from api.routing import Router
from core.errors import CVMSError
from models.accounts import User
from models.enrollment import Location
from models.enums import Role
from models.inventory_rules import may_act_for_state
from models.inventory_schemas import AdjustmentIn, ReceiptIn, TransferIn

pages = Router(include_in_schema=False)
Reviewer = Annotated[User, Depends(require_roles(Role.REVIEWER))]


@pages.get("/inventory", response_class=HTMLResponse)
async def my_sites(request: Request, _user: CurrentUser) -> Response:
    """The Vaccine Inventory tab: the active location's inventory."""
    return redirect(f"/inventory/{request.state.portal.active.location_id}")


async def _site_page(request: Request, session, user: User, location_id: int,
                     status_code: int = 200, transfers_from: int = 0, **extra) -> HTMLResponse:
    location = await inventory.site_for(session, user, location_id)
    usable, expired = await inventory.lots(session, location)
    products = {p.id: p for p in await inventory.products(session)}
    page = transfers.TRANSFERS_PAGE
    moved = await transfers.of_location(session, location.id, page + 1, transfers_from)
    return render(request, "inventory/site.html", {
        "location": location, "usable": usable, "expired": expired, "products": products,
        "ledger": await inventory.ledger(session, location, 100),
        "transfers": moved[:page], "transfers_from": transfers_from, "transfers_page": page,
        "older_transfers": len(moved) > page,
        "staff": await may_manage(session, user, location.id), "tab": "inventory",
        "key": uuid.uuid4().hex, **extra}, status_code=status_code)


@pages.get("/inventory/{location_id}", response_class=HTMLResponse)
async def site(request: Request, location_id: Id, user: CurrentUser, session: SessionDep,
               transfers_from: Annotated[int, Query(ge=0, le=MAX_ID)] = 0) -> HTMLResponse:
    """A site's inventory; its transfers 50 at a time, the newest first (`transfers_from`)."""
    return await _site_page(request, session, user, location_id,
                            transfers_from=transfers_from)


@pages.post("/inventory/{location_id}/{action}", response_class=HTMLResponse)
async def site_action(request: Request, location_id: Id, action: str, user: CurrentUser,
                      session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    try:
        notice = await _site_act(session, gateway, user, location_id, action, values)
        return redirect(f"/inventory/{location_id}", notice=notice)
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await _site_page(request, session, user, location_id, error.status_code,
                                errors=error.errors or {"form": error.message},
                                values=values, form=action)


async def _site_act(session, gateway, user, location_id: int, action: str, values) -> str:
    location = await inventory.site_for(session, user, location_id, write=True)
    if action == "receive":
        entry = await inventory.receive(session, user, location, validated_form(ReceiptIn, values))
        return f"Received {entry.doses} doses."
    if action == "adjust":
        lot_id = form_id(values, "lot_id") or 0
        entry = await inventory.adjust(session, user, location, lot_id,
                                       validated_form(AdjustmentIn, values))
        return f"Recorded: {entry.kind.label.lower()}, {abs(entry.doses)} doses."
    if action == "transfer":
        receiver = await sites.resolve(session, values.get("to_location_id"), "to_location_id",
                                       enrolled_only=True, exclude=location.id)
        transfer = await transfers.request(session, gateway, user, validated_form(
            TransferIn, {**values, "to_location_id": receiver}))
        return f"{transfer.number} is requested; the Immunization Branch decides on it."
    raise CVMSError("Unknown action.")


@pages.get("/transfers/{transfer_id}", response_class=HTMLResponse)
async def transfer_page(request: Request, transfer_id: Id, user: CurrentUser,
                        session: SessionDep) -> HTMLResponse:
    transfer = await transfers.transfer_for(session, user, transfer_id)
    mine = await managed_location_ids(session, user)
    return render(request, "inventory/transfer.html", {
        "transfer": transfer, "sender": await session.get(Location, transfer.from_location_id),
        "receiver": await session.get(Location, transfer.to_location_id),
        "is_sender": transfer.from_location_id in mine,
        "is_receiver": transfer.to_location_id in mine,
        "is_reviewer": may_act_for_state(user.role)})


@pages.post("/transfers/{transfer_id}/{action}", response_class=HTMLResponse)
async def transfer_action(request: Request, transfer_id: Id, action: str, user: CurrentUser,
                          session: SessionDep, gateway: ProcessesDep) -> Response:
    transfer = await transfers.transfer_for(session, user, transfer_id)
    values = await form_values(request)
    try:
        status = await transfers.act(session, gateway, user, transfer, action, values)
    except CVMSError as error:
        return redirect(f"/transfers/{transfer_id}", notice=f"Not done: {error.message}")
    return redirect(f"/transfers/{transfer_id}", notice=f"The transfer is now {status}.")
