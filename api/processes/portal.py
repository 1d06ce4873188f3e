"""Portal processes: a portal contact's invitation, a point of contact's validation link."""

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.common import WorkflowIDReusePolicy

from api.processes.gateway import Gateway
from models.contracts import (
    AskNewLink,
    ContactValidationInput,
    LocationAccessInput,
    PortalInvitationInput,
    ValidateContact,
)
from workflows import ids
from workflows.portal import (
    ContactValidationWorkflow,
    LocationAccessWorkflow,
    PortalInvitationWorkflow,
)


async def invite(gateway: Gateway, session: AsyncSession, user_id: int, manager_id: int,
                 location_id: int, round_: int = 1, email: str | None = None) -> None:
    """With the new account in `session`: both happen, or neither. A later round (sent again,
    or to a corrected address) is a new process whose link replaces the ones before."""
    await gateway.start(PortalInvitationWorkflow.run,
                        PortalInvitationInput(user_id=user_id, manager_id=manager_id,
                                              location_id=location_id, email=email),
                        id=ids.portal_invitation(user_id, round_), session=session)


async def tell_location_access(gateway: Gateway, session: AsyncSession, user_id: int,
                               manager_id: int, location_id: int) -> None:
    """With the account's new location in `session`: the email telling the person goes out
    once, or the location is not added."""
    await gateway.start(LocationAccessWorkflow.run,
                        LocationAccessInput(user_id=user_id, manager_id=manager_id,
                                            location_id=location_id),
                        id=ids.location_access(user_id, location_id), session=session)


async def send_validation(gateway: Gateway, session: AsyncSession, contact_id: int,
                          round_: int, manager_id: int) -> None:
    """A point of contact's link number `round_` (the contact row, in `session`, says so)."""
    await gateway.start(ContactValidationWorkflow.run,
                        ContactValidationInput(contact_id=contact_id, round=round_,
                                               manager_id=manager_id),
                        id=ids.contact_validation(contact_id, round_), session=session,
                        reuse=WorkflowIDReusePolicy.REJECT_DUPLICATE)


async def validate(gateway: Gateway, contact_id: int, round_: int, link_id: int) -> int:
    return await gateway.update(ids.contact_validation(contact_id, round_),
                                ContactValidationWorkflow.validate,
                                ValidateContact(link_id=link_id))


async def ask_new_link(gateway: Gateway, contact_id: int, round_: int, link_id: int) -> str:
    return await gateway.update(ids.contact_validation(contact_id, round_),
                                ContactValidationWorkflow.ask_new_link,
                                AskNewLink(link_id=link_id))
