"""Responsible officers' signing pages and API: reached only by their emailed links."""

from http import HTTPStatus
from typing import Annotated

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, EmailStr

from api.deps import OptionalUser, ProcessesDep, SessionDep, SettingsDep
from api.domain import signing
from api.domain.agreement_pdf import officer_copy
from api.domain.signing import OfficerSignatureIn
from api.forms import form_values, parse
from api.pages import redirect, render, someone_else
from api.params import Id
from api.routing import Router
from core.errors import CVMSError, Gone, Invalid, NotFound, Unavailable
from core.security import capability_valid
from models.enrollment_enums import OfficerRole
from models.enrollment_schemas import SignatureOut
from models.fields import Blankable
from models.inventory_schemas import RequestKey
from models.links import SIGNED_COPY, signed_copy_path
from models.schemas import Stripped
from models.signatures import Signature

pages = Router(prefix="/sign", include_in_schema=False)
api = Router(prefix="/api/v1/signing", tags=["officer signatures"])
SENT = ("If that address belongs to a responsible officer with a document waiting, a new "
        "signing link is on its way to it.")


class LinkRequestIn(Stripped):
    email: EmailStr
    # the form's one-time key (pages.request_key_input): a double click, or an API client's
    # retry, with the same key is one ask, one email, not a second one replacing the first's
    # links as they arrive
    request_key: Annotated[RequestKey | None, Blankable] = None


class SigningDocumentOut(BaseModel):
    officer_role: OfficerRole
    officer_name: str
    document: str
    title: str
    version: str
    text: str
    data: dict
    content_sha256: str


async def _problem(request: Request, token: str, error: CVMSError,
                   session=None) -> HTMLResponse:
    problem = error.errors.get("link")
    message, left = error.message, []
    if problem == "used" and session is not None:  # what the officer has still to sign, if any
        left = await signing.left_to_sign(session, token)
        message = USED_WITH_MORE if left else message
    return render(request, "signing/problem.html", {
        "message": message, "token": token, "still_unsigned": left,
        # not done (the case system did not answer): the same button, to try again as it says
        "renewable": problem in ("expired", "revoked") or isinstance(error, Unavailable)},
        status_code=error.status_code)


USED_WITH_MORE = "This signing link was already used: its document is signed."


@pages.get("/request-link", response_class=HTMLResponse)
async def request_link_page(request: Request) -> HTMLResponse:
    """The form; `?sent=1`, where an ask leads (a reload of it asks nothing again)."""
    sent = SENT if request.query_params.get("sent") == "1" else None
    return render(request, "signing/request_link.html", {"sent": sent})


