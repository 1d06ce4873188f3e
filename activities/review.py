"""Review activities: record decisions (idempotently), their emails, resubmission, amendments."""

from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.enrollment import write_transition
from activities.mailer import MailingActivities, present
from core.db import transaction
from models.accounts import User
from models.audit import AuditEvent
from models.base import utcnow
from models.contracts import AmendmentRequested, DecisionRecord, LocationStep
from models.enrollment import Location, Organization, SectionB, StorageUnit, UserLocation
from models.enrollment_rules import coordinator_and_admin, coordinator_names
from models.portal_rules import MANAGER
from models.review import ReviewDecision
from models.review_rules import approval_problem
from models.section_b_rules import active_provider_count, coordinator_signatures
from models.section_b_snapshot import section_b_snapshot
from notifications.catalogue import EmailKind, LocationDecisionContext


def unit_label(unit: StorageUnit) -> str:
    return f"storage unit {unit.brand} {unit.model} added"


async def first_manager(session, location: Location) -> None:
    """An approved location's primary coordinator becomes its first Location Manager (their
    own, direct location unless they already have one)."""
    if location.coordinator_user_id is None:
        return
    row = await session.get(UserLocation, (location.coordinator_user_id, location.id))
    row = row or UserLocation(user_id=location.coordinator_user_id, location_id=location.id)
    if row.profile is None:
        direct = (await session.exec(select(UserLocation).where(
            UserLocation.user_id == row.user_id, UserLocation.direct))).first()
        row.profile, row.direct = MANAGER, direct is None
        session.add(row)


class ReviewActivities(MailingActivities):
    @activity.defn
    async def record_decision(self, data: DecisionRecord) -> None:
        async with transaction(self.sessions) as session:
            done = (await session.exec(select(ReviewDecision).where(
                ReviewDecision.event_key == data.key))).first()
            if done is not None:  # a retry after this committed (and the transition with it)
                return
            location = await session.get(Location, data.location_id)
            approve = data.decision.approve
            problem = approve and approval_problem(
                location.name, await active_provider_count(session, location.id),
                amendment=bool(data.amendment_unit_id))
            if problem:
                raise ApplicationError(problem, type="Invalid", non_retryable=True)
            reviewer = await session.get(User, data.decision.reviewer_id)
            session.add(ReviewDecision(
                location_id=location.id, event_key=data.key, approved=approve,
                kind="amendment" if data.amendment_unit_id else "enrollment",
                reason=data.decision.reason, reviewer_id=reviewer.id,
                reviewer_name=reviewer.full_name, storage_unit_id=data.amendment_unit_id,
                snapshot=await section_b_snapshot(session, location)))
            if data.amendment_unit_id:
                await self._settle_amendment(session, location, data)
            elif approve:
                location.resubmission = False
                session.add(location)
                await first_manager(session, location)
            session.add(AuditEvent(
                event_key=f"{data.key}:audit", subject_type="location", subject_id=location.id,
                action="decision:approved" if approve else "decision:rejected",
                actor=f"reviewer:{reviewer.id}",  # named on the audit log as any account
                detail={"reason": data.decision.reason, "amendment_unit": data.amendment_unit_id}))
            await write_transition(session, location, data.then)

    async def _settle_amendment(self, session, location: Location, data: DecisionRecord) -> None:
        unit = await session.get(StorageUnit, data.amendment_unit_id)
        unit.review_status = "approved" if data.decision.approve else "rejected"
        location.amendment_pending, location.amendment_since = False, None
        session.add_all([unit, location])

    @activity.defn
    async def send_decision_email(self, data: DecisionRecord) -> None:
        async with self.sessions() as session:
            location = await session.get(Location, data.location_id)
            org = await session.get(Organization, location.organization_id)
            admin = await session.get(User, org.admin_user_id)
            unit = (await session.get(StorageUnit, data.amendment_unit_id)
                    if data.amendment_unit_id else None)
            coordinator, _full = await coordinator_names(session, location)
            # the approval goes to both, the rejection to the coordinator with the administrator
            # copied: each greets both
            both = coordinator_and_admin(coordinator, location, admin)
            context = LocationDecisionContext(
                recipient_name=both,
                organization_name=org.legal_name,
                location_name=location.name, reason=data.decision.reason,
                amendment=unit_label(unit) if unit else None,
                # approved: the next step is the site's inventory (a change approved, or a
                # rejection: what it concerns, Section B)
                action_url=self.settings.link(
                    f"/inventory/{location.id}" if data.decision.approve and not unit
                    else f"/locations/{location.id}/section-b"),
                admin_url=self.settings.link("/organization")
                if data.decision.approve and coordinator != both else None)
        if data.decision.approve:
            await self.mailer.send(f"{data.key}:email", EmailKind.LOCATION_APPROVED,
                                   [location.coordinator_email, admin.email], context)
        else:
            await self.mailer.send(f"{data.key}:email", EmailKind.LOCATION_REJECTED,
                                   [location.coordinator_email], context, cc=[admin.email])

    @activity.defn
    async def start_resubmission(self, data: LocationStep) -> None:
        """The coordinator walks Section B again and re-signs what changed."""
        async with transaction(self.sessions) as session:
            location = await session.get(Location, data.location_id)
            location.resubmission = True
            session.add(location)
            section = await session.get(SectionB, location.id)
            if section is not None:  # completed anew, confirmed anew (its email is keyed by it)
                section.completed_at = None
                session.add(section)
            for signature in await coordinator_signatures(session, location.id):
                signature.voided_at = utcnow()
                signature.void_reason = "Section B reopened for resubmission"
                session.add(signature)
            await write_transition(session, location, data.then)

    @activity.defn
    async def open_amendment(self, data: AmendmentRequested) -> None:
        async with transaction(self.sessions) as session:
            unit = await present(session, StorageUnit, data.storage_unit_id, "storage unit")
            location = await session.get(Location, unit.location_id)
            if not location.amendment_pending:
                location.amendment_pending, location.amendment_since = True, utcnow()
                session.add(location)
                session.add(AuditEvent(
                    event_key=f"amendment-unit-{unit.id}:opened", subject_type="location",
                    subject_id=location.id, action="amendment:pending_review", actor="system",
                    detail={"change": unit_label(unit)}))
