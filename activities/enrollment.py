"""Enrollment activities: Section A's submission and corrections, invitations and joining,
reminders, the status projection, Section B's completion."""

from datetime import datetime

from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.links import issue_link
from activities.mailer import MailingActivities, present
from activities.signing import documents_for
from core.db import transaction
from core.timefmt import when
from models.accounts import AccessLink, User
from models.agreements import DocumentKind
from models.base import as_utc, utcnow
from models.contracts import (
    AddLocation,
    CorrectionRecord,
    DetailsCorrected,
    InviteCoordinator,
    JoinLocation,
    LocationAttached,
    LocationRef,
    LocationReminder,
    LocationStep,
    OrganizationRef,
    SectionAResult,
    SectionBActivity,
    SectionBReminder,
    SectionBResult,
    StatusChange,
)
from models.enrollment import Location, Organization, SectionB, UserLocation
from models.enrollment_enums import LocationStatus, OrganizationStatus
from models.enrollment_rules import (
    coordinator_and_admin,
    coordinator_names,
    has_account,
    locations_of,
    section_a_problems,
)
from models.enrollment_schemas import DETAIL_LABELS, OrganizationDetailsIn
from models.links import INVITE_PURPOSE, PROBLEMS, claim_link, readdressed, revoke_links
from models.projection import project, project_reminder
from models.section_b_rules import active_provider_count, section_b_problems
from models.signatures import Signature, redistribution_signed
from notifications.catalogue import (
    CoordinatorInvitationContext,
    EmailKind,
    SectionASubmittedContext,
    SectionBEscalationContext,
    SectionBReminderContext,
    SectionBSubmittedContext,
)


async def _end_redistribution(session, organization_id: int) -> None:
    """The organization no longer redistributes: its redistribution agreement ends (taking
    part again asks the officers to sign it again)."""
    signatures = (await session.exec(select(Signature).where(
        Signature.organization_id == organization_id,
        Signature.document == DocumentKind.REDISTRIBUTION_AGREEMENT,
        Signature.voided_at.is_(None)))).all()
    for signature in signatures:
        signature.voided_at = utcnow()
        signature.void_reason = "The organization stopped taking part in redistribution."
        session.add(signature)


def _expires(link) -> str:
    return when(link.expires_at)


def _invalid(message: str, errors: dict[str, str] | None = None) -> ApplicationError:
    return ApplicationError(message, errors or {}, type="Invalid", non_retryable=True)


async def write_transition(session, location: Location, change: StatusChange | None) -> None:
    """Write a location's transition (status, whom it waits on, the next reminder and the
    audit event), once, after what the step made in `session` so far."""
    if change is None:
        return
    await session.flush()  # the step's own rows (and audit events) come first

    def waiting() -> None:
        location.status = LocationStatus(change.status)
        location.waiting_on = change.waiting_on

    project_reminder(location, change.reminder)
    await project(session, location, subject_type="location", seq=change.seq,
                  status=change.status, actor=change.actor, apply=waiting,
                  detail={"to": change.status, "waiting_on": change.waiting_on,
                          "note": change.note})


def section_b_submitted_key(location_id: int, completed_at: datetime) -> str:
    """One confirmation per completion of Section B: a resubmission after a rejection is
    another. To the microsecond: a completion and its resubmission within the same second (the
    suite's review test, once Temporal handed out each step at once) were taken for a repeat,
    and the second confirmation was never sent."""
    return f"location-{location_id}:section-b-submitted:{completed_at:%Y%m%d%H%M%S%f}"


