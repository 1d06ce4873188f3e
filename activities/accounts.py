"""Account activities: verification emails, activation and expiry of self-registrations."""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.links import issue_link
from activities.mailer import MailingActivities, as_told
from core.db import transaction
from core.timefmt import when
from models.accounts import AccessLink, User
from models.contracts import AccountActivationInput, ConfirmEmail, PasswordResetInput
from models.enums import AccountStatus, Role
from models.links import (
    PROBLEMS,
    RESET_PURPOSE,
    VERIFY_PURPOSE,
    claim_link,
    expire_links,
    revoke_links,
)
from notifications.catalogue import (
    AccountDeactivatedContext,
    AccountExistsContext,
    EmailKind,
    PasswordResetContext,
    RegistrationExpiredContext,
    VerifyEmailContext,
)


def _verify_key(data: AccountActivationInput) -> str:
    """One confirmation email and link per registration: a registration that expired and was
    made again (a new run of its workflow), or made again while it waits (a new round), gets a
    fresh one."""
    key = f"account-{data.user_id}:verify:{activity.info().workflow_run_id}"
    return f"{key}:{data.round}" if data.round else key


class AccountActivities(MailingActivities):
    @activity.defn
    async def send_verification(self, data: AccountActivationInput) -> None:
        key = _verify_key(data)
        if await self.mailer.already_sent(key):
            return
        async with transaction(self.sessions) as session:
            # an address whose registration expired is registered again on the same row, just
            # before its new process looks: the name greeted is the new registration's
            user = await as_told(session, User, data.user_id, "account",
                                 lambda row: row.status != AccountStatus.EXPIRED)
            await revoke_links(session, VERIFY_PURPOSE, data.user_id, keep_step_key=key)
            token, link = await issue_link(session, secret=self.secret, purpose=VERIFY_PURPOSE,
                                           step_key=key,
                                           subject_id=data.user_id, ttl=data.verify_within)
            expires = when(link.expires_at)
            context = VerifyEmailContext(recipient_name=user.first_name, expires_on=expires,
                                         verify_url=self.settings.link(f"/register/verify/{token}"))
            to = user.email
        await self.mailer.send(key, EmailKind.VERIFY_EMAIL, [to], context)

    @activity.defn
    async def activate_account(self, data: ConfirmEmail) -> None:
        """Claim the link (once) and activate the account, in one transaction."""
        async with transaction(self.sessions) as session:
            link = await session.get(AccessLink, data.link_id)
            if link is None:
                raise ApplicationError("link not found", type="NotFound", non_retryable=True)
            user = await session.get(User, link.subject_id)
            if user.status == AccountStatus.ACTIVE:
                return  # a retry after this transaction committed
            problem = await claim_link(session, link.id)
            if problem:
                raise ApplicationError(PROBLEMS[VERIFY_PURPOSE][problem], type="Gone",
                                       non_retryable=True)
            user.status = AccountStatus.ACTIVE
            session.add(user)

    @activity.defn
    async def expire_registration(self, data: AccountActivationInput) -> None:
        """`data.round` names the last link sent (the older ones were replaced by it)."""
        key = f"account-{data.user_id}:expired"
        async with transaction(self.sessions) as session:
            user = await session.get(User, data.user_id)
            # EXPIRED too: a retry after the status change must still send the email
            if user is None or user.status not in (AccountStatus.PENDING_VERIFICATION,
                                                   AccountStatus.EXPIRED):
                return
            user.status = AccountStatus.EXPIRED
            session.add(user)
            await expire_links(session, VERIFY_PURPOSE, _verify_key(data))
            context = RegistrationExpiredContext(recipient_name=user.first_name,
                                                 register_url=self.settings.link("/register"))
            to = user.email
        await self.mailer.send(key, EmailKind.REGISTRATION_EXPIRED, [to], context)

    @activity.defn
    async def send_password_reset(self, data: PasswordResetInput) -> None:
        key = f"account-{data.user_id}:reset:{data.request}"
        if await self.mailer.already_sent(key):
            return
        async with transaction(self.sessions) as session:
            user = await session.get(User, data.user_id)
            to = user.email
            if user.status == AccountStatus.DEACTIVATED:  # no link: why none can be chosen
                kind, context = EmailKind.ACCOUNT_DEACTIVATED, AccountDeactivatedContext(
                    recipient_name=user.first_name, registering=data.registering,
                    point_of_contact=user.role == Role.ORG_CONTACT)
            else:
                await revoke_links(session, RESET_PURPOSE, data.user_id, keep_step_key=key)
                token, _link = await issue_link(session, secret=self.secret,
                                                purpose=RESET_PURPOSE, step_key=key,
                                                subject_id=user.id, ttl=data.valid_for,
                                                bound_to=user.email.lower())
                kind, context = EmailKind.PASSWORD_RESET, PasswordResetContext(
                    recipient_name=user.first_name,
                    minutes=int(data.valid_for.total_seconds() // 60),
                    reset_url=self.settings.link(f"/password/reset/{token}"))
                if data.registering:
                    kind, context = EmailKind.ACCOUNT_EXISTS, AccountExistsContext(
                        **context.model_dump(), login_url=self.settings.link("/login"),
                        login_name=user.username or user.email,
                        # an expired one is no way in: the link is
                        temporary=user.must_change_password
                        and not user.temporary_password_expired)
        await self.mailer.send(key, kind, [to], context)

    @activity.defn
    async def expire_password_reset(self, data: PasswordResetInput) -> None:
        async with transaction(self.sessions) as session:
            await expire_links(session, RESET_PURPOSE, f"account-{data.user_id}:reset:{data.request}")
