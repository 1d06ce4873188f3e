"""Maps errors to responses: JSON under /api, a page everywhere else, never a stack trace."""

import logging
import re
from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from temporalio.client import RPCError, WorkflowUpdateFailedError

from api.csrf import FormExpired, takes_form, typed_in
from api.forms import error_messages
from api.pages import redirect, render
from api.processes.gateway import refusal, unavailable
from api.sessions import SESSION_COOKIE
from core.errors import (
    CVMSError,
    NotAuthenticated,
    PasswordChangeRequired,
    TooManyRequests,
    Unavailable,
)

log = logging.getLogger("cvms.api")

# An error page's heading in people's words (the HTTP phrase stays in the API's answers)
TITLES = {202: "Received", 400: "The request could not be read", 401: "Please log in",
          403: "You cannot open this page", 404: "Page not found",
          405: "That action is not available here", 409: "This could not be done",
          410: "This link has expired", 413: "Too large to send",
          422: "Check what was entered", 429: "Too many attempts",
          500: "Something went wrong", 503: "Temporarily unavailable"}
# A page address's parameters, named as people see them
LABELS = {"q": "Search", "page": "Page", "age": "Age", "csrf_token": "Security token"}


def _label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").replace(".", " ").capitalize()


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def error_response(request: Request, status: int, message: str,
                   errors: dict[str, str] | None = None, code: str = "error",
                   switch_to: tuple[int, str] | None = None) -> Response:
    """The API's JSON, or the error page (`switch_to`: a location of theirs where the refused
    page is allowed, offered as a switch that opens it)."""
    if wants_json(request):
        body = {"detail": message, "code": code, "errors": errors or {}}
        return JSONResponse(body, status_code=status)
    if status in (404, 405) and request.url.path.startswith("/r/"):
        return _bad_recipient_link(request, status)
    if status in (404, 405) and _public_help(request):
        return _public_help_problem(request, status)
    title = TITLES.get(status) or HTTPStatus(status).phrase
    if errors and message.startswith("Check these fields:"):  # the API's words name fields
        message = "Some of what was sent cannot be used:"
    try:
        return render(request, "error.html", {
            "status": status, "title": title, "message": message,
            "errors": {_label(name): problem for name, problem in (errors or {}).items()},
            "switch_to": switch_to, "here": request.url.path + (
                f"?{request.url.query}" if request.url.query else "")},
            status_code=status)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        log.exception("error page failed to render")
        return HTMLResponse(f"<h1>{title}</h1><p>{escape(message)}</p>", status_code=status)


# A page opened with a session that no longer holds (logged out in another tab, the password
# changed or reset elsewhere, deactivated, timed out) came to the login page with no word why.
SESSION_ENDED = ("Your session has ended: you were logged out (in another window, or because "
                 "your password was changed), or it timed out. Log in again to continue.")


async def cvms_error(request: Request, exc: CVMSError) -> Response:
    if isinstance(exc, NotAuthenticated) and not wants_json(request):
        typed = await typed_in(request)  # a form sent after signing out: nothing lost
        if typed is not None:
            return await send_again(request, FormExpired(*typed), signed_out=True)
        if SESSION_COOKIE in request.cookies:  # signed in once, in this browser: say why
            response = redirect(f"/login?next={request.url.path}", notice=SESSION_ENDED)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if isinstance(exc, PasswordChangeRequired) and not wants_json(request):
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = "/account/password" + (f"?next={quote(back, safe='')}"
                                        if request.method == "GET" else "")
        return RedirectResponse(target, status_code=303)
    if isinstance(exc, FormExpired) and not wants_json(request):
        return await send_again(request, exc)
    if isinstance(exc, Unavailable) and not wants_json(request):
        typed = await typed_in(request)  # a form no process took (503): nothing lost, truly
        if typed is not None:
            return await send_again(request, FormExpired(*typed), not_done=exc.message)
    if isinstance(exc, NotAuthenticated):
        return _not_authenticated(request, exc)
    response = error_response(request, exc.status_code, exc.message, exc.errors, exc.code,
                              switch_to=getattr(exc, "switch_to", None)
                              if request.method == "GET" else None)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


