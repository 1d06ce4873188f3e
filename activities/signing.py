"""Officer signing rounds: requests bound to exact content, links, reminders, voiding."""

import hashlib
import json

from sqlalchemy import update
from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.links import issue_link
from activities.mailer import MailingActivities, present
from core.db import transaction
from core.timefmt import when
from models.accounts import AccessLink, User
from models.agreements import DOCUMENTS, DocumentKind, canonical, content_hash
from models.audit import AuditEvent
from models.base import utcnow
from models.contracts import (
    OfficerSign,
    RequestRef,
    RoundOpened,
    RoundRef,
    RoundRequest,
    SignatureRecorded,
    SigningEscalation,
    SigningNotice,
    SigningRoundInput,
    VoidSignatures,
)
from models.enrollment import Location, Organization, StoredFile
from models.enrollment_enums import OfficerRole
from models.links import PROBLEMS, SIGNING_PURPOSE, claim_link, revoke_links, signed_copy_path
from models.review import SigningRequest, SigningRound, left_titles, others_pending
from models.section_b_snapshot import (
    agreement_data,
    officer_dict,
    officers,
    request_content,
    what_changed,
)
from models.signatures import Signature, signed_before
from notifications.catalogue import (
    EmailKind,
    SignatureReceiptContext,
    SigningEscalationContext,
    SigningLink,
    SigningRequestContext,
)

CHANGED = ("The organization's details changed since this request was made, so it can no "
           "longer be signed. An updated request is on its way.")


def documents_for(org: Organization) -> list[DocumentKind]:
    kinds = [DocumentKind.PROVIDER_AGREEMENT]
    if org.redistribution_participant:
        kinds.append(DocumentKind.REDISTRIBUTION_AGREEMENT)
    return kinds


