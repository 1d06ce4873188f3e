"""Responsible officers sign by emailed link: the round's process records it, once."""

import json
from dataclasses import dataclass

from fastapi import Request
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import throttle
from api.domain.signatures import adopted_image, client_of
from api.processes import Gateway
from api.processes import signing as signing_process
from core.errors import Conflict, CVMSError, Forbidden, Gone
from models.accounts import AccessLink
from models.agreements import DOCUMENTS, Document, DocumentKind
from models.audit import AuditEvent
from models.contracts import OfficerSign, SignatureRecorded
from models.enrollment import Location
from models.enrollment_enums import LocationStatus, OfficerRole
from models.enrollment_schemas import SignatureIn
from models.links import PROBLEMS as ALL_PROBLEMS
from models.links import SIGNING_PURPOSE, find_link, link_problem
from models.review import SigningRequest, SigningRound, left_titles, others_pending
from models.signatures import Signature, signed_before

PROBLEMS = ALL_PROBLEMS[SIGNING_PURPOSE]


@dataclass
class SigningPage:
    link: AccessLink
    request: SigningRequest
    document: Document
    data: dict
    round_number: int
    addendum: list[str]
    ready: dict[int, bool]  # location id -> its Section B is complete
    signed_before: bool = True  # the officer signed before: the changes are since then


def _gone(problem: str) -> Gone:
    return Gone(PROBLEMS[problem], field="token", errors={"link": problem})


async def sent_elsewhere(session: AsyncSession, link: AccessLink,
                         request: SigningRequest) -> bool:
    """The link went to an officer's address corrected since (the round's audit of the
    change, activities.signing): whoever holds it is not the officer. Only this officer's
    corrections count (the request names the corrected address, `to`): the other
    officer's are not this link's."""
    signing_round = await session.get(SigningRound, request.round_id)
    changes = (await session.exec(select(AuditEvent.detail).where(
        AuditEvent.subject_type == "location",
        AuditEvent.subject_id.in_(signing_round.location_ids),
        AuditEvent.action == "signatures:officer-changed",
        AuditEvent.at >= link.created_at))).all()
    return any(change.get("round") == signing_round.number
               and change.get("document") == getattr(request.document, "value", request.document)
               and change.get("to") == request.officer_email
               and change.get("from") != request.officer_email for change in changes)


async def open_link(session: AsyncSession, token: str) -> SigningPage:
    link = await find_link(session, SIGNING_PURPOSE, token)
    problem = link_problem(link)
    if problem in ("revoked", "expired") and await sent_elsewhere(
            session, link, await session.get(SigningRequest, link.subject_id)):
        problem = "readdressed"
    elif problem == "revoked" and (await session.get(
            SigningRequest, link.subject_id)).status == "void":
        problem = "void"  # its round ended (a correction), not a newer link of the same ask
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
                       round_number=signing_round.number, addendum=signing_round.addendum,
                       ready=await _ready(session, signing_round.location_ids),
                       signed_before=await signed_before(session, request.organization_id,
                                                         request.officer_role,
                                                         request.officer_email))


async def _ready(session: AsyncSession, location_ids: list[int]) -> dict[int, bool]:
    """Which of the covered locations have completed Section B (shown on the same link)."""
    before = {LocationStatus.NEW, LocationStatus.IN_PROGRESS}
    rows = await session.exec(select(Location.id, Location.status).where(
        Location.id.in_(location_ids)))
    return {location_id: status not in before for location_id, status in rows.all()}


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


async def sign(session: AsyncSession, gateway: Gateway, token: str,
               body: OfficerSignatureIn, request: Request) -> SignatureRecorded:
    page = await open_link(session, token)
    _check_binding(page, body)
    client = client_of(request)
    command = OfficerSign(request_id=page.request.id, link_id=page.link.id, method=body.method,
                          typed_name=body.typed_name if body.method == "typed" else None,
                          image_file_id=await adopted_image(session, body), ip_address=client.ip,
                          user_agent=client.user_agent)
    return await signing_process.sign(gateway, session, page.request.organization_id,
                                      page.round_number, command)


