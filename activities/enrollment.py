"""Enrollment activities: invitations, reminders, the status projection, Section B completion."""

from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.links import issue_link
from activities.mailer import MailingActivities
from core.db import transaction
from models.accounts import AccessLink, User
from models.audit import AuditEvent
from models.base import utcnow
from models.contracts import (
    InviteCoordinator,
    LocationRef,
    OrganizationRef,
    SectionBReminder,
    SectionBResult,
    StatusChange,
)
from models.enrollment import Location, Organization, SectionB
from models.enrollment_enums import LocationStatus
from models.section_b_rules import active_provider_count, section_b_problems
from notifications.catalogue import (
    CoordinatorInvitationContext,
    EmailKind,
    SectionASubmittedContext,
    SectionBEscalationContext,
    SectionBReminderContext,
    SectionBSubmittedContext,
)

INVITE_PURPOSE = "coordinator_invite"


def _expires(link) -> str:
    return link.expires_at.strftime("%B %d, %Y")


class EnrollmentActivities(MailingActivities):
    async def _load(self, session, location_id: int) -> tuple[Location, Organization]:
        location = await session.get(Location, location_id)
        if location is None:
            raise ApplicationError(f"location {location_id} not found", type="NotFound",
                                   non_retryable=True)
        return location, await session.get(Organization, location.organization_id)

    @activity.defn
    async def invite_coordinator(self, data: InviteCoordinator) -> None:
        key = f"location-{data.location_id}:invite:{data.round}"
        if await self.mailer.already_sent(key):
            return
        async with transaction(self.sessions) as session:
            location, org = await self._load(session, data.location_id)
            admin = await session.get(User, org.admin_user_id)
            token, link = await issue_link(session, secret=self.secret, purpose=INVITE_PURPOSE,
                                           step_key=key,
                                           subject_id=location.id, ttl=data.ttl,
                                           bound_to=location.coordinator_email.lower())
            await _revoke_older(session, location.id, key)
            context = CoordinatorInvitationContext(
                recipient_name=location.coordinator_first_name, organization_name=org.legal_name,
                location_name=location.name, admin_name=admin.full_name,
                register_url=self.settings.link(f"/invite/{token}"), expires_on=_expires(link))
            to = location.coordinator_email
        await self.mailer.send(key, EmailKind.COORDINATOR_INVITATION, [to], context)

    @activity.defn
    async def remind_section_b(self, data: SectionBReminder) -> None:
        key = f"location-{data.location_id}:reminder:{data.number}"
        if await self.mailer.already_sent(key):
            return
        async with transaction(self.sessions) as session:
            location, org = await self._load(session, data.location_id)
            needs_registration = location.coordinator_user_id is None
            url = self.settings.link(f"/locations/{location.id}/section-b")
            if needs_registration:
                token, _link = await issue_link(
                    session, secret=self.secret, purpose=INVITE_PURPOSE, step_key=key, subject_id=location.id,
                    ttl=data.invitation_ttl, bound_to=location.coordinator_email.lower())
                url = self.settings.link(f"/invite/{token}")
            context = SectionBReminderContext(
                recipient_name=location.coordinator_first_name, organization_name=org.legal_name,
                location_name=location.name, number=data.number, days_idle=7,
                action_url=url, needs_registration=needs_registration)
            to = location.coordinator_email
        await self.mailer.send(key, EmailKind.SECTION_B_REMINDER, [to], context)

    @activity.defn
    async def escalate_section_b(self, data: SectionBReminder) -> None:
        key = f"location-{data.location_id}:escalation:{data.number}"
        async with self.sessions() as session:
            location, org = await self._load(session, data.location_id)
            admin = await session.get(User, org.admin_user_id)
            context = SectionBEscalationContext(
                recipient_name=admin.first_name, organization_name=org.legal_name,
                location_name=location.name, coordinator_name=location.coordinator_name,
                coordinator_email=location.coordinator_email, days_idle=7 * data.number,
                dashboard_url=self.settings.link("/organization"))
        await self.mailer.send(key, EmailKind.SECTION_B_ESCALATION, [admin.email], context)

    @activity.defn
    async def project_location(self, change: StatusChange) -> None:
        """Write the workflow's status into the location row and the audit trail, once."""
        key = f"location-{change.location_id}:status:{change.seq}"
        async with transaction(self.sessions) as session:
            found = await session.exec(select(AuditEvent).where(AuditEvent.event_key == key))
            if found.first() is not None:
                return
            location = await session.get(Location, change.location_id)
            previous = location.status
            if change.seq > location.status_seq:
                if previous != change.status:
                    location.status_since = utcnow()
                location.status = LocationStatus(change.status)
                location.waiting_on = change.waiting_on
                location.status_seq = change.seq
                session.add(location)
            session.add(AuditEvent(
                event_key=key, subject_type="location", subject_id=location.id,
                action=f"status:{change.status}", actor=change.actor,
                detail={"from": previous, "to": change.status, "waiting_on": change.waiting_on,
                        "note": change.note}))

    @activity.defn
    async def complete_section_b(self, data: LocationRef) -> SectionBResult:
        async with transaction(self.sessions) as session:
            problems = await section_b_problems(session, data.location_id)
            if problems:
                raise ApplicationError("Section B is not complete: " + " ".join(problems),
                                       problems, type="Invalid", non_retryable=True)
            section = await session.get(SectionB, data.location_id)
            section.completed_at = section.completed_at or utcnow()
            location = await session.get(Location, data.location_id)
            active = await active_provider_count(session, location.id)
            location.providers_pending = active == 0
            session.add_all([section, location])
            return SectionBResult(location_id=location.id, active_providers=active,
                                  providers_pending=location.providers_pending)

    @activity.defn
    async def confirm_section_a(self, data: OrganizationRef) -> None:
        async with self.sessions() as session:
            org = await session.get(Organization, data.organization_id)
            admin = await session.get(User, org.admin_user_id)
            result = await session.exec(select(Location).where(
                Location.organization_id == org.id).order_by(Location.id))
            names = [f"{loc.name} ({loc.coordinator_name})" for loc in result.all()]
            context = SectionASubmittedContext(
                recipient_name=admin.first_name, organization_name=org.legal_name,
                locations=names, dashboard_url=self.settings.link("/organization"))
        await self.mailer.send(f"enrollment-{org.id}:section-a", EmailKind.SECTION_A_SUBMITTED,
                               [admin.email], context)

    @activity.defn
    async def confirm_section_b(self, data: LocationRef) -> None:
        async with self.sessions() as session:
            location, org = await self._load(session, data.location_id)
            admin = await session.get(User, org.admin_user_id)
            context = SectionBSubmittedContext(
                recipient_name=location.coordinator_first_name, organization_name=org.legal_name,
                location_name=location.name, providers_pending=location.providers_pending,
                status_url=self.settings.link(f"/locations/{location.id}/section-b"))
            section = await session.get(SectionB, location.id)
            key = f"location-{location.id}:section-b-submitted:{section.completed_at:%Y%m%d%H%M%S}"
        await self.mailer.send(key, EmailKind.SECTION_B_SUBMITTED, [location.coordinator_email],
                               context, cc=[admin.email])


async def _revoke_older(session, location_id: int, current_key: str) -> None:
    """A new invitation kills the previous ones."""
    result = await session.exec(select(AccessLink).where(
        AccessLink.purpose == INVITE_PURPOSE, AccessLink.subject_id == location_id,
        AccessLink.step_key != current_key, AccessLink.used_at.is_(None),
        AccessLink.revoked_at.is_(None)))
    for link in result.all():
        link.revoked_at = utcnow()
        session.add(link)
