"""Transfers and redistributions: requesting one, and the steps people take on it."""

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import (
    TransferActor,
    TransferDecision,
    TransferInput,
    TransferReceipt,
    TransferResolution,
    TransferShipment,
)
from workflows import ids
from workflows.transfer import TransferWorkflow as Transfer


async def start(gateway: Gateway, session: AsyncSession, transfer_id: int) -> None:
    """With the new request in `session`: it exists with its process, or not at all."""
    await gateway.start(Transfer.run, TransferInput(transfer_id=transfer_id),
                        id=ids.transfer(transfer_id), session=session)


async def decide(gateway: Gateway, transfer_id: int, command: TransferDecision) -> str:
    return await gateway.update(ids.transfer(transfer_id), Transfer.decide, command)


async def resolve(gateway: Gateway, transfer_id: int, command: TransferResolution) -> str:
    return await gateway.update(ids.transfer(transfer_id), Transfer.resolve, command)


SITE_ACTIONS = {"ship": Transfer.ship, "cancel": Transfer.cancel, "receive": Transfer.receive}


async def site_step(gateway: Gateway, transfer_id: int, action: str, user_id: int,
                    received_on: date | None = None, shipped_on: date | None = None) -> str:
    """ship, cancel or receive (`received_on`, `shipped_on`: the day it came or left, when not
    today), by a person at the right site."""
    command = (TransferReceipt(user_id=user_id, received_on=received_on) if action == "receive"
               else TransferShipment(user_id=user_id, shipped_on=shipped_on) if action == "ship"
               else TransferActor(user_id=user_id))
    return await gateway.update(ids.transfer(transfer_id), SITE_ACTIONS[action], command)