@pages.post("/request-link", response_class=HTMLResponse)
async def request_link(request: Request, session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    data, errors = parse(LinkRequestIn, values)
    if data:
        await signing.request_link_by_email(session, gateway, data.email, data.request_key)
        return redirect("/sign/request-link?sent=1")
    return render(request, "signing/request_link.html", {"errors": errors, "values": values},
                  status_code=400)


@pages.get("/{token}", response_class=HTMLResponse)
async def signing_page(request: Request, token: str, session: SessionDep,
                       user: OptionalUser) -> HTMLResponse:
    try:
        page = await signing.open_link(session, token)
    except Gone as error:
        return await _problem(request, token, error, session)
    return render(request, "signing/sign.html", {"page": page, "token": token,
                                                 "someone_else": someone_else(user, page.request.officer_email)})


@pages.get("/{token}/signed", response_class=HTMLResponse)
async def signed_page(request: Request, token: str, session: SessionDep,
                      settings: SettingsDep) -> Response:
    """Where a signature leads (a 303 from its form, so reloading it signs nothing again):
    what was signed, and what the officer has still to sign in the round."""
    try:
        signature, left = await signing.signed_with(session, token)
    except Gone as error:
        return await _problem(request, token, error)
    if signature is None:  # not signed yet: the link's signing page
        return redirect(f"/sign/{token}")
    copy = signed_copy_path(settings.secret_key.get_secret_value(), signature.id)
    return render(request, "signing/signed.html", {
        "signature": signature, "copy_url": copy, "token": token,
        "still_unsigned": left,
        "redistribution_alone": await signing.redistribution_alone(session, token)})


@pages.post("/{token}", response_class=HTMLResponse)
async def sign(request: Request, token: str, session: SessionDep,
               gateway: ProcessesDep, user: OptionalUser) -> Response:
    values = await form_values(request)
    if user is not None:  # not signed in someone else's session (the page took no form)
        try:
            page = await signing.open_link(session, token)
        except Gone as error:
            return await _problem(request, token, error, session)
        if someone := someone_else(user, page.request.officer_email):
            return render(request, "signing/sign.html", {
                "page": page, "token": token, "someone_else": someone},
                status_code=HTTPStatus.FORBIDDEN)
    data, errors = parse(OfficerSignatureIn, {**values, "consent": values.get("consent") == "yes"})
    try:
        if errors:
            raise Invalid("Check your signature.", errors=errors)
        await signing.sign(session, gateway, token, data, request)
    except Gone as error:
        if await signing.signed_by_link(session, token):  # sent again: its thank-you page
            return redirect(f"/sign/{token}/signed")
        return await _problem(request, token, error, session)
    except CVMSError as error:
        await session.rollback()
        if error.status_code == HTTPStatus.GONE:  # the round's word: signed meanwhile (a
            # second press, another tab) or voided; the signature's page says which
            return redirect(f"/sign/{token}/signed")
        if error.status_code == HTTPStatus.CONFLICT and not error.errors:  # not the form's: the
            # round moved on (its process ended); said on the link's page as it is now, by a
            # redirect, so a reload sends nothing again (as Section B's refusals of the kind)
            return redirect(f"/sign/{token}", notice=error.message, tone="warning")
        try:
            page = await signing.open_link(session, token)
        except Gone as gone:
            return await _problem(request, token, gone)
        return render(request, "signing/sign.html", {
            "page": page, "token": token, "errors": error.problems(),
            "posted": values},
            status_code=error.status_code)
    return redirect(f"/sign/{token}/signed")


@pages.get("/copies/{signature_id}/agreement.pdf")
async def signed_copy(signature_id: Id, session: SessionDep, settings: SettingsDep,
                      key: str = "") -> Response:
    """An officer's copy of what they signed, from the thank-you page or the receipt email."""
    signature = await session.get(Signature, signature_id)
    secret = settings.secret_key.get_secret_value()
    if signature is None or signature.signing_request_id is None or \
            not capability_valid(secret, SIGNED_COPY, signature_id, key):
        raise NotFound("We could not find that signed agreement. Use the link in your receipt "
                       "email.")
    pdf = await officer_copy(session, signature)
    name = f"signed-{signature.document.value}-{signature.id}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@pages.post("/{token}/renew", response_class=HTMLResponse)
async def renew(request: Request, token: str, session: SessionDep,
                gateway: ProcessesDep) -> Response:
    try:
        await signing.request_new_link(session, gateway, token)
    except CVMSError as error:
        return await _problem(request, token, error)
    return redirect(f"/sign/{token}/renewed")


@pages.get("/{token}/renewed", response_class=HTMLResponse)
async def renewed(request: Request, token: str) -> HTMLResponse:
    """Where asking for a new link leads (a reload of it emails nothing again)."""
    return render(request, "invite/renewed.html", {"signing": True})


@api.post("/request-link", status_code=202, summary="Ask for a new link by email address")
async def api_request_link(body: LinkRequestIn, session: SessionDep,
                           gateway: ProcessesDep) -> dict:
    await signing.request_link_by_email(session, gateway, body.email, body.request_key)
    return {"detail": SENT}


@api.get("/{token}", response_model=SigningDocumentOut,
         summary="The document and the exact data this link asks its officer to sign")
async def api_document(token: str, session: SessionDep) -> SigningDocumentOut:
    page = await signing.open_link(session, token)
    return SigningDocumentOut(
        officer_role=page.request.officer_role, officer_name=page.request.officer_name,
        document=page.request.document, title=page.document.title,
        version=page.document.version, text=page.document.text, data=page.data,
        content_sha256=page.request.content_sha256)


@api.post("/{token}", response_model=SignatureOut, status_code=201,
          summary="Sign (adopt and use a typed or drawn signature)",
          responses={200: {"model": SignatureOut,
                           "description": "Sent again after it signed: the signature made"}})
async def api_sign(token: str, body: OfficerSignatureIn, request: Request,
                   session: SessionDep, gateway: ProcessesDep, response: Response) -> SignatureOut:
    """Sent again once signed (a retry), the answer is the signature made, 200."""
    try:
        recorded = await signing.sign(session, gateway, token, body, request)
    except CVMSError as error:
        if error.status_code != HTTPStatus.GONE:
            raise
        await session.rollback()
        recorded = await signing.signed_by_link(session, token, body)
        if recorded is None:
            raise
        response.status_code = HTTPStatus.OK
    signature = await session.get(Signature, recorded.signature_id)
    return SignatureOut.model_validate(signature).model_copy(
        update={"still_unsigned": recorded.still_unsigned})


@api.post("/{token}/renew", status_code=202, summary="Email a fresh link; this one dies")
async def api_renew(token: str, session: SessionDep, gateway: ProcessesDep) -> dict:
    await signing.request_new_link(session, gateway, token)
    return {"detail": "A new signing link is on its way to the officer's email."}
