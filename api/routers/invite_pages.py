"""The coordinator's invitation link: register (or log in), then straight into Section B."""

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.deps import OptionalUser, ProcessesDep, SessionDep, SettingsDep
from api.domain import invitations
from api.forms import form_values, parse
from api.pages import redirect, render, someone_else
from api.routing import Router
from api.sessions import client_address, set_session_cookie, start_session
from core.errors import CVMSError, Gone, Unavailable
from models.enrollment_schemas import CoordinatorRegistrationIn

router = Router(prefix="/invite", include_in_schema=False)


async def _problem(request: Request, token: str, error: CVMSError) -> HTMLResponse:
    # not done (the case system did not answer): the same button, to try again as it says
    renewable = error.errors.get("link") in ("expired", "revoked") or isinstance(
        error, Unavailable)
    return render(request, "invite/problem.html", {"message": error.message, "token": token,
                                                   "renewable": renewable},
                  status_code=error.status_code)


@router.get("/{token}", response_class=HTMLResponse)
async def invitation(request: Request, token: str, session: SessionDep,
                     user: OptionalUser) -> HTMLResponse:
    try:
        link = await invitations.usable_invitation(session, token)
    except Gone as error:
        return await _problem(request, token, error)
    details = await invitations.describe(session, link)
    return render(request, "invite/register.html", {
        "invite": details, "token": token, "someone_else": someone_else(user, details.email),
        "signed_in": user is not None and user.email.lower() == details.email.lower()})


async def _signed_in(request: Request, session, settings, user, location) -> Response:
    key = await start_session(session, user, request, settings.session_hours)
    response = redirect(f"/locations/{location.id}/section-b/location",
                        notice=f"Welcome! You are the vaccine coordinator for {location.name}.")
    set_session_cookie(response, key, secure=settings.cookies_secure,
                       hours=settings.session_hours)
    return response


@router.post("/{token}", response_class=HTMLResponse)
async def register(request: Request, token: str, session: SessionDep, gateway: ProcessesDep,
                   settings: SettingsDep, user: OptionalUser) -> Response:
    values = await form_values(request)
    refused = None
    if user is not None:  # sent from a browser logged in as someone else: not theirs to use
        try:
            details = await invitations.describe(
                session, await invitations.usable_invitation(session, token))
        except Gone as error:
            return await _problem(request, token, error)
        if someone := someone_else(user, details.email):
            return render(request, "invite/register.html", {
                "invite": details, "token": token, "someone_else": someone}, 403)
    try:
        if values.get("action") == "signed_in" and user is not None:  # their own session
            location = await invitations.accept_signed_in(session, gateway, token, user)
            return redirect(f"/locations/{location.id}/section-b/location",
                            notice=f"Welcome! You are the vaccine coordinator for "
                                   f"{location.name}.")
        if values.get("action") == "existing":
            user, location = await invitations.accept_with_account(
                session, gateway, token, values.get("password", ""), client_address(request))
            return await _signed_in(request, session, settings, user, location)
        data, errors = parse(CoordinatorRegistrationIn, values)
        if data:
            user, location = await invitations.register(session, gateway, token, data,
                                                            client_address(request))
            return await _signed_in(request, session, settings, user, location)
    except Gone as error:
        return await _problem(request, token, error)
    except CVMSError as error:
        # Not done (e.g. the process did not answer): the account written for it is undone,
        # so the page does not take it for an account that exists.
        await session.rollback()
        errors, refused = error.problems(), error
        if values.get("action") == "signed_in":  # a form of no field: said as the form's
            errors = {"form": error.message}
    link = await invitations.usable_invitation(session, token)
    names = {k: values.get(k, "") for k in ("first_name", "last_name") if k in values}
    details = await invitations.describe(session, link)
    return render(request, "invite/register.html", {
        "invite": details, "token": token, "errors": errors, "values": names,
        "signed_in": user is not None and user.email.lower() == details.email.lower()},
        400, refused)


@router.post("/{token}/renew", response_class=HTMLResponse)
async def renew(request: Request, token: str, session: SessionDep,
                gateway: ProcessesDep) -> Response:
    try:
        await invitations.request_new_link(session, gateway, token)
    except CVMSError as error:
        return await _problem(request, token, error)
    return redirect(f"/invite/{token}/renewed")


@router.get("/{token}/renewed", response_class=HTMLResponse)
async def renewed(request: Request, token: str) -> HTMLResponse:
    """Where asking for a new link leads (a reload of it emails nothing again)."""
    return render(request, "invite/renewed.html")
