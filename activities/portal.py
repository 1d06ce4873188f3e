"""Portal account and employer activities: invitation and validation links, their expiry,
the validation itself (claim the link, open the account, in one transaction), emails."""

from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.links import issue_link
from activities.mailer import MailingActivities, as_told, present
from core.db import transaction
from core.timefmt import when
from models.accounts import AccessLink, User
from models.base import utcnow
from models.contracts import (
    ContactClaim,
    ContactValidationInput,
    LocationAccessInput,
    PortalInvitationInput,
)
from models.employers import Employer, EmployerContact
from models.enrollment import Location, UserLocation
from models.enums import AccountStatus, Role
from models.links import (
    CONTACT_PURPOSE,
    PORTAL_INVITE_PURPOSE,
    PROBLEMS,
    claim_link,
    expire_links,
    revoke_links,
)
from models.portal_rules import MANAGER, ContactStatus
from notifications.catalogue import (
    ContactNewLinkAskedContext,
    ContactValidationContext,
    ContactWelcomeContext,
    EmailKind,
    LocationAccessContext,
    PortalInvitationContext,
)


def _invite_key(user_id: int) -> str:
    return f"portal-invite-{user_id}:{activity.info().workflow_run_id}"


def _contact_key(data: ContactValidationInput) -> str:
    return f"contact-{data.contact_id}:round-{data.round}"


