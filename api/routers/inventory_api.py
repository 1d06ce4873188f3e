"""Inventory and transfers JSON API. Same rules and scope checks as the pages."""

from typing import Annotated, Literal

from fastapi import Depends, Query

from api.deps import CurrentUser, ProcessesDep, SessionDep, require_roles
from api.domain import inventory, transfers
from api.params import MAX_ID, Id
from api.routing import Router
from models.accounts import User
from models.enums import Role
from models.inventory_schemas import (
    AdjustmentIn,
    EntryOut,
    ExpiryCorrectionIn,
    InventoryOut,
    ProductOut,
    ReceiptIn,
    TransferDecisionIn,
    TransferIn,
    TransferOut,
    TransferResolutionIn,
    TransferStepIn,
)

# The generic route carries only the sites' actions; decisions have their own routes and bodies.
SiteAction = Literal["ship", "cancel", "receive"]
router = Router(prefix="/api/v1", tags=["inventory"])
Reviewer = Annotated[User, Depends(require_roles(Role.REVIEWER))]


@router.get("/products", response_model=list[ProductOut], summary="COVID-19 vaccine products")
async def list_products(_user: CurrentUser, session: SessionDep) -> list[ProductOut]:
    return [ProductOut.model_validate(p) for p in await inventory.products(session)]


@router.get("/locations/{location_id}/inventory", response_model=InventoryOut)
async def get_inventory(location_id: Id, user: CurrentUser, session: SessionDep) -> InventoryOut:
    location = await inventory.site_for(session, user, location_id)
    stock = await inventory.lots(session, location)
    return InventoryOut(location_id=location.id, usable=stock.usable, used_up=stock.used_up,
                        expired=stock.expired,
                        in_transit_out=await inventory.in_transit_from(session, location))


@router.get("/locations/{location_id}/ledger", response_model=list[EntryOut],
            summary="Every change to the location's inventory, newest first, a page at a time")
async def get_ledger(location_id: Id, user: CurrentUser, session: SessionDep,
                     limit: Annotated[int, Query(ge=1, le=200, description=(
                         "Entries in this page (1 to 200)"))] = inventory.LEDGER_PAGE,
                     offset: Annotated[int, Query(ge=0, le=MAX_ID, description=(
                         "Entries to skip, the newest first: 0, then limit, 2 x limit..."))] = 0,
                     ) -> list[EntryOut]:
    """A page (`limit`, `offset`) of the location's ledger, the newest entry first; fewer
    than `limit` entries means it was the last page."""
    location = await inventory.site_for(session, user, location_id)
    return [EntryOut.model_validate(e)
            for e in await inventory.ledger(session, location, limit, offset)]


@router.post("/locations/{location_id}/inventory/receipts", response_model=EntryOut,
             status_code=201, summary="Receive a shipment (a repeated request_key is one receipt)")
async def post_receipt(location_id: Id, body: ReceiptIn, user: CurrentUser,
                       session: SessionDep) -> EntryOut:
    location = await inventory.site_for(session, user, location_id, write=True)
    return EntryOut.model_validate(await inventory.receive(session, user, location, body))


@router.post("/locations/{location_id}/inventory/lots/{lot_id}/adjustments",
             response_model=EntryOut, status_code=201,
             summary="Extra doses, or report wastage, expiry or a return, with a reason")
async def post_adjustment(location_id: Id, lot_id: Id, body: AdjustmentIn, user: CurrentUser,
                          session: SessionDep) -> EntryOut:
    location = await inventory.site_for(session, user, location_id, write=True)
    return EntryOut.model_validate(await inventory.adjust(session, user, location, lot_id, body))


@router.put("/locations/{location_id}/inventory/lots/{lot_id}/expiration",
            response_model=EntryOut,
            summary="Correct a lot's expiration date to its label's, with a reason (ledgered)")
async def put_expiration(location_id: Id, lot_id: Id, body: ExpiryCorrectionIn,
                         user: CurrentUser, session: SessionDep) -> EntryOut:
    """Refused while the lot is in an open transfer, or when the new date would disagree with
    the same lot on its way to this site."""
    location = await inventory.site_for(session, user, location_id, write=True)
    return EntryOut.model_validate(
        await inventory.correct_expiry(session, user, location, lot_id, body))


