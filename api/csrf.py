"""CSRF protection for every form and every cookie-authenticated change.

The token is an HMAC of the session key (or, before login, of a random cookie), so it needs
no storage. Bearer-token API calls carry no ambient credential and need no token; JSON posts
without a session cookie cannot be forged cross-site (they would need a CORS preflight).
"""

import secrets

from fastapi import Request, Response, params
from starlette.datastructures import UploadFile
from starlette.requests import HTTPConnection

from api.services import secret
from api.sessions import CSRF_COOKIE, presented_key
from core.errors import Forbidden, Invalid
from core.security import csrf_token, csrf_valid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REFUSAL = ("This form could not be accepted because its security token is missing or out of "
           "date. Go back, reload the page and submit it again.")
# Public API operations that take files (multipart) from callers without an account: such a
# post carries no credential to borrow, so, like a JSON post without a session cookie, it needs
# no token (the page forms to the same effect, /help/ask, still do).
OPEN_API_FORMS = frozenset({"/api/v1/helpdesk/questions"})
SEED_AGE = 365 * 24 * 3600  # the seed is no secret's carrier: it may outlive a browser session


class FormExpired(Forbidden):
    """A browser's form whose token no longer fits (the browser was closed and opened again,
    the person signed out in another tab): its page offers what was typed again, passwords
    and files aside, with a fresh token (api/errors.py)."""

    def __init__(self, fields: list[tuple[str, str]], had_files: bool) -> None:
        super().__init__(REFUSAL, field="csrf_token")
        self.fields, self.had_files = fields, had_files


def is_form(request: Request) -> bool:
    """Whether the body is a form. A media type is case-insensitive, and the form is read
    whatever the case: "Application/x-www-form-urlencoded", which a page elsewhere may send
    without asking, once passed here as no form and so with no token."""
    return request.headers.get("content-type", "").lower().startswith(FORM_TYPES)


def browser_seed(request: Request) -> str:
    """What this browser's forms are bound to: its session key, or before login its own random
    cookie (also what a visitor's kept files are bound to, api/page_files.py)."""
    if started := getattr(request.state, "csrf_seed", None):  # signed in by this very request
        return started
    key, how = presented_key(request)
    if how == "cookie" and key:
        return key
    return request.cookies.get(CSRF_COOKIE) or request.state.new_csrf_seed


def token_for(request: Request) -> str:
    return csrf_token(secret(request), browser_seed(request))


def _needs_check(request: Request) -> bool:
    if request.method in SAFE_METHODS:
        return False
    _key, how = presented_key(request)
    if how == "bearer":
        return False
    if how == "none" and request.url.path in OPEN_API_FORMS:
        return False
    return how == "cookie" or is_form(request)


JSON_WANTED = ("This operation takes its fields as a JSON object (Content-Type: "
               "application/json), not as a form: send them again so.")


def _api_client_form(request: Request) -> bool:
    """A form sent to a JSON operation of the API by a client with no session (a program, not
    this site's page): its mistake is the encoding, not a page's security token."""
    return (request.url.path.startswith("/api/") and presented_key(request)[1] == "none"
            and not takes_form(request))


def takes_form(request: Request) -> bool:
    """Whether the operation the request reached reads a form (multipart or urlencoded)."""
    body = getattr(request.scope.get("route"), "body_field", None)
    return body is not None and isinstance(body.field_info, params.Form)


async def verify_csrf(request: Request) -> None:
    if not _needs_check(request):
        return
    presented = request.headers.get("x-csrf-token")
    form = None
    if presented is None and is_form(request):
        form = await request.form()
        presented = form.get("csrf_token")
    if csrf_valid(secret(request), browser_seed(request), str(presented) if presented else None):
        return
    if form is not None and _api_client_form(request):
        raise Invalid(JSON_WANTED, field="body")
    typed = kept(form) if form is not None else None
    if typed is None:
        raise Forbidden(REFUSAL, field="csrf_token")
    raise FormExpired(*typed)


async def typed_in(request: Request) -> tuple[list[tuple[str, str]], bool] | None:
    """What a browser's form holds, to offer it again (None: not a form, or one with a
    password)."""
    if request.method in SAFE_METHODS or not is_form(request):
        return None
    return kept(await request.form())


def kept(form) -> tuple[list[tuple[str, str]], bool] | None:
    """A form's typed values (not its token) and whether it carried files; None when it has a
    password, which is never written in a page."""
    items = form.multi_items()
    if any("password" in name for name, _value in items):
        return None
    return ([(name, value) for name, value in items
             if isinstance(value, str) and name != "csrf_token"],
            any(isinstance(value, UploadFile) and value.filename for _name, value in items))


def prepare_seed(connection: HTTPConnection) -> None:
    """Before the request: the seed an anonymous visitor's form tokens will derive from."""
    connection.state.new_csrf_seed = secrets.token_urlsafe(24)


def seed_cookie(connection: HTTPConnection, secure: bool) -> str | None:
    """The Set-Cookie value giving an anonymous visitor that seed (None if they have one)."""
    if CSRF_COOKIE in connection.cookies:
        return None
    carrier = Response()
    carrier.set_cookie(CSRF_COOKIE, connection.state.new_csrf_seed, max_age=SEED_AGE,
                       httponly=True, secure=secure, samesite="lax", path="/")
    return carrier.headers["set-cookie"]