class EnrollmentActivities(MailingActivities):
    async def _load(self, session, location_id: int) -> tuple[Location, Organization]:
        location = await present(session, Location, location_id, "location")
        return location, await session.get(Organization, location.organization_id)

    # --- Section A ----------------------------------------------------------------------

    @activity.defn
    async def submit_section_a(self, data: OrganizationRef) -> SectionAResult:
        async with transaction(self.sessions) as session:
            org = await session.get(Organization, data.organization_id)
            if org.status == OrganizationStatus.DRAFT:
                problems = await section_a_problems(session, org)
                if problems:
                    raise _invalid("Section A is not complete: " + " ".join(problems.values()),
                                   problems)
                org.status, org.submitted_at = OrganizationStatus.SUBMITTED, utcnow()
                session.add(org)
            ids = [location.id for location in await locations_of(session, org)]
            return SectionAResult(organization_id=org.id, location_ids=ids)

    @activity.defn
    async def attach_location(self, data: AddLocation) -> LocationAttached:
        """A location the administrator added after Section A (the API stored it)."""
        async with self.sessions() as session:
            location = await present(session, Location, data.location_id, "location")
            return LocationAttached(location_id=location.id, name=location.name)

    @activity.defn
    async def correct_organization(self, data: CorrectionRecord) -> DetailsCorrected:
        """Store corrected details; return the labels of what changed."""
        details = OrganizationDetailsIn.model_validate(data.details).model_dump()
        async with transaction(self.sessions) as session:
            org = await session.get(Organization, data.organization_id)
            changed = [DETAIL_LABELS.get(field, field) for field, value in details.items()
                       if getattr(org, field) != value]
            stopped = org.redistribution_participant and not details["redistribution_participant"]
            for field, value in details.items():
                setattr(org, field, value)
            session.add(org)
            if stopped:
                await _end_redistribution(session, org.id)
            unsigned = bool(org.redistribution_participant) and not await redistribution_signed(
                session, org.id)
            return DetailsCorrected(changed=changed, redistribution_unsigned=unsigned,
                                    documents=[kind.value for kind in documents_for(org)])

    # --- invitations --------------------------------------------------------------------

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
            await revoke_links(session, INVITE_PURPOSE, location.id, keep_step_key=key)
            context = CoordinatorInvitationContext(
                recipient_name=location.coordinator_first_name, organization_name=org.legal_name,
                location_name=location.name, admin_name=admin.full_name,
                has_account=await has_account(session, location.coordinator_email),
                register_url=self.settings.link(f"/invite/{token}"), expires_on=_expires(link))
            to = location.coordinator_email
            await write_transition(session, location, data.then)
        await self.mailer.send(key, EmailKind.COORDINATOR_INVITATION, [to], context)

    @activity.defn
    async def join_location(self, data: JoinLocation) -> None:
        """The invitation's link is used (once) and the person becomes the coordinator."""
        async with transaction(self.sessions) as session:
            user = await present(session, User, data.user_id, "account")
            location = await session.get(Location, data.location_id)
            if location.coordinator_user_id != user.id:  # else a retry after this committed
                link = await session.get(AccessLink, data.link_id)
                problem = ("revoked" if readdressed(link, location.coordinator_email)
                           else await claim_link(session, link.id))
                if problem:
                    raise ApplicationError(PROBLEMS[INVITE_PURPOSE][problem], {"link": problem},
                                           type="Gone", non_retryable=True)
                location.coordinator_user_id = user.id
                if await session.get(UserLocation, (user.id, location.id)) is None:
                    session.add(UserLocation(user_id=user.id, location_id=location.id))
                session.add(location)
            await write_transition(session, location, data.then)

    # --- Section B ----------------------------------------------------------------------

    @activity.defn
    async def section_b_activity(self, data: LocationRef) -> SectionBActivity:
        async with self.sessions() as session:
            section = await session.get(SectionB, data.location_id)
        if section is None or not section.revision:
            return SectionBActivity(revision=0, updated_at=None)
        return SectionBActivity(revision=section.revision, updated_at=as_utc(section.updated_at))

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
                location_name=location.name, number=data.number, days_idle=data.days_idle or 7,
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
                coordinator_email=location.coordinator_email,
                days_idle=data.days_idle or 7 * data.number,
                dashboard_url=self.settings.link("/organization"))
        await self.mailer.send(key, EmailKind.SECTION_B_ESCALATION, [admin.email], context)

    @activity.defn
    async def project_location(self, change: StatusChange) -> None:
        """Write the workflow's status into the location row and the audit trail, once."""
        async with transaction(self.sessions) as session:
            location = await present(session, Location, change.location_id, "location")
            await write_transition(session, location, change)

    @activity.defn
    async def project_location_reminder(self, data: LocationReminder) -> None:
        """When the next Section B reminder is due, for the pages (which ask no workflow)."""
        async with transaction(self.sessions) as session:
            location = await present(session, Location, data.location_id, "location")
            project_reminder(location, data.reminder)
            session.add(location)

    @activity.defn
    async def complete_section_b(self, data: LocationStep) -> SectionBResult:
        async with transaction(self.sessions) as session:
            problems = await section_b_problems(session, data.location_id)
            if problems:
                raise _invalid("Section B is not complete: " + " ".join(problems))
            section = await session.get(SectionB, data.location_id)
            section.completed_at = section.completed_at or utcnow()
            session.add(section)
            location = await session.get(Location, data.location_id)
            active = await active_provider_count(session, location.id)
            await write_transition(session, location, data.then)
            return SectionBResult(location_id=location.id, active_providers=active,
                                  providers_pending=location.providers_pending)

    # --- confirmations ------------------------------------------------------------------

    @activity.defn
    async def confirm_section_a(self, data: OrganizationRef) -> None:
        async with self.sessions() as session:
            org = await session.get(Organization, data.organization_id)
            admin = await session.get(User, org.admin_user_id)
            names = [f"{loc.name} ({loc.coordinator_name})"
                     for loc in await locations_of(session, org)]
            context = SectionASubmittedContext(
                recipient_name=admin.first_name, organization_name=org.legal_name,
                locations=names, dashboard_url=self.settings.link("/organization"))
        await self.mailer.send(f"enrollment-{org.id}:section-a", EmailKind.SECTION_A_SUBMITTED,
                               [admin.email], context)

    @activity.defn
    async def confirm_section_b(self, data: LocationStep) -> None:
        async with self.sessions() as session:
            location, org = await self._load(session, data.location_id)
            admin = await session.get(User, org.admin_user_id)
            context = SectionBSubmittedContext(  # the administrator copied: it greets both
                recipient_name=coordinator_and_admin(
                    (await coordinator_names(session, location))[0], location, admin),
                organization_name=org.legal_name,
                location_name=location.name, providers_pending=location.providers_pending,
                status_url=self.settings.link(f"/locations/{location.id}/section-b"),
                resubmitted=location.resubmission)
            section = await session.get(SectionB, location.id)
            key = section_b_submitted_key(location.id, section.completed_at)
        await self.mailer.send(key, EmailKind.SECTION_B_SUBMITTED, [location.coordinator_email],
                               context, cc=[admin.email])
        if data.then is not None:  # the location now waits for its officers
            async with transaction(self.sessions) as session:
                location = await present(session, Location, data.location_id, "location")
                await write_transition(session, location, data.then)