async def request_new_link(session: AsyncSession, gateway: Gateway, token: str) -> None:
    """From a used, expired or replaced link: a fresh one is emailed and the old one dies."""
    link = await find_link(session, SIGNING_PURPOSE, token)
    if link is None:
        raise _gone("invalid")
    request = await session.get(SigningRequest, link.subject_id)
    if request.status == "void":
        raise _gone("void")
    # a used link asks for what its officer has still to sign in the round, if anything
    requests = await others_pending(session, request) if request.status == "signed" else [
        request]
    if not requests:
        raise Conflict(PROBLEMS["used"], field="token")
    if await sent_elsewhere(session, link, request):  # not the officer's to renew
        raise _gone("readdressed")
    await throttle.renewal_allowed(session, request.officer_email,
                                   throttle.SIGNING_LINK_EMAIL)
    signing_round = await session.get(SigningRound, request.round_id)
    organization_id, number = request.organization_id, signing_round.number
    async with throttle.given_back_if_not_done(session, throttle.SIGNING_LINK_EMAIL,
                                               request.officer_email):
        await signing_process.renew_link(gateway, organization_id, number, requests[0].id,
                                         [r.id for r in requests[1:]])


async def _used_request(session: AsyncSession, token: str) -> SigningRequest | None:
    link = await find_link(session, SIGNING_PURPOSE, token)
    return await session.get(SigningRequest, link.subject_id) if link else None


async def left_to_sign(session: AsyncSession, token: str) -> list[str]:
    """The titles a used link's officer has still to sign in its round (none: nothing more
    is needed from them)."""
    return await _left(session, await _used_request(session, token))


async def _left(session: AsyncSession, request: SigningRequest | None) -> list[str]:
    if request is None or request.status != "signed":
        return []
    return left_titles(request, await others_pending(session, request))


async def signed_by_link(session: AsyncSession, token: str,
                         body: "OfficerSignatureIn | None" = None) -> SignatureRecorded | None:
    """The signature this link made, when a signature is sent with it again (a double press,
    Back and "Sign" again, a client's retry): the answer is the signature made, not an error.
    None when the link signed nothing (mistyped, replaced, expired unused, or voided), or when
    `body` asks for another role or document than the link's (not a retry: refused as such)."""
    link = await find_link(session, SIGNING_PURPOSE, token)
    if link is None or link.used_at is None:
        return None
    request = await session.get(SigningRequest, link.subject_id)
    if request is None or request.status != "signed" or request.signature_id is None:
        return None
    if body is not None and (body.signer_role != request.officer_role
                             or body.document != request.document):
        return None
    return SignatureRecorded(signature_id=request.signature_id, request_id=request.id,
                             still_unsigned=await _left(session, request))


async def signed_with(session: AsyncSession, token: str) -> tuple[Signature | None, list[str]]:
    """The signature a link made, for its result page (to be opened again, reloaded), with
    the titles its officer has still to sign; no signature while its document is unsigned. A
    mistyped link, or one whose signature no longer counts, explains itself."""
    request = await _used_request(session, token)
    if request is None:
        raise _gone("invalid")
    if request.status == "void":
        raise _gone("void")
    if request.status != "signed" or request.signature_id is None:
        return None, []
    return await session.get(Signature, request.signature_id), await _left(session, request)


async def redistribution_alone(session: AsyncSession, token: str) -> bool:
    """The link's round asked for the Supplemental Redistribution Agreement alone (the
    organization took part in redistribution after its locations were approved): no location
    goes to review after it, the organization's locations redistribute."""
    request = await _used_request(session, token)
    if request is None:
        return False
    documents = set((await session.exec(select(SigningRequest.document).where(
        SigningRequest.round_id == request.round_id))).all())
    return documents == {DocumentKind.REDISTRIBUTION_AGREEMENT}


async def request_link_by_email(session: AsyncSession, gateway: Gateway, email: str,
                                request_key: str | None = None) -> None:
    """For a mistyped or changed link: any pending request for this officer gets a new link.
    The answer is the same whether or not the address is known, and past a few asks an hour
    for an address nothing more is sent (no mail bombing, no links killed by strangers). The
    last ask sent again (its form's key, or at once: `throttle.email_asked`) renews nothing
    more: the links it emailed stay the newest."""
    ask = await throttle.email_asked(session, email, throttle.SIGNING_LINK_EMAIL, request_key)
    if ask is None or ask.repeat:
        return
    pending = (await session.exec(select(SigningRequest, SigningRound.number).join(
        SigningRound, SigningRound.id == SigningRequest.round_id).where(
        func.lower(SigningRequest.officer_email) == email.lower(),
        SigningRequest.status == "pending").order_by(SigningRequest.id))).all()
    asks: dict[tuple[int, int], list[int]] = {}  # a round's documents: one email an officer
    for request, number in pending:
        asks.setdefault((request.organization_id, number), []).append(request.id)
    async with throttle.given_back_if_not_done(session, throttle.SIGNING_LINK_EMAIL, email):
        for (organization_id, number), request_ids in asks.items():
            try:
                await signing_process.renew_link(gateway, organization_id, number,
                                                 request_ids[0], request_ids[1:])
            except CVMSError as error:
                if error.status_code == 503:
                    raise
