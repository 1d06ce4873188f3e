"""Officer signing rounds: requests bound to exact content, links, reminders, voiding."""

import json

from sqlmodel import select
from temporalio import activity

from activities.links import issue_link
from activities.mailer import MailingActivities
from core.db import transaction
from models.accounts import AccessLink, User
from models.agreements import DOCUMENTS, DocumentKind, canonical, content_hash
from models.audit import AuditEvent
from models.base import utcnow
from models.contracts import (
    RequestRef,
    RoundOpened,
    RoundRef,
    RoundRequest,
    SigningEscalation,
    SigningNotice,
    SigningRoundInput,
    VoidSignatures,
)
from models.enrollment import Location, Organization, ResponsibleOfficer
from models.enrollment_enums import OfficerRole
from models.review import SigningRequest, SigningRound
from models.section_b_snapshot import agreement_data
from models.signatures import Signature
from notifications.catalogue import (
    EmailKind,
    SignatureReceiptContext,
    SigningEscalationContext,
    SigningLink,
    SigningRequestContext,
)

SIGNING_PURPOSE = "officer_signing"


def documents_for(org: Organization) -> list[DocumentKind]:
    kinds = [DocumentKind.PROVIDER_AGREEMENT]
    if org.redistribution_participant:
        kinds.append(DocumentKind.REDISTRIBUTION_AGREEMENT)
    return kinds


def officer_dict(officer: ResponsibleOfficer) -> dict[str, str]:
    return {"role": officer.role.value, "name": officer.name, "title": officer.title,
            "email": officer.email}


async def officers(session, org_id: int) -> list[ResponsibleOfficer]:
    result = await session.exec(select(ResponsibleOfficer).where(
        ResponsibleOfficer.organization_id == org_id).order_by(ResponsibleOfficer.role))
    return list(result.all())


async def request_content(session, request: SigningRequest, location_ids: list[int]) -> str:
    """The content this request would carry now (to detect a change since it was made)."""
    org = await session.get(Organization, request.organization_id)
    officer = next(o for o in await officers(session, org.id) if o.role == request.officer_role)
    data = await agreement_data(session, org, officer_dict(officer), location_ids)
    return canonical(DOCUMENTS[request.document], data)


def audit(session, location_ids: list[int], action: str, actor: str, detail: dict,
          key: str | None = None) -> None:
    for location_id in location_ids:
        session.add(AuditEvent(event_key=f"{key}:{location_id}" if key else None,
                               subject_type="location", subject_id=location_id, action=action,
                               actor=actor, detail=detail))