@router.post("/transfers", response_model=TransferOut, status_code=201, tags=["transfers"],
             summary="Request a transfer or a redistribution (needs state pre-approval)")
async def post_transfer(body: TransferIn, user: CurrentUser, session: SessionDep,
                        gateway: ProcessesDep) -> TransferOut:
    return (await _out(session, [await transfers.request(session, gateway, user, body)]))[0]


@router.get("/transfers/{transfer_id}", response_model=TransferOut, tags=["transfers"])
async def get_transfer(transfer_id: Id, user: CurrentUser, session: SessionDep) -> TransferOut:
    return (await _out(session, [await transfers.transfer_for(session, user, transfer_id)]))[0]


@router.get("/locations/{location_id}/transfers", response_model=list[TransferOut],
            tags=["transfers"], summary="Transfers into and out of a location, newest first")
async def location_transfers(location_id: Id, user: CurrentUser, session: SessionDep,
                             limit: Annotated[int, Query(ge=1, le=200)] = 50,
                             offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
                             waiting: Annotated[Literal["ship", "receive"] | None, Query(
                                 description="Only what waits on this site: approved transfers "
                                             "to ship, or shipments to receive")] = None,
                             ) -> list[TransferOut]:
    """A page (`limit`, `offset`) of the location's transfers, the newest first."""
    await inventory.site_for(session, user, location_id)
    return await _out(session, await transfers.of_location(session, location_id, limit, offset,
                                                           waiting))


@router.get("/state/transfers", tags=["transfers"],
            summary="Requests awaiting a decision (oldest first) and flagged shipments")
async def state_transfers(_user: Reviewer, session: SessionDep,
                          limit: Annotated[int, Query(ge=1, le=200)] = 50,
                          offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0) -> dict:
    """A page of each list (`limit`, `offset`): the state's screen pages and searches them."""
    waiting, flagged = await transfers.state_queue(session, limit, offset)
    return {"awaiting_decision": [t.model_dump(mode="json") for t in await _out(session, waiting)],
            "flagged": [t.model_dump(mode="json") for t in await _out(session, flagged)]}


async def _out(session, rows) -> list[TransferOut]:
    """The transfers as the API answers them, each saying whether it is between two sites of
    one organization without the redistribution agreement (as its page says)."""
    unsigned = await transfers.one_organization_unsigned(session, list(rows))
    return [TransferOut.model_validate(t).model_copy(
        update={"one_organization_without_agreement": t.id in unsigned}) for t in rows]


async def _act(transfer_id: int, action: str, user: User, session, gateway,
               payload: dict | None = None) -> TransferOut:
    transfer = await transfers.transfer_for(session, user, transfer_id)
    await transfers.act(session, gateway, user, transfer, action, payload or {})
    await session.refresh(transfer)
    return (await _out(session, [transfer]))[0]


@router.post("/transfers/{transfer_id}/decision", response_model=TransferOut, tags=["transfers"])
async def decide(transfer_id: Id, body: TransferDecisionIn, user: Reviewer, session: SessionDep,
                 gateway: ProcessesDep) -> TransferOut:
    return await _act(transfer_id, "decide", user, session, gateway, body.model_dump())


@router.post("/transfers/{transfer_id}/resolution", response_model=TransferOut,
             tags=["transfers"], summary="Settle a flagged shipment: received or returned")
async def resolve(transfer_id: Id, body: TransferResolutionIn, user: Reviewer, session: SessionDep,
                  gateway: ProcessesDep) -> TransferOut:
    return await _act(transfer_id, "resolve", user, session, gateway, body.model_dump())


@router.post("/transfers/{transfer_id}/{action}", response_model=TransferOut, tags=["transfers"],
             summary="ship or cancel (sending site), receive (receiving site)")
async def site_action(transfer_id: Id, action: SiteAction, user: CurrentUser, session: SessionDep,
                      gateway: ProcessesDep, body: TransferStepIn | None = None) -> TransferOut:
    """No body, or for receive `received_on`: the day the doses came, when confirmed after an
    outage (not ahead, not before it was shipped; left out, today); for ship `shipped_on`, the
    day they left (not ahead, not before it was approved; left out, today)."""
    fields = {"receive": "received_on", "ship": "shipped_on"}.get(action)
    return await _act(transfer_id, action, user, session, gateway,
                      {fields: getattr(body, fields)} if body and fields else None)