class PortalActivities(MailingActivities):
    @activity.defn
    async def send_portal_invitation(self, data: PortalInvitationInput) -> None:
        key = _invite_key(data.user_id)
        if await self.mailer.already_sent(key):
            return
        async with transaction(self.sessions) as session:
            user = await present(session, User, data.user_id, "portal contact")
            manager = await session.get(User, data.manager_id)
            location = await session.get(Location, data.location_id)
            row = await session.get(UserLocation, (user.id, location.id))
            await revoke_links(session, PORTAL_INVITE_PURPOSE, user.id, keep_step_key=key)
            to = (data.email or user.email).lower()
            # bound to the address it goes to: corrected, the link answers as replaced at once
            token, link = await issue_link(session, secret=self.secret,
                                           purpose=PORTAL_INVITE_PURPOSE, step_key=key,
                                           subject_id=user.id, ttl=data.valid_for,
                                           bound_to=to)
            context = PortalInvitationContext(
                recipient_name=user.first_name, location_name=location.name,
                profile=(row.profile if row and row.profile else user.role).label,
                username=user.username or user.email, manager_name=manager.full_name,
                expires_on=when(link.expires_at),
                set_password_url=self.settings.link(f"/account/invitation/{token}"))
        await self.mailer.send(key, EmailKind.PORTAL_INVITATION, [to], context)

    @activity.defn
    async def send_location_access(self, data: LocationAccessInput) -> None:
        """Read once the location is theirs (the grant's transaction committed)."""
        async with self.sessions() as session:
            row = await present(session, UserLocation, (data.user_id, data.location_id),
                                "location access")
            user = await session.get(User, data.user_id)
            manager = await session.get(User, data.manager_id)
            location = await session.get(Location, data.location_id)
            context = LocationAccessContext(
                recipient_name=user.first_name, location_name=location.name,
                profile=(row.profile or user.role).label, manager_name=manager.full_name,
                login_name=user.username or user.email,
                login_url=self.settings.link("/login?next=/portal"))
            to = user.email
        await self.mailer.send(f"location-access-{data.user_id}-{data.location_id}",
                               EmailKind.LOCATION_ACCESS, [to], context)

    @activity.defn
    async def expire_portal_invitation(self, data: PortalInvitationInput) -> None:
        async with transaction(self.sessions) as session:
            await expire_links(session, PORTAL_INVITE_PURPOSE, _invite_key(data.user_id))

    @activity.defn
    async def send_contact_validation(self, data: ContactValidationInput) -> None:
        key = _contact_key(data)
        if await self.mailer.already_sent(key):
            return
        async with transaction(self.sessions) as session:
            # this round's row: a corrected address starts the round just before it commits
            contact = await as_told(session, EmployerContact, data.contact_id,
                                    "point of contact", lambda row: row.round >= data.round)
            employer = await session.get(Employer, contact.employer_id)
            manager = await session.get(User, data.manager_id)
            await revoke_links(session, CONTACT_PURPOSE, contact.id, keep_step_key=key)
            # The workflow's 48-hour timer ends the link; this expiry only bounds a link
            # whose workflow is gone (e.g. terminated), so it is later than the timer.
            token, link = await issue_link(session, secret=self.secret, purpose=CONTACT_PURPOSE,
                                           step_key=key, subject_id=contact.id,
                                           ttl=data.valid_for * 2, bound_to=contact.email)
            context = ContactValidationContext(
                recipient_name=contact.first_name, employer_name=employer.name,
                manager_name=manager.full_name,
                expires_on=when(link.created_at + data.valid_for),
                validate_url=self.settings.link(f"/org-contact/validate/{token}"))
            to = contact.email
        await self.mailer.send(key, EmailKind.CONTACT_VALIDATION, [to], context)

    @activity.defn
    async def validate_contact(self, data: ContactClaim) -> int:
        """Claim the link (once) and open the contact's Organization Portal account."""
        async with transaction(self.sessions) as session:
            contact = await session.get(EmployerContact, data.contact_id)
            if contact.user_id is not None and contact.status == ContactStatus.VALIDATED:
                return contact.user_id  # a retry after this transaction committed
            if contact.deactivated_at is not None:  # deactivated while the claim waited
                raise ApplicationError(PROBLEMS[CONTACT_PURPOSE]["deactivated"], type="Gone",
                                       non_retryable=True)
            link = await session.get(AccessLink, data.link_id)
            if link is None or link.subject_id != contact.id or link.purpose != CONTACT_PURPOSE:
                raise ApplicationError("link not found", type="NotFound", non_retryable=True)
            problem = await claim_link(session, link.id)
            if problem:
                raise ApplicationError(PROBLEMS[CONTACT_PURPOSE][problem], type="Gone",
                                       non_retryable=True)
            taken = (await session.exec(select(User).where(User.email == contact.email))).first()
            if taken is not None:
                raise ApplicationError("An account with this email address already exists: "
                                       "ask the manager to use another address.",
                                       type="Conflict", non_retryable=True)
            user = User(email=contact.email, first_name=contact.first_name,
                        last_name=contact.last_name, phone=contact.phone, role=Role.ORG_CONTACT)
            session.add(user)
            await session.flush()
            contact.user_id, contact.status = user.id, ContactStatus.VALIDATED
            contact.validated_at = utcnow()
            session.add(contact)
            return user.id

    @activity.defn
    async def send_contact_welcome(self, data: ContactValidationInput) -> None:
        async with self.sessions() as session:
            contact = await session.get(EmployerContact, data.contact_id)
            employer = await session.get(Employer, contact.employer_id)
            context = ContactWelcomeContext(recipient_name=contact.first_name,
                                            employer_name=employer.name,
                                            login_email=contact.email,
                                            login_url=self.settings.link(
                                                "/login?next=/org-portal"),
                                            can_upload=employer.location_id is not None)
        await self.mailer.send(f"{_contact_key(data)}:welcome", EmailKind.CONTACT_WELCOME,
                               [contact.email], context)

    @activity.defn
    async def expire_contact_link(self, data: ContactValidationInput) -> None:
        async with transaction(self.sessions) as session:
            await expire_links(session, CONTACT_PURPOSE, _contact_key(data))
            contact = await session.get(EmployerContact, data.contact_id)
            # Only the newest round speaks for the contact: a re-sent link is still pending.
            if contact.round == data.round and contact.status == ContactStatus.PENDING:
                contact.status = ContactStatus.EXPIRED
                session.add(contact)

    @activity.defn
    async def notify_new_link_asked(self, data: ContactValidationInput) -> None:
        async with transaction(self.sessions) as session:
            contact = await session.get(EmployerContact, data.contact_id)
            contact.new_link_asked_at = contact.new_link_asked_at or utcnow()
            session.add(contact)
            employer = await session.get(Employer, contact.employer_id)
            manager = await session.get(User, data.manager_id)
            told = [manager]
            if employer.location_id is not None:  # who can send it now
                managers = list((await session.exec(select(User).join(
                    UserLocation, UserLocation.user_id == User.id).where(
                    UserLocation.location_id == employer.location_id,
                    UserLocation.profile == MANAGER, User.status == AccountStatus.ACTIVE)
                    .order_by(User.id))).all())
                if managers and manager.id not in {m.id for m in managers}:
                    told = managers  # the one who added the contact left, or was deactivated
            letters = [(person.id, person.email, ContactNewLinkAskedContext(
                recipient_name=person.first_name, contact_name=contact.full_name,
                employer_name=employer.name,
                record_url=self.settings.link(f"/portal/organizations/{employer.id}")))
                for person in told]
        for person_id, to, context in letters:
            key = f"{_contact_key(data)}:asked" + ("" if person_id == data.manager_id
                                                    else f":{person_id}")
            await self.mailer.send(key, EmailKind.CONTACT_NEW_LINK_ASKED, [to], context)
