"""Account activities: verification emails, activation and expiry of self-registrations."""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.links import expire_links, issue_link, revoke_links
from activities.mailer import MailingActivities
from core.db import transaction
from models.accounts import AccessLink, User
from models.base import utcnow
from models.contracts import AccountActivationInput, AccountRef, ConfirmEmail, PasswordResetInput
from models.enums import AccountStatus
from notifications.catalogue import (
    EmailKind,
    PasswordResetContext,
    RegistrationExpiredContext,
    VerifyEmailContext,
)

VERIFY_PURPOSE = "verify_email"
RESET_PURPOSE = "password_reset"


class AccountActivities(MailingActivities):
    @activity.defn
    async def send_verification(self, data: AccountActivationInput) -> None:
        key = f"account-{data.user_id}:verify"
        if await self.mailer.already_sent(key):
            return
        async with transaction(self.sessions) as session:
            user = await session.get(User, data.user_id)
            if user is None:
                raise ApplicationError("account not found", type="NotFound", non_retryable=True)
            token, link = await issue_link(session, secret=self.secret, purpose=VERIFY_PURPOSE,
                                           step_key=key,
                                           subject_id=data.user_id, ttl=data.verify_within)
            expires = link.expires_at.strftime("%B %d, %Y at %H:%M UTC")
            context = VerifyEmailContext(recipient_name=user.first_name, expires_on=expires,
                                         verify_url=self.settings.link(f"/register/verify/{token}"))
            to = user.email
        await self.mailer.send(key, EmailKind.VERIFY_EMAIL, [to], context)

    @activity.defn
    async def activate_account(self, data: ConfirmEmail) -> None:
        async with transaction(self.sessions) as session:
            link = await session.get(AccessLink, data.link_id)
            if link is None:
                raise ApplicationError("link not found", type="NotFound", non_retryable=True)
            user = await session.get(User, link.subject_id)
            link.used_at = link.used_at or utcnow()
            if user.status == AccountStatus.PENDING_VERIFICATION:
                user.status = AccountStatus.ACTIVE
            session.add_all([link, user])

    @activity.defn
    async def expire_registration(self, data: AccountRef) -> None:
        key = f"account-{data.user_id}:expired"
        async with transaction(self.sessions) as session:
            user = await session.get(User, data.user_id)
            # EXPIRED too: a retry after the status change must still send the email
            if user is None or user.status not in (AccountStatus.PENDING_VERIFICATION,
                                                   AccountStatus.EXPIRED):
                return
            user.status = AccountStatus.EXPIRED
            session.add(user)
            await expire_links(session, VERIFY_PURPOSE, f"account-{data.user_id}:verify")
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
            await revoke_links(session, RESET_PURPOSE, data.user_id, keep_step_key=key)
            token, _link = await issue_link(session, secret=self.secret, purpose=RESET_PURPOSE,
                                            step_key=key,
                                            subject_id=user.id, ttl=data.valid_for)
            context = PasswordResetContext(
                recipient_name=user.first_name, minutes=int(data.valid_for.total_seconds() // 60),
                reset_url=self.settings.link(f"/password/reset/{token}"))
            to = user.email
        await self.mailer.send(key, EmailKind.PASSWORD_RESET, [to], context)

    @activity.defn
    async def expire_password_reset(self, data: PasswordResetInput) -> None:
        async with transaction(self.sessions) as session:
            await expire_links(session, RESET_PURPOSE, f"account-{data.user_id}:reset:{data.request}")
