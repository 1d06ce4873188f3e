"""Responsible officers sign by emailed link: one transaction, guarded by link and request."""

import json
from dataclasses import dataclass

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from activities.links import find_link, link_problem
from activities.signing import SIGNING_PURPOSE, request_content
from api.domain.signatures import Client, record_signature
from api.services import TemporalGateway
from api.workflow_calls import send_signal
from core.errors import Conflict, Forbidden, Gone
from models.accounts import AccessLink
from models.agreements import DOCUMENTS, Document
from models.audit import AuditEvent
from models.base import utcnow
from models.contracts import RequestRef
from models.enrollment_enums import OfficerRole
from models.enrollment_schemas import SignatureIn
from models.review import SigningRequest, SigningRound
from models.signatures import Signature
from workflows import ids
from workflows.signing import SigningRoundWorkflow

PROBLEMS = {
    "invalid": "This signing link is not valid: it may have been mistyped or changed. Ask for "
               "a new link below with your email address.",
    "used": "This signing link was already used: the document is signed. Nothing more is "
            "needed from you.",
    "revoked": "This signing link was replaced by a newer one and no longer works. Use the "
               "most recent email, or ask for a new link below.",
    "expired": "This signing link has expired. Ask for a new one below; it is emailed to you "
               "at once and this one stops working.",
    "void": "What this link asked you to sign has changed, so it no longer works. A new "
            "request is emailed to you with the updated agreement.",
}


@dataclass
class SigningPage:
    link: AccessLink
    request: SigningRequest
    document: Document
    data: dict
    round_number: int


def _gone(problem: str) -> Gone:
    return Gone(PROBLEMS[problem], field="token", errors={"link": problem})


async def open_link(session: AsyncSession, token: str) -> SigningPage:
    link = await find_link(session, SIGNING_PURPOSE, token)
    problem = link_problem(link)
    if problem:
        raise _gone(problem)
    request = await session.get(SigningRequest, link.subject_id)
    if request.status == "void":
        raise _gone("void")
    if request.status == "signed":
        raise _gone("used")
    signing_round = await session.get(SigningRound, request.round_id)
    return SigningPage(link=link, request=request, document=DOCUMENTS[request.document],
                       data=json.loads(request.content)["data"],
                       round_number=signing_round.number)


def _check_binding(page: SigningPage, body: "OfficerSignatureIn") -> None:
    request = page.request
    if body.signer_role != request.officer_role or body.document != request.document:
        role = OfficerRole(request.officer_role)
        raise Forbidden(f"This link belongs to the {role.label} ({role.value.upper()}) for the "
                        f"{page.document.title}; it cannot sign for anyone or anything else.",
                        field="signer_role")
    expected = f"{request.id}:{request.officer_role}:{request.document}:{request.content_sha256}"
    if page.link.bound_to != expected:
        raise Forbidden("This link does not match the document it was issued for.",
                        field="token")


class OfficerSignatureIn(SignatureIn):
    signer_role: OfficerRole
    document: str


async def sign(session: AsyncSession, temporal: TemporalGateway, token: str,
               body: OfficerSignatureIn, client: Client) -> Signature:
    page = await open_link(session, token)
    _check_binding(page, body)
    request = page.request
    signing_round = await session.get(SigningRound, request.round_id)
    if await request_content(session, request, signing_round.location_ids) != request.content:
        raise Conflict("The organization's details changed since this request was made, so it "
                       "can no longer be signed. An updated request is on its way.",
                       field="token")
    signature = await record_signature(
        session, kind=request.document, data=body, client=client,
        signer_name=request.officer_name, signer_email=request.officer_email,
        signer_role=request.officer_role.value, organization_id=request.organization_id,
        content=page.data)
    signature.signed_content, signature.content_sha256 = request.content, request.content_sha256
    signature.signing_request_id = request.id
    request.status, request.signed_at, request.signature_id = "signed", utcnow(), signature.id
    page.link.used_at = utcnow()
    _audit(session, signing_round, request)
    session.add_all([signature, request, page.link])
    await session.commit()
    await _tell_round(temporal, signing_round, request.id, SigningRoundWorkflow.request_signed)
    return signature


def _audit(session: AsyncSession, signing_round: SigningRound, request: SigningRequest) -> None:
    for location_id in signing_round.location_ids:
        session.add(AuditEvent(subject_type="location", subject_id=location_id,
                               action=f"signed:{request.document}",
                               actor=f"{request.officer_role.value}:{request.officer_name}",
                               detail={"round": signing_round.number,
                                       "sha256": request.content_sha256}))


async def _tell_round(temporal: TemporalGateway, signing_round: SigningRound, request_id: int,
                      signal) -> None:
    client = await temporal.client()
    handle = client.get_workflow_handle(ids.signing_round(signing_round.organization_id,
                                                          signing_round.number))
    await send_signal(handle, signal, RequestRef(request_id=request_id))


async def request_new_link(session: AsyncSession, temporal: TemporalGateway, token: str) -> None:
    """From a used, expired or replaced link: a fresh one is emailed and the old one dies."""
    link = await find_link(session, SIGNING_PURPOSE, token)
    if link is None:
        raise _gone("invalid")
    request = await session.get(SigningRequest, link.subject_id)
    if request.status == "signed":
        raise Conflict(PROBLEMS["used"], field="token")
    if request.status == "void":
        raise _gone("void")
    signing_round = await session.get(SigningRound, request.round_id)
    await _tell_round(temporal, signing_round, request.id, SigningRoundWorkflow.link_requested)


async def request_link_by_email(session: AsyncSession, temporal: TemporalGateway,
                                email: str) -> None:
    """For a mistyped or changed link: any pending request for this officer gets a new link.
    The answer is the same whether or not the address is known."""
    pending = (await session.exec(select(SigningRequest).where(
        func.lower(SigningRequest.officer_email) == email.lower(),
        SigningRequest.status == "pending"))).all()
    for request in pending:
        signing_round = await session.get(SigningRound, request.round_id)
        await _tell_round(temporal, signing_round, request.id,
                          SigningRoundWorkflow.link_requested)