def _gone(problem: str) -> ApplicationError:
    return ApplicationError(PROBLEMS[SIGNING_PURPOSE][problem], {"link": problem}, type="Gone",
                            non_retryable=True)


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
        kinds = [DocumentKind(kind) for kind in data.documents] or documents_for(org)
        signing_round = SigningRound(organization_id=org.id, number=data.number,
                                     location_ids=sorted(data.location_ids),
                                     addendum=data.addendum)
        session.add(signing_round)
        await session.flush()
        for officer in await officers(session, org.id):
            content = await agreement_data(session, org, officer_dict(officer),
                                           data.location_ids, data.addendum)
            for kind in kinds:
                document = DOCUMENTS[kind]
                session.add(SigningRequest(
                    round_id=signing_round.id, organization_id=org.id,
                    officer_role=officer.role, officer_name=officer.name,
                    officer_email=officer.email, document=kind,
                    document_version=document.version, content=canonical(document, content),
                    content_sha256=content_hash(document, content)))
        audit(session, data.location_ids, "signatures:requested", "system",
              {"round": data.number, "documents": [k.value for k in kinds]},
              key=f"round-{signing_round.id}:requested")
        await session.flush()
        return signing_round

    @activity.defn
    async def send_links(self, notice: SigningNotice) -> None:
        """Email each officer a fresh link per pending document; older links stop working.
        The links come in the round's order (the provider agreement first), as the thank-you
        page and the receipt list what is left: without an order Postgres gave the rows as
        they lay on disk, and an officer's email could lead with the redistribution agreement."""
        async with self.sessions() as session:
            requests = (await session.exec(select(SigningRequest).where(
                SigningRequest.id.in_(notice.request_ids)).order_by(SigningRequest.id))).all()
            pending = [r for r in requests if r.status == "pending"]
            # one email per person: one holding both roles (the CEO's and the CMO's address
            # the same, which Section A allows for one name) is asked for both signatures at
            # once, a link per role, as the officers are named now (_up_to_date)
            address = {o.role: o.email.lower() for o in await officers(
                session, pending[0].organization_id)} if pending else {}
        people: dict[str, list[SigningRequest]] = {}
        for request in pending:
            to = address.get(request.officer_role) or request.officer_email.lower()
            people.setdefault(to, []).append(request)
        for group in people.values():
            roles = sorted({r.officer_role for r in group})
            key = f"signing-round-{notice.round_id}:{'+'.join(roles)}:{notice.label}"
            if not await self.mailer.already_sent(key):
                await self._send_officer(key, notice, [r.id for r in group])

    @activity.defn
    async def record_signature(self, data: OfficerSign) -> SignatureRecorded:
        """Claim the link and the request and store the signature, in one transaction: a
        link signs once, however many times it is posted at the same moment."""
        async with transaction(self.sessions) as session:
            request = await session.get(SigningRequest, data.request_id)
            link = await session.get(AccessLink, data.link_id)
            if request.status == "signed" and link.used_at is not None:
                return await _recorded(session, request)  # this link signed it: a retry
            if data.image_file_id:  # the API stores it and commits it after the acceptance
                await present(session, StoredFile, data.image_file_id, "signature image")
            problem = await claim_link(session, data.link_id)
            if problem:
                raise _gone("void" if request.status == "void" else problem)
            claimed = await session.exec(update(SigningRequest).where(
                SigningRequest.id == request.id, SigningRequest.status == "pending")
                .values(status="signed", signed_at=utcnow())
                .execution_options(synchronize_session=False))
            if claimed.rowcount != 1:
                raise _gone("void" if request.status == "void" else "used")
            signing_round = await session.get(SigningRound, request.round_id)
            if await request_content(session, request, signing_round) != request.content:
                raise ApplicationError(CHANGED, {"token": CHANGED}, type="Conflict",
                                       non_retryable=True)
            signature = _signature(request, data)
            session.add(signature)
            await session.flush()  # the unique request settles any remaining race here
            request.signature_id = signature.id
            session.add(request)
            audit(session, signing_round.location_ids, f"signed:{request.document}",
                  f"{request.officer_role.value}:{request.officer_name}",
                  {"round": signing_round.number, "sha256": request.content_sha256})
            return await _recorded(session, request)

    async def _send_officer(self, key: str, notice: SigningNotice, request_ids: list[int]) -> None:
        async with transaction(self.sessions) as session:
            links, expires, roles, changes = [], "", [], []
            for request_id in request_ids:
                request = await session.get(SigningRequest, request_id)
                changes += [c for c in await _up_to_date(session, request) if c not in changes]
                token, link = await self._fresh_link(session, request, key, notice)
                label = OfficerRole(request.officer_role).label
                roles += [label] if label not in roles else []
                links.append(SigningLink(title=DOCUMENTS[request.document].title,
                                         url=self.settings.link(f"/sign/{token}"), role=label))
                expires = when(link.expires_at)
            if len(roles) == 1:  # one role: the email says it once, as it always did
                links = [link.model_copy(update={"role": None}) for link in links]
            context = await self._request_context(session, request, links, expires,
                                                  notice.reminder,
                                                  renewal=notice.label.startswith("renew"))
            context.role_label, context.changes = " and ".join(roles), changes
            to = request.officer_email
        await self.mailer.send(key, EmailKind.SIGNING_REQUEST, [to], context)

    async def _fresh_link(self, session, request: SigningRequest, key: str, notice):
        step_key = f"{key}:{request.id}"
        request.link_issue += 1
        session.add(request)
        await revoke_links(session, SIGNING_PURPOSE, request.id, keep_step_key=step_key)
        bound = f"{request.id}:{request.officer_role}:{request.document}:{request.content_sha256}"
        return await issue_link(session, secret=self.secret, purpose=SIGNING_PURPOSE,
                                step_key=step_key,
                                subject_id=request.id, ttl=notice.link_ttl, bound_to=bound)

    async def _request_context(self, session, request: SigningRequest, links, expires: str,
                               reminder: int, renewal: bool = False) -> SigningRequestContext:
        org = await session.get(Organization, request.organization_id)
        signing_round = await session.get(SigningRound, request.round_id)
        names = [(await session.get(Location, lid)).name for lid in signing_round.location_ids]
        return SigningRequestContext(
            recipient_name=request.officer_name, organization_name=org.legal_name,
            role_label=OfficerRole(request.officer_role).label, locations=names, links=links,
            expires_on=expires, reminder=reminder, addendum=signing_round.addendum,
            signed_before=await signed_before(session, request.organization_id,
                                              request.officer_role, request.officer_email),
            renewal=renewal)

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
                signed_at=when(signature.signed_at),
                content_sha256=request.content_sha256, locations=locations,
                copy_url=self.settings.link(signed_copy_path(self.secret, signature.id)),
                still_unsigned=(await _recorded(session, request)).still_unsigned)
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
            hit = [r for r in rounds if set(r.location_ids) & set(data.location_ids)
                   or r.number in data.rounds]
            for signing_round in hit:
                await _void_round(session, signing_round, data.reason)
            by_number = [lid for r in hit if r.number in data.rounds for lid in r.location_ids]
            if hit:
                audit(session, sorted(set(data.location_ids) | set(by_number)),
                      "signatures:void", "system",
                      {"reason": data.reason, "rounds": [r.number for r in hit]})


