"""Account processes: a self-registration's confirmation window, password resets, the help-desk
requester's credentials."""

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import AccountActivationInput, ConfirmEmail, PasswordResetInput, WelcomeInput
from models.contracts.accounts import VERIFY_WITHIN
from workflows import ids
from workflows.account import SEND_AGAIN, AccountActivationWorkflow, PasswordResetWorkflow
from workflows.case import RequesterWelcomeWorkflow


async def start_verification(gateway: Gateway, session: AsyncSession, user_id: int,
                             verify_within: timedelta = VERIFY_WITHIN) -> None:
    """With the new account in `session`: both happen, or neither."""
    await gateway.start(AccountActivationWorkflow.run,
                        AccountActivationInput(user_id=user_id, verify_within=verify_within),
                        id=ids.account_activation(user_id), session=session)


async def send_verification_again(gateway: Gateway, session: AsyncSession,
                                  user_id: int) -> None:
    """With the registration's newer name and password in `session`: kept only if its process
    was told to send a fresh link. A registration whose process is gone (ended by hand, say)
    gets a new one, which sends the link and gives a fresh window."""
    await gateway.tell(ids.account_activation(user_id), SEND_AGAIN,
                       None, session, start=(AccountActivationWorkflow.run,
                                             AccountActivationInput(user_id=user_id)))


async def confirm_email(gateway: Gateway, user_id: int, link_id: int) -> str:
    return await gateway.update(ids.account_activation(user_id),
                                AccountActivationWorkflow.confirm_email,
                                ConfirmEmail(link_id=link_id))


async def start_password_reset(gateway: Gateway, user_id: int, request: str,
                               registering: bool = False) -> None:
    await gateway.start(PasswordResetWorkflow.run,
                        PasswordResetInput(user_id=user_id, request=request,
                                           registering=registering),
                        id=ids.password_reset(user_id, request))


async def welcome_requester(gateway: Gateway, session: AsyncSession, user_id: int) -> None:
    """With the new requester account in `session`: the credentials email goes out once."""
    await gateway.start(RequesterWelcomeWorkflow.run, WelcomeInput(user_id=user_id),
                        id=ids.requester_welcome(user_id), session=session)
