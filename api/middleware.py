"""Pure ASGI middleware: bounded request bodies, the security headers (and Server-Timing) on
every response, and one answer time for the requests that must not tell whether an address has
an account.

Pure ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs each
request through an extra task and memory stream, which cost ~30% throughput on cheap requests.
"""

import asyncio
import time

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.csrf import prepare_seed, seed_cookie
from api.domain.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS

# The largest legitimate body: a help-desk message with its five 10 MB attachments, plus room
# for the form's other fields and multipart framing.
MAX_BODY_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024
TOO_LARGE = (f"This request is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB, the most this "
             "portal accepts. Send smaller files (each at most 10 MB).")

# Scripts and styles come only from /static: no inline script, no inline style.
STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The development mailbox shows caught emails, whose HTML carries inline styles, in a sandbox.
MAILBOX_CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HSTS = "max-age=31536000; includeSubDomains"


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body reader re-raises it instead of answering 400."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE)


class BodyLimit:
    """Refuse a body over the limit before reading it (Content-Length), or as soon as the
    streamed bytes pass it (chunked uploads), so no oversized body is held in memory."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(scope, send)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        return counted


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send) -> None:
    """413 without touching the body: JSON under /api, elsewhere the portal's own error page
    (a bare one left a person on a phone with unreadable text and no way back). The connection
    closes after it, so the rest of the body is not waited for."""
    from starlette.requests import Request

    from api.errors import body_not_taken  # imports the pages, which import this module

    async def closing(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["connection"] = "close"
        await send(message)

    async def no_body() -> Message:  # never read: the answer does not depend on it
        return {"type": "http.disconnect"}

    request = Request(scope)
    await _read_viewer(request)
    response = await body_not_taken(request, 413, TOO_LARGE, code="too_large")
    await response(scope, no_body, closing)


async def _read_viewer(request) -> None:
    """The signed-in person, for the refusal page's menu, as every page reads them (no route
    has run yet): a signed-in provider met "Log in" there and thought they were signed out."""
    from api.sessions import SESSION_COOKIE, load_viewer
    from models.accounts import Viewer

    if SESSION_COOKIE not in request.cookies or request.url.path.startswith("/api/"):
        return
    async with request.app.state.services.sessions() as session:
        user, portal = await load_viewer(request, session)
        request.state.viewer = Viewer.of(user, portal) if user else None


def content_security_policy(path: str) -> str:
    if path.startswith("/dev/"):
        return MAILBOX_CSP
    return STRICT_CSP


class SecurityHeaders:
    """Security headers on every response, the anonymous visitor's CSRF seed cookie, and
    `Server-Timing: app;dur=<ms>`: how long the app took from receiving the request to
    beginning its answer (browser developer tools show it; the benchmarks tell our time from
    the machine's with it)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        connection = HTTPConnection(scope)
        prepare_seed(connection)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                self._decorate(headers, connection)
                headers.append("Server-Timing",
                               f"app;dur={(time.perf_counter() - started) * 1000:.1f}")
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _decorate(self, headers: MutableHeaders, connection: HTTPConnection) -> None:
        # an answer a shared cache may keep (static files, the icon, the public keys) carries no
        # cookie: a cache would refuse it, or hand one visitor's seed to the next
        shared = headers.get("cache-control", "").startswith("public")
        cookie = None if shared else seed_cookie(connection, secure=self.https)
        if cookie:
            headers.append("set-cookie", cookie)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        # Pages and answers are a person's (a case, its internal notes): not kept by the browser,
        # so Back after logging out on a shared computer asks again and meets the login page.
        # Static files, the site's icon and the public keys say otherwise for themselves.
        headers.setdefault("Cache-Control", "no-store")
        headers.setdefault("Content-Security-Policy",
                           content_security_policy(connection.url.path))
        if self.https:  # only over https: the header on plain http would be ignored anyway
            headers.setdefault("Strict-Transport-Security", HSTS)


# The answers that must not tell whether an address has an account (or, for "email me a new
# signing link", a document to sign): the same words for every address, and (below) the same
# time. Their work differs by a few milliseconds (a new account is written and its process
# started; a known address's owner is emailed, or nothing is done past the hourly allowance),
# which Server-Timing, or enough tries, would show.
ACCOUNT_BLIND = frozenset({
    ("POST", "/register"), ("POST", "/api/v1/registrations"),
    ("POST", "/help/register"), ("POST", "/api/v1/helpdesk/registrations"),
    ("POST", "/password/forgot"), ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/sign/request-link"), ("POST", "/api/v1/signing/request-link"),
    ("POST", "/r/new-link"),  # a recipient's personal link: on file or not, alike
    ("POST", "/help/new-link"),  # a public question's link: asked with the address or not
})


class UniformAnswerTime:
    """The ACCOUNT_BLIND requests begin their answer no sooner than `floor` seconds after they
    arrived (ACCOUNT_ANSWER_FLOOR_MS), whatever they found: their own work (20-70 ms here) is
    hidden under it, and Server-Timing shows the floor. Inside SecurityHeaders, which times
    the answer."""

    def __init__(self, app: ASGIApp, *, floor: float) -> None:
        self.app = app
        self.floor = floor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.floor <= 0 or scope["type"] != "http" \
                or (scope["method"], scope["path"]) not in ACCOUNT_BLIND:
            await self.app(scope, receive, send)
            return
        # The clock SecurityHeaders times with: uvloop's own (loop.time()) reads in whole
        # milliseconds, as of its last turn, and its timers may fire a fraction early, so an
        # answer could begin (and Server-Timing read) up to a few milliseconds under the floor.
        due = time.perf_counter() + self.floor

        async def send_when_due(message: Message) -> None:
            if message["type"] == "http.response.start":
                # a deadline on a clock, not a flag another task sets (what ASYNC110 is for)
                while (left := due - time.perf_counter()) > 0:  # noqa: ASYNC110
                    await asyncio.sleep(left)
            await send(message)

        await self.app(scope, receive, send_when_due)


class HeadAsGet:
    """HEAD is answered as GET would be, without the body (RFC 9110 §9.3.2: wherever GET works,
    HEAD does): uptime monitors and link checkers ask so, and took a 405 for a broken site. The
    route, its access rule and its headers are GET's; the server, which saw HEAD, sends no body
    and keeps GET's Content-Length."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
