"""Login, logout and password changes: portal pages and JSON endpoints."""

from typing import Annotated
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from pydantic import EmailStr, field_validator

from api.csrf import FormExpired
from api.deps import CurrentUser, ProcessesDep, SessionDep, SettingsDep
from api.domain import accounts
from api.domain.scope import contact_of
from api.errors import AGAIN, AGAIN_ACTION, send_again
from api.forms import form_values, parse
from api.pages import redirect, render, same_site_path
from api.routing import Router
from api.sessions import (
    SESSION_COOKIE,
    bearer_token,
    client_address,
    end_session,
    presented_key,
    set_session_cookie,
    start_session,
)
from core.errors import CVMSError, Gone, TooManyRequests
from models.employers import Employer
from models.enums import Role
from models.fields import Blankable
from models.inventory_schemas import RequestKey
from models.portal_rules import PROFILES
from models.schemas import LoginIn, NewPassword, PasswordChangeIn, Stripped, TokenOut, UserOut

pages = Router(include_in_schema=False)
api = Router(prefix="/api/v1", tags=["auth"])


@pages.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return render(request, "auth/login.html", {"next": same_site_path(next)})


@pages.post("/login", response_class=HTMLResponse)
async def login(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    kept = await _kept_form(request)
    values = {k: v for k, v in (await form_values(request)).items()
              if not k.startswith(AGAIN) and k != AGAIN_ACTION}
    next_url = same_site_path(values.get("next"))
    data, errors = parse(LoginIn, values)
    if data:
        try:
            user = await accounts.authenticate(session, data, client_address(request))
        except TooManyRequests as error:
            if kept:
                return await _form_kept(request, kept, error.errors, values, error.status_code)
            return _login_again(request, values, error.errors, next_url, error)
        except CVMSError as error:
            errors = error.problems()
    if errors:
        if kept:
            return await _form_kept(request, kept, errors, values, 400)
        return _login_again(request, values, errors, next_url)
    key = await start_session(session, user, request, settings.session_hours)
    if kept and not user.must_change_password:
        # signed in from the page that kept a form sent signed out: the form comes back, with
        # what was typed and a token of this new session, to send at one press
        request.state.csrf_seed = key
        request.state.viewer = user
        response = await send_again(request, kept, status=200)
        set_session_cookie(response, key, secure=settings.cookies_secure,
                           hours=settings.session_hours)
        return response
    target = (f"/account/password?next={quote(next_url, safe='')}"
              if user.must_change_password else next_url)
    response = redirect(target)
    set_session_cookie(response, key, secure=settings.cookies_secure,
                       hours=settings.session_hours)
    return response


async def _kept_form(request: Request) -> FormExpired | None:
    """The form a staff page kept when it was sent signed out (api/errors.py), carried by its
    sign-in form: its fields, and where it is sent (a path of this site only)."""
    form = await request.form()
    action = form.get(AGAIN_ACTION)
    if not isinstance(action, str) or same_site_path(action) != action or action == "/":
        return None
    request.state.again_action = action
    return FormExpired([(name.removeprefix(AGAIN), value) for name, value in form.multi_items()
                        if name.startswith(AGAIN) and isinstance(value, str)], had_files=False)


async def _form_kept(request: Request, kept: FormExpired, errors: dict, values: dict,
                     status: int) -> Response:
    """A sign-in refused on the page that kept a form: the same page, nothing lost."""
    return await send_again(request, kept, signed_out=True, login_errors=errors,
                            login_email=str(values.get("email") or ""), status=status)


def _login_again(request: Request, values: dict, errors: dict, next_url: str,
                 throttled: TooManyRequests | None = None) -> Response:
    context = {"values": {"email": values.get("email", "")}, "errors": errors, "next": next_url}
    return render(request, "auth/login.html", context, 400, throttled)


@pages.post("/logout")
async def logout(request: Request, session: SessionDep) -> Response:
    await end_session(session, request)
    # back where the person was, if told (an officer's signing link opened in someone
    # else's session): a path of this site only
    going = same_site_path((await form_values(request)).get("next"))
    response = redirect(going, notice="You have logged out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@pages.get("/account", response_class=HTMLResponse)
async def account_page(request: Request, user: CurrentUser,
                       session: SessionDep) -> HTMLResponse:
    """Your account: who you are in CVMS, where you work and as what, and who changes it."""
    contact = await contact_of(session, user) if user.role == Role.ORG_CONTACT else None
    employer = await session.get(Employer, contact.employer_id) if contact else None
    return render(request, "auth/account.html", {
        "person": user, "holdings": request.state.portal.holdings, "employer": employer,
        "portal_staff": user.role in PROFILES or bool(request.state.portal.holdings)})


@pages.get("/account/password", response_class=HTMLResponse)
async def password_page(request: Request, user: CurrentUser,
                        next: str = "/") -> HTMLResponse:  # noqa: A002
    return render(request, "auth/password.html", {"user": user, "next": same_site_path(next)})


@pages.post("/account/password", response_class=HTMLResponse)
async def password_change(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """Changed, the person goes back to where they were going (a temporary password's
    first login was on its way somewhere)."""
    values = await form_values(request)
    next_url = same_site_path(values.pop("next", None))
    data, errors = parse(PasswordChangeIn, values)
    refused = None
    if data:
        try:
            await accounts.change_password(session=session, user=user, data=data,
                                           keep_session_key=presented_key(request)[0],
                                           client=client_address(request))
            return redirect(next_url, notice="Your password has been changed.")
        except CVMSError as error:
            errors, refused = error.problems(), error
    return render(request, "auth/password.html", {"user": user, "errors": errors,
                                                  "next": next_url}, 400, refused)


@api.post("/auth/token", response_model=TokenOut, summary="Log in and get a bearer token")
async def token(request: Request, body: LoginIn, session: SessionDep,
                settings: SettingsDep) -> TokenOut:
    user = await accounts.authenticate(session, body, client_address(request))
    return await bearer_token(session, user, request, settings.session_hours)


@api.post("/auth/logout", status_code=204, summary="End this session")
async def api_logout(request: Request, session: SessionDep,
                     _user: CurrentUser) -> Response:
    await end_session(session, request)
    return Response(status_code=204)


@api.get("/me", response_model=UserOut, summary="The logged-in user")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@api.post("/account/password", status_code=204, summary="Change your password")
async def api_password(request: Request, body: PasswordChangeIn, user: CurrentUser,
                       session: SessionDep) -> Response:
    await accounts.change_password(session=session, user=user, data=body,
                                   keep_session_key=presented_key(request)[0],
                                   client=client_address(request))
    return Response(status_code=204)




class ResetRequestIn(Stripped):
    email: EmailStr
    # the form's one-time key (pages.request_key_input): a double click, or a retry, with the
    # same key sends one link, not a second one that would replace the first as it arrives
    request_key: Annotated[RequestKey | None, Blankable] = None

    @field_validator("email", mode="before")
    @classmethod
    def _not_a_username(cls, value: object) -> object:
        """Staff log in with a username or their address; a reset goes to the address, and a
        username here was answered "Enter an email address like name@example.org"."""
        if isinstance(value, str) and value.strip() and "@" not in value:
            raise ValueError("Enter the email address of your account, not your username. If "
                             "you do not know which address it is, ask your Location Manager "
                             "or the help desk.")
        return value


@pages.get("/password/forgot", response_class=HTMLResponse)
async def forgot_page(request: Request) -> HTMLResponse:
    return render(request, "auth/forgot.html")


@pages.post("/password/forgot", response_class=HTMLResponse)
async def forgot(request: Request, session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    data, errors = parse(ResetRequestIn, values)
    if data:
        await accounts.request_password_reset(session, gateway, data.email, data.request_key)
        return render(request, "auth/forgot.html", {"sent": accounts.RESET_SENT})
    return render(request, "auth/forgot.html", {"errors": errors, "values": {
        "email": values.get("email", ""), "request_key": values.get("request_key")}},
        status_code=400)  # what was typed stays


@pages.get("/password/reset/{token}", response_class=HTMLResponse)
async def reset_page(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    try:
        await accounts.usable_reset_link(session, token)
    except Gone as error:
        return render(request, "auth/reset_problem.html", {"message": error.message}, 410)
    return render(request, "auth/reset.html", {"token": token})


@pages.post("/password/reset/{token}", response_class=HTMLResponse)
async def reset(request: Request, token: str, session: SessionDep) -> Response:
    data, errors = parse(NewPassword, await form_values(request))
    try:
        if data:
            await accounts.reset_password(session, token, data)
            return redirect("/login", notice="Your password is changed. Log in with it.")
    except Gone as error:
        return render(request, "auth/reset_problem.html", {"message": error.message}, 410)
    return render(request, "auth/reset.html", {"token": token, "errors": errors},
                  status_code=400)


@api.post("/auth/password-reset", status_code=202, summary="Email a link to choose a new password")
async def api_forgot(body: ResetRequestIn, session: SessionDep, gateway: ProcessesDep) -> dict:
    await accounts.request_password_reset(session, gateway, body.email, body.request_key)
    return {"detail": accounts.RESET_SENT}


@api.post("/auth/password-reset/{token}", status_code=204,
          summary="Choose a new password with the emailed link")
async def api_reset(token: str, body: NewPassword, session: SessionDep) -> Response:
    await accounts.reset_password(session, token, body)
    return Response(status_code=204)
