"""Organization Administrator self-registration and email confirmation."""

from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.deps import OptionalUser, ProcessesDep, SessionDep, SettingsDep
from api.domain import accounts
from api.forms import form_values, parse
from api.pages import redirect, render
from api.routing import Router
from api.sessions import client_address
from core.errors import CVMSError, Gone
from models.contracts.accounts import VERIFY_WITHIN
from models.links import ALREADY_CONFIRMED
from models.schemas import ConfirmEmailIn, RegistrationAccepted, RegistrationIn, UserOut

pages = Router(include_in_schema=False)
api = Router(prefix="/api/v1", tags=["registration"])

SENT_COOKIE = "cvms_registered"


@pages.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> HTMLResponse:
    return render(request, "auth/register.html")


@pages.post("/register", response_class=HTMLResponse)
async def register(request: Request, session: SessionDep, gateway: ProcessesDep,
                   settings: SettingsDep) -> Response:
    values = await form_values(request)
    data, errors = parse(RegistrationIn, values)
    refused = None
    if data:
        try:
            await accounts.register_org_admin(
                session=session, gateway=gateway, data=data, verify_within=VERIFY_WITHIN,
                client=client_address(request),
                per_client=settings.registrations_per_client_hour)
            return sent_to("/register/sent", data.email)
        except CVMSError as error:
            errors, refused = error.problems(), error
    kept = {k: v for k, v in values.items() if not k.startswith("password")}
    return render(request, "auth/register.html", {"values": kept, "errors": errors}, 400,
                  refused)


def sent_to(url: str, email: str) -> Response:
    """After a registration, its "check your email" page by a redirect (a reload shows the page
    again rather than registering again), the address in a short-lived cookie."""
    response = redirect(url)
    response.set_cookie(SENT_COOKIE, quote(email, safe=""), max_age=600, httponly=True,
                        samesite="lax", path="/")
    return response


def sent_email(request: Request) -> str | None:
    return unquote(request.cookies.get(SENT_COOKIE, "")) or None


@pages.get("/register/sent", response_class=HTMLResponse)
async def registered_page(request: Request) -> HTMLResponse:
    return render(request, "auth/registered.html", {"email": sent_email(request)})


@pages.get("/register/verify/{token}", response_class=HTMLResponse)
async def verify_page(request: Request, token: str, session: SessionDep,
                      _viewer: OptionalUser) -> HTMLResponse:
    """Shows a button rather than confirming on GET: mail scanners follow links."""
    try:
        await accounts.usable_verification_link(session, token)
    except Gone as error:
        return _link_problem(request, error)
    return render(request, "auth/verify.html", {"token": token})


@pages.post("/register/verify/{token}")
async def verify(request: Request, token: str, session: SessionDep,
                 gateway: ProcessesDep, _viewer: OptionalUser) -> Response:
    try:
        await accounts.confirm_email(session=session, gateway=gateway, token=token)
    except CVMSError as error:
        return _link_problem(request, error)
    return redirect("/login", notice="Your email address is confirmed. Log in to continue.")


def _link_problem(request: Request, error: CVMSError) -> HTMLResponse:
    """Why a confirmation link cannot be used; registering again is offered unless the address
    is already confirmed (then logging in is the way on, or, logged in already, the dashboard)."""
    confirmed = error.errors.get("link") == "used"
    message = error.message
    if confirmed and getattr(request.state, "viewer", None) is not None:
        message = ALREADY_CONFIRMED
    return render(request, "auth/link_problem.html", {
        "message": message, "register_again": not confirmed}, error.status_code)


@api.post("/registrations", response_model=RegistrationAccepted, status_code=202,
          summary="Register as an Organization Administrator",
          description="The same answer for every address, registered or not: the address's "
                      "owner is emailed a confirmation link, or how to log in.")
async def api_register(request: Request, body: RegistrationIn, session: SessionDep,
                       gateway: ProcessesDep, settings: SettingsDep) -> RegistrationAccepted:
    await accounts.register_org_admin(session=session, gateway=gateway, data=body,
                                      verify_within=VERIFY_WITHIN,
                                      client=client_address(request),
                                      per_client=settings.registrations_per_client_hour)
    return RegistrationAccepted(email=body.email, next_step=accounts.REGISTERED)


@api.post("/registrations/confirm", response_model=UserOut,
          summary="Confirm an email address with the emailed token")
async def api_confirm(body: ConfirmEmailIn, session: SessionDep,
                      gateway: ProcessesDep) -> UserOut:
    user = await accounts.confirm_email(session=session, gateway=gateway, token=body.token)
    return UserOut.model_validate(user)
