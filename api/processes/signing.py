"""The officers' signing rounds: signing from a link, and asking for a fresh link."""

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import OfficerSign, RenewLink, SignatureRecorded
from workflows import ids
from workflows.signing import SigningRoundWorkflow as Round


async def sign(gateway: Gateway, session: AsyncSession, organization_id: int, round_number: int,
               command: OfficerSign) -> SignatureRecorded:
    """The drawn image (if any) is in `session`; the round records the signature once."""
    return await gateway.update(ids.signing_round(organization_id, round_number), Round.sign,
                                command, session=session)


async def renew_link(gateway: Gateway, organization_id: int, round_number: int,
                     request_id: int, also: list[int] = ()) -> str:
    """A fresh link for the request, and for `also` (the same officer's other documents in
    the round) in the same email."""
    return await gateway.update(ids.signing_round(organization_id, round_number),
                                Round.renew_link,
                                RenewLink(request_id=request_id, also=list(also)))