# words about a token, not one
TOKEN_REFUSED = ("This access token is not valid: it expired, was revoked (logging out or a "  # noqa: S105
                 "password change ends it) or is mistyped. Ask for a new one at POST "
                 "/api/v1/auth/token.")


def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    """The API's 401 says how to authenticate (RFC 6750), and whether the token sent was the
    problem, which a client cannot otherwise tell from having sent none."""
    sent = request.headers.get("authorization", "").lower().startswith("bearer ")
    response = error_response(request, exc.status_code, TOKEN_REFUSED if sent else exc.message,
                              exc.errors, exc.code)
    response.headers["WWW-Authenticate"] = 'Bearer realm="CVMS"' + (
        ', error="invalid_token"' if sent else "")
    return response


def _bad_recipient_link(request: Request, status: int) -> Response:
    """A recipient's address that names no page: said in their language, as a bad link is; an
    action a page of theirs does not take (a form posted to a page that only shows, 405) is
    said to be not available there, with the way back to their page, not as a bad link."""
    from api.routers.recipient_portal import LINK_PATH, bilingual_page, choose_language

    choose_language(request)
    context = {}
    if status == 405:
        link = LINK_PATH.match(request.url.path)
        context = {"not_available": True, "back": f"/r/{link[1]}/{link[2]}" if link else None}
    return bilingual_page(request, "recipient/problem.html", context, status_code=status)


def _public_help(request: Request) -> bool:
    """A help-centre address read without an account: a case's personal link, or any other
    when nobody is signed in (a provider's own case pages are in English, as they are)."""
    path = request.url.path
    if path.startswith("/help/c/"):
        return True
    signed_in = (getattr(request.state, "viewer", None) is not None
                 or SESSION_COOKIE in request.cookies)  # an unknown address read no session
    return (path == "/help" or path.startswith("/help/")) and not signed_in


def _public_help_problem(request: Request, status: int) -> Response:
    """No such page (or no such action) of the help centre: said in the visitor's language."""
    from api.routers.recipient_portal import bilingual_page, choose_language

    choose_language(request)
    return bilingual_page(request, "help/not_found.html", {"status": status},
                          status_code=status)


# Pages anyone reads in English or Spanish (the Recipient Portal, the public question)
BILINGUAL = ("/r/", "/help/ask", "/help/c/")