async def _void_round(session, signing_round: SigningRound, reason: str) -> None:
    signing_round.status, signing_round.closed_at = "void", utcnow()
    session.add(signing_round)
    requests = (await session.exec(select(SigningRequest).where(
        SigningRequest.round_id == signing_round.id))).all()
    for request in requests:
        request.status = "void"
        session.add(request)
        await revoke_links(session, SIGNING_PURPOSE, request.id)
        if request.signature_id:
            signature = await session.get(Signature, request.signature_id)
            signature.voided_at, signature.void_reason = utcnow(), reason
            session.add(signature)


async def _up_to_date(session, request: SigningRequest) -> list[str]:
    """An unsigned request follows a correction after Section A: of its officer (a mistyped
    email, another person), or of what it shows (a location's coordinator corrected). It names
    the officer of now and carries the content they would sign now, so the fresh link goes to
    the corrected address, bound to that content, and the older links die with it (signing
    one of them would be refused as changed). Returns what changed, as the officer reads it
    (none: the request is as it was)."""
    if request.status != "pending":
        return []
    officer = next(o for o in await officers(session, request.organization_id)
                   if o.role == request.officer_role)
    signing_round = await session.get(SigningRound, request.round_id)
    if json.loads(request.content)["data"]["officer"] != officer_dict(officer):
        audit(session, signing_round.location_ids, "signatures:officer-changed", "system",
              {"round": signing_round.number, "document": request.document.value,
               "from": request.officer_email, "to": officer.email})
        request.officer_name, request.officer_email = officer.name, officer.email
    content = await request_content(session, request, signing_round)
    if content == request.content:
        return []
    changes = what_changed(json.loads(request.content)["data"], json.loads(content)["data"])
    request.content = content
    request.content_sha256 = hashlib.sha256(content.encode()).hexdigest()
    session.add(request)
    return changes


def _signature(request: SigningRequest, data: OfficerSign) -> Signature:
    document = DOCUMENTS[request.document]
    return Signature(
        organization_id=request.organization_id, document=request.document,
        document_version=document.version, signer_role=request.officer_role.value,
        signer_name=request.officer_name, signer_email=request.officer_email,
        content_sha256=request.content_sha256, signed_content=request.content,
        method=data.method, typed_name=data.typed_name if data.method == "typed" else None,
        image_file_id=data.image_file_id, ip_address=data.ip_address,
        user_agent=(data.user_agent or "")[:400], signing_request_id=request.id)


async def _recorded(session, request: SigningRequest) -> SignatureRecorded:
    """The officer's other documents in this round still waiting for their signature."""
    others = await others_pending(session, request)
    return SignatureRecorded(signature_id=request.signature_id, request_id=request.id,
                             still_unsigned=left_titles(request, others))