class SigningActivities(MailingActivities):
    @activity.defn
    async def open_round(self, data: SigningRoundInput) -> RoundOpened:
        """Create the round's requests (idempotent): one per officer and document."""
        async with transaction(self.sessions) as session:
            found = (await session.exec(select(SigningRound).where(
                SigningRound.organization_id == data.organization_id,
                SigningRound.number == data.number))).first()
            if found is None:
                found = await self._create_round(session, data)
            requests = (await session.exec(select(SigningRequest).where(
                SigningRequest.round_id == found.id).order_by(SigningRequest.id))).all()
            return RoundOpened(round_id=found.id, requests=[
                RoundRequest(request_id=r.id, officer_role=r.officer_role, document=r.document)
                for r in requests])

    async def _create_round(self, session, data: SigningRoundInput) -> SigningRound:
        org = await session.get(Organization, data.organization_id)
        signing_round = SigningRound(organization_id=org.id, number=data.number,
                                     location_ids=sorted(data.location_ids))
        session.add(signing_round)
        await session.flush()
        for officer in await officers(session, org.id):
            content = await agreement_data(session, org, officer_dict(officer),
                                           data.location_ids)
            for kind in documents_for(org):
                document = DOCUMENTS[kind]
                session.add(SigningRequest(
                    round_id=signing_round.id, organization_id=org.id,
                    officer_role=officer.role, officer_name=officer.name,
                    officer_email=officer.email, document=kind,
                    document_version=document.version, content=canonical(document, content),
                    content_sha256=content_hash(document, content)))
        audit(session, data.location_ids, "signatures:requested", "system",
              {"round": data.number, "documents": [k.value for k in documents_for(org)]},
              key=f"round-{signing_round.id}:requested")
        await session.flush()
        return signing_round

    @activity.defn
    async def send_links(self, notice: SigningNotice) -> list[int]:
        """Email each officer a fresh link per pending document; older links stop working.

        Returns the requests already signed in the database, so a round that missed a
        'signed' signal still learns the truth at its next reminder."""
        async with self.sessions() as session:
            requests = (await session.exec(select(SigningRequest).where(
                SigningRequest.id.in_(notice.request_ids)))).all()
        pending = [r for r in requests if r.status == "pending"]
        roles = sorted({r.officer_role for r in pending})
        for role in roles:
            key = f"signing-round-{notice.round_id}:{role}:{notice.label}"
            if not await self.mailer.already_sent(key):
                await self._send_officer(key, notice, [r.id for r in pending
                                                       if r.officer_role == role])
        return sorted(r.id for r in requests if r.status == "signed")

    async def _send_officer(self, key: str, notice: SigningNotice, request_ids: list[int]) -> None:
        async with transaction(self.sessions) as session:
            links, expires = [], ""
            for request_id in request_ids:
                request = await session.get(SigningRequest, request_id)
                token, link = await self._fresh_link(session, request, key, notice)
                links.append(SigningLink(title=DOCUMENTS[request.document].title,
                                         url=self.settings.link(f"/sign/{token}")))
                expires = link.expires_at.strftime("%B %d, %Y")
            context = await self._request_context(session, request, links, expires,
                                                  notice.reminder)
            to = request.officer_email
        await self.mailer.send(key, EmailKind.SIGNING_REQUEST, [to], context)

    async def _fresh_link(self, session, request: SigningRequest, key: str, notice):
        step_key = f"{key}:{request.id}"
        request.link_issue += 1
        session.add(request)
        await _revoke_links(session, request.id, keep_step_key=step_key)
        bound = f"{request.id}:{request.officer_role}:{request.document}:{request.content_sha256}"
        return await issue_link(session, secret=self.secret, purpose=SIGNING_PURPOSE,
                                step_key=step_key,
                                subject_id=request.id, ttl=notice.link_ttl, bound_to=bound)

    async def _request_context(self, session, request: SigningRequest, links, expires: str,
                               reminder: int) -> SigningRequestContext:
        org = await session.get(Organization, request.organization_id)
        signing_round = await session.get(SigningRound, request.round_id)
        names = [(await session.get(Location, lid)).name for lid in signing_round.location_ids]
        return SigningRequestContext(
            recipient_name=request.officer_name, organization_name=org.legal_name,
            role_label=OfficerRole(request.officer_role).label, locations=names, links=links,
            expires_on=expires, reminder=reminder)

    @activity.defn
    async def escalate(self, data: SigningEscalation) -> None:
        async with self.sessions() as session:
            signing_round = await session.get(SigningRound, data.round_id)
            org = await session.get(Organization, signing_round.organization_id)
            admin = await session.get(User, org.admin_user_id)
            pending = (await session.exec(select(SigningRequest).where(
                SigningRequest.round_id == data.round_id,
                SigningRequest.status == "pending"))).all()
            unsigned = [f"{r.officer_name} ({OfficerRole(r.officer_role).label}): "
                        f"{DOCUMENTS[r.document].title}" for r in pending]
            context = SigningEscalationContext(
                recipient_name=admin.first_name, organization_name=org.legal_name,
                days=data.days, unsigned=unsigned, dashboard_url=self.settings.link("/organization"))
        if unsigned:
            await self.mailer.send(f"signing-round-{data.round_id}:escalation",
                                   EmailKind.SIGNING_ESCALATION, [admin.email], context)

    @activity.defn
    async def send_receipt(self, data: RequestRef) -> None:
        async with self.sessions() as session:
            request = await session.get(SigningRequest, data.request_id)
            signature = await session.get(Signature, request.signature_id)
            org = await session.get(Organization, request.organization_id)
            locations = [loc["location"] for loc in
                         json.loads(request.content)["data"]["locations"]]
            context = SignatureReceiptContext(
                recipient_name=request.officer_name, organization_name=org.legal_name,
                document_title=DOCUMENTS[request.document].title,
                signed_at=signature.signed_at.strftime("%B %d, %Y at %H:%M UTC"),
                content_sha256=request.content_sha256, locations=locations)
        await self.mailer.send(f"signing-request-{request.id}:receipt",
                               EmailKind.SIGNATURE_RECEIPT, [request.officer_email], context)

    @activity.defn
    async def close_round(self, data: RoundRef) -> None:
        async with transaction(self.sessions) as session:
            signing_round = await session.get(SigningRound, data.round_id)
            if signing_round.status == "open":
                signing_round.status, signing_round.closed_at = "complete", utcnow()
                session.add(signing_round)
                audit(session, signing_round.location_ids, "signatures:complete", "system",
                      {"round": signing_round.number}, key=f"round-{signing_round.id}:complete")

    @activity.defn
    async def void_signatures(self, data: VoidSignatures) -> None:
        """The signed data changed before review: those signatures no longer count."""
        async with transaction(self.sessions) as session:
            rounds = (await session.exec(select(SigningRound).where(
                SigningRound.organization_id == data.organization_id,
                SigningRound.status != "void"))).all()
            hit = [r for r in rounds if set(r.location_ids) & set(data.location_ids)]
            for signing_round in hit:
                await _void_round(session, signing_round, data.reason)
            if hit:
                audit(session, data.location_ids, "signatures:void", "system",
                      {"reason": data.reason, "rounds": [r.number for r in hit]})


async def _void_round(session, signing_round: SigningRound, reason: str) -> None:
    signing_round.status, signing_round.closed_at = "void", utcnow()
    session.add(signing_round)
    requests = (await session.exec(select(SigningRequest).where(
        SigningRequest.round_id == signing_round.id))).all()
    for request in requests:
        request.status = "void"
        session.add(request)
        await _revoke_links(session, request.id)
        if request.signature_id:
            signature = await session.get(Signature, request.signature_id)
            signature.voided_at, signature.void_reason = utcnow(), reason
            session.add(signature)


async def _revoke_links(session, request_id: int, keep_step_key: str | None = None) -> None:
    result = await session.exec(select(AccessLink).where(
        AccessLink.purpose == SIGNING_PURPOSE, AccessLink.subject_id == request_id,
        AccessLink.step_key != (keep_step_key or ""),
        AccessLink.used_at.is_(None), AccessLink.revoked_at.is_(None)))
    for link in result.all():
        link.revoked_at = utcnow()
        session.add(link)