async def body_not_taken(request: Request, status: int, message: str,
                         errors: dict[str, str] | None = None,
                         code: str = "invalid") -> Response:
    """A body too large to take (413) or that could not be read (400): on the public pages, said
    in the visitor's language with what to do (on a recipient's link, their record's when no
    language was chosen with the switch, as their pages are); elsewhere as any error is."""
    if wants_json(request) or not request.url.path.startswith(BILINGUAL):
        return error_response(request, status, message, errors, code)
    from api.middleware import MAX_BODY_BYTES
    from api.routers.recipient_portal import bilingual_page, choose_language, linked_person

    choose_language(request, await linked_person(request))
    return bilingual_page(request, "recipient/not_sent.html",
                          {"status": status, "limit": MAX_BODY_BYTES // (1024 * 1024)},
                          status_code=status)


# The sign-in form of a staff page that kept a form sent signed out carries the form's fields
# under this prefix, and where it goes (api/routers/auth.py gives the form back, signed in).
AGAIN = "again."
AGAIN_ACTION = "again_action"


async def send_again(request: Request, exc: FormExpired, signed_out: bool = False,
                     not_done: str | None = None, login_errors: dict | None = None,
                     login_email: str = "", status: int | None = None) -> Response:
    """What was typed in a form whose token no longer fits, or sent after signing out, or that
    no process took (`not_done`, said: the case system did not answer), offered again at one
    press (signed out: once signed in again, in another tab); on a recipient's link, in their
    record's language when no language was chosen with the switch."""
    from api.routers.recipient_portal import bilingual_page, choose_language, linked_person

    public = request.url.path.startswith(BILINGUAL)
    status = status or (503 if not_done else 401 if signed_out else 403)
    context = {"fields": exc.fields, "had_files": exc.had_files, "public": public,
               "signed_out": signed_out, "not_done": not_done,
               "signed_in": getattr(request.state, "viewer", None) is not None,
               "timed_out": getattr(request.state, "session_idle", False),
               "idle_minutes": request.app.state.services.settings.session_idle_minutes,
               "again_prefix": AGAIN, "errors": login_errors or {},
               "values": {"email": login_email},
               "action": getattr(request.state, "again_action", None) or request.url.path + (
                   f"?{request.url.query}" if request.url.query else "")}
    if public:
        choose_language(request, await linked_person(request))
        return bilingual_page(request, "send_again.html",
                              {**context, "layout": "recipient/_layout.html"}, status)
    return render(request, "send_again.html", {**context, "layout": "base.html"}, status)


NOT_JSON = "The body is not valid JSON (at character {at}): correct it and send it again."
NO_BODY = "The request has no body: send the fields as a JSON object (Content-Type: application/json)."
NOT_AN_OBJECT = "Send the fields as a JSON object (Content-Type: application/json)."


def _body_problem(errors: list) -> tuple[int, str] | None:
    """What is wrong with the body as a whole (not JSON: 400; absent or not an object: 422),
    if that is the problem: there is no field to name, so the answer names the body."""
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            return 400, NOT_JSON.format(at=loc[1] if len(loc) > 1 else "?")
        if loc == ("body",):
            return 422, NO_BODY if error.get("type") == "missing" else NOT_AN_OBJECT
    return None


NOT_FOUND = "We could not find that page. Check the address or go back to the home page."
FORM_WANTED = ("This operation takes its fields as a multipart/form-data form (files as its "
               "parts), not as JSON: send them again so.")


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    if problem := _body_problem(list(exc.errors())):
        status, message = problem
        return error_response(request, status, message, {"body": message}, "invalid")
    if wants_json(request) and takes_form(request) and request.headers.get(
            "content-type", "").startswith("application/json") and all(
            tuple(e.get("loc", ()))[:1] == ("body",) for e in exc.errors()):
        return error_response(request, 422, FORM_WANTED, {"body": FORM_WANTED}, "invalid")
    if not wants_json(request) and all(tuple(e.get("loc", ()))[:1] == ("path",)
                                       for e in exc.errors()):
        # A page's address with a part that names nothing (/help/cases/abc): no such page. The
        # API answers 422 naming the part, as a client wants.
        return error_response(request, 404, NOT_FOUND, code="not_found")
    errors = error_messages(exc.errors())
    fields = ", ".join(errors) or "the request"
    return error_response(request, 422, f"Check these fields: {fields}.", errors, "invalid")


# A body the parsers could not read (the app raises no 400 of its own): said in plain words, as
# the body's problem, instead of the parser's ("Missing boundary in multipart.").
UNREADABLE_BODY = ("The body could not be read (JSON nested too deeply, or a form whose parts "
                   "are framed wrongly): correct it and send it again.")
UNREADABLE_FORM = ("What was sent could not be read: the form may have been cut off on the way. "
                   "Go back and send it again.")
TOO_MANY_PARTS = ("The form has more than 1,000 fields or files, the most one may have: send "
                  "fewer and send it again.")


PARAMETER = re.compile(r"\{[^}]*\}")


def _routes(app) -> list[tuple[re.Pattern, frozenset[str], str]]:
    """(regex, methods, shape) of every route, once per app; a shape is the route's path with
    its parameters unnamed, so "/a/{id}" and "/a/{case_id}" are one shape."""
    from fastapi.routing import iter_route_contexts

    if not hasattr(app.state, "route_shapes"):
        app.state.route_shapes = [
            (context.path_regex, frozenset(context.methods or ()),
             PARAMETER.sub("{}", context.path))
            for context in iter_route_contexts(app.routes) if context.methods]
    return app.state.route_shapes


def page_above(request: Request) -> str | None:
    """The nearest address above `request`'s that is a page of the same route family (the
    route's own path cut short, and a page there: "/cases/{id}/reply" -> "/cases/{id}", never
    "/care/doses" read as "/care/{location_id}"), where a form posted to this address is
    shown. None when this address takes no other method or no address above is a page."""
    routes, path = _routes(request.app), request.url.path.rstrip("/")
    shape = next((shape for regex, methods, shape in routes
                  if "GET" not in methods and regex.match(path)), None)
    if shape is None:
        return None
    parts, shape_parts = path.split("/"), shape.split("/")
    for depth in range(min(len(parts), len(shape_parts)) - 1, 0, -1):
        above, above_shape = "/".join(parts[:depth]) or "/", "/".join(shape_parts[:depth]) or "/"
        if any("GET" in methods and shape == above_shape and regex.match(above)
               for regex, methods, shape in routes):
            return above
    return None


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 400:
        if str(exc.detail).startswith("Too many"):  # Starlette's cap on a form's parts
            message = TOO_MANY_PARTS
        else:
            message = UNREADABLE_BODY if wants_json(request) else UNREADABLE_FORM
        return await body_not_taken(request, 400, message, {"body": message} if wants_json(request)
                              else None)
    if exc.status_code == 413:  # a body streamed past the limit (api/middleware.py)
        return await body_not_taken(request, 413, str(exc.detail), code="too_large")
    # A form's address opened again (a refused form is answered there; then a new tab, a
    # restored session, Enter in the address bar): the page the form is on, which checks who
    # may see it (a recipient's link says the way back in their language instead).
    if (exc.status_code == 405 and request.method in ("GET", "HEAD")
            and not wants_json(request) and not request.url.path.startswith("/r/")
            and (above := page_above(request))):
        return redirect(above)
    messages = {404: NOT_FOUND, 405: "That action is not available here."}
    message = messages.get(exc.status_code, str(exc.detail))
    return error_response(request, exc.status_code, message, code="http_error")


async def update_failed(request: Request, exc: WorkflowUpdateFailedError) -> Response:
    return await cvms_error(request, refusal(exc))


async def temporal_unavailable(request: Request, exc: RPCError) -> Response:
    return await cvms_error(request, unavailable(exc))


DATABASE_AWAY = ("The records database did not answer, so this was not done. Nothing you "
                 "entered was lost; try again in a minute.")


async def database_refused(request: Request, exc: DBAPIError) -> Response:
    """A value the forms should have caught, a race a unique constraint settled, or the
    database not answering (unreachable, or on SQLite still locked after its 30 s wait): then
    nothing was done, and the person is told to try again, not to check the form."""
    log.warning("database refused %s %s: %s", request.method, request.url.path, exc.orig)
    if isinstance(exc, OperationalError | InterfaceError):
        return error_response(request, 503, DATABASE_AWAY, code="unavailable")
    if isinstance(exc, IntegrityError):
        return error_response(request, 409, "This conflicts with a record that already exists "
                              "(perhaps a repeated click). Reload the page to see it.",
                              code="conflict")
    return error_response(request, 422, "One of the values is too long or not in the expected "
                          "format. Check the form and try again.", code="invalid")


async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
    """The browser left while its form was being read (a double click sends the form again and
    drops the first): nobody reads the answer, and it is not an error of ours (it was logged
    as one, with a whole traceback)."""
    log.info("%s %s: the client disconnected before its request was read", request.method,
             request.url.path)
    return Response(status_code=400)


async def unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "Something went wrong on our side. Nothing you entered "
                          "was lost; try again, and contact the help desk if it keeps "
                          "happening.", code="internal")


def install(app: FastAPI) -> None:
    app.add_exception_handler(CVMSError, cvms_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(WorkflowUpdateFailedError, update_failed)
    app.add_exception_handler(RPCError, temporal_unavailable)
    app.add_exception_handler(DBAPIError, database_refused)
    app.add_exception_handler(ClientDisconnect, client_gone)
    app.add_exception_handler(Exception, unexpected)
