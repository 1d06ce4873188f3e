"""Bounded requests and security headers (issue 16 item 10, issue 17's pure-ASGI middleware).

A body over the largest legitimate upload is refused 413 before it is read: at once when its
Content-Length says so, or as soon as the streamed bytes pass the limit. Every response carries
a Content-Security-Policy without inline script, and HSTS when the portal is served on https.
"""

import inspect
import re
import time

import httpx
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.middleware.base import BaseHTTPMiddleware

from api.app import create_app
from api.middleware import MAX_BODY_BYTES
from api.sessions import SESSION_COOKIE
from core.security import use_password_hashing
from core.settings import Settings
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.system import TEST_SECRET, use_test_password_hashing
from tests.support.web import browser, raw_post

MB = 1024 * 1024


async def test_a_300_mb_declared_upload_is_refused_before_it_is_read(system):
    head, took = await raw_post(system, "/api/v1/helpdesk/questions", 300 * MB,
                                "application/json", b'{"name": "')
    assert head.startswith("HTTP/1.1 413"), head
    assert "larger than" in head and took < 2


async def test_an_anonymous_200_mb_form_is_refused_before_the_csrf_check(system):
    head, _took = await raw_post(system, "/login", 200 * MB,
                                 "application/x-www-form-urlencoded", b"email=a%40b.c&password=",
                                 whole=True)
    assert head.startswith("HTTP/1.1 413"), head
    assert "text/html" in head and "Too large to send" in head


async def test_a_refused_oversized_form_is_a_portal_page_with_the_security_headers(system):
    """Found by the outside check: a 60 MB file sent with a help-desk case's form met a bare page
    (no stylesheet, no viewport: tiny on a phone, no way back), and the refusal, answered before
    the security middleware, carried none of the security headers. (The public pages' own, in
    the visitor's language: test_help_in_spanish.py.)"""
    answer, _took = await raw_post(system, "/help/cases/new", 60 * MB,
                                   "multipart/form-data; boundary=b", b"--b\r\n", whole=True)
    head, _, page = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413"), head
    headers = head.lower()
    assert "content-security-policy: default-src 'self'" in headers, head
    assert "x-content-type-options: nosniff" in headers and "x-frame-options: deny" in headers
    assert "connection: close" in headers, "the rest of the body is not waited for"
    assert '<meta name="viewport"' in page and "uswds.min.css" in page, page[:500]
    assert "<h1>Too large to send</h1>" in page.replace("\n", "") or re.search(
        r"<h1[^>]*>\s*Too large to send\s*</h1>", page), page
    assert "larger than 51 MB" in page and 'href="/"' in page
    api, _took = await raw_post(system, "/api/v1/helpdesk/questions", 60 * MB,
                                "application/json", b"{", whole=True)
    api_head, _, body = api.partition("\r\n\r\n")
    assert api_head.startswith("HTTP/1.1 413") and "nosniff" in api_head, api_head
    assert '"code":"too_large"' in body.replace(" ", ""), body


async def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(system):
    boundary = "cvms-test-boundary"

    async def upload():  # chunked, no Content-Length: only counting the bytes can stop it
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               'filename="big.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
        block = b"x" * MB
        for _ in range(MAX_BODY_BYTES // MB + 8):
            yield block
        yield f"\r\n--{boundary}--\r\n".encode()

    async with system.http() as http:
        answer = await http.post("/login", content=upload(), headers={
            "content-type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status_code == 413, (answer.status_code, answer.text[-3000:-1500])
    assert "larger than" in answer.text


async def test_every_response_carries_the_security_headers(system):
    async with system.http() as http:
        page = await http.get("/login")
        error = await http.get("/no-such-page")
        api = await http.get("/api/v1/me")
    for response in (page, error, api):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in response.headers  # plain http here
    assert "cvms_csrf=" in page.headers["set-cookie"], "anonymous visitors get their CSRF seed"
    async with system.http(cookies={"cvms_csrf": "seed-already-held"}) as http:
        again = await http.get("/login")
    assert "cvms_csrf=" not in again.headers.get("set-cookie", "")


async def test_every_response_says_how_long_the_app_took(system):
    """Server-Timing: the app's own time, which a slow answer can be told apart by."""
    use_password_hashing()  # production's: the refusal's argon2id takes a time to measure
    try:
        async with system.http() as http:
            quick = await http.get("/login")
            missing = await http.get("/no-such-page")
            started = time.perf_counter()
            refused = await http.post("/api/v1/auth/token", json={
                "email": "nobody@example.org", "password": "not-the-password"})
            waited = (time.perf_counter() - started) * 1000
    finally:
        use_test_password_hashing()
    assert refused.status_code == 422
    for response in (quick, missing, refused):
        assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["server-timing"])
    took = float(refused.headers["server-timing"].removeprefix("app;dur="))
    # An unknown account still costs an argon2id verification (~20 ms) inside the app.
    assert 5 <= took <= waited, (took, waited)


async def test_https_portals_send_hsts(system, tmp_path):
    settings = Settings(_env_file=None, environment="test", secret_key=TEST_SECRET,
                        public_base_url="https://cvms.example.gov", data_dir=tmp_path)
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://cvms.example.gov") as http:
        answer = await http.get("/static/cvms.css")
        page = await http.get("/api/v1/no-such-thing")  # a static file sets no cookie now
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "secure" in page.headers["set-cookie"].lower()


def test_the_middleware_is_pure_asgi():
    app = create_app(Settings(_env_file=None))
    assert app.user_middleware, "the security middleware is installed"
    assert all(m.cls is not BaseHTTPMiddleware for m in app.user_middleware)


def _sync_dependencies(dependant) -> set[str]:
    found = set()
    for sub in dependant.dependencies:
        call = sub.call
        if call is not None and not (inspect.iscoroutinefunction(call)
                                     or inspect.isasyncgenfunction(call)):
            found.add(f"{call.__module__}.{call.__qualname__}")
        found |= _sync_dependencies(sub)
    return found


def test_no_route_runs_a_dependency_in_a_thread():
    """FastAPI runs a plain `def` dependency or endpoint in its thread pool: a thread hop on
    every request for reading the app's state (~1 ms of the API's CPU a request, measured)."""
    app = create_app(Settings(_env_file=None))
    found, routes = set(), 0
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, APIRoute):
            routes += 1
            found |= _sync_dependencies(route.dependant)
            if not inspect.iscoroutinefunction(route.endpoint):
                found.add(f"{route.path} (endpoint)")
    assert routes > 200 and not found, sorted(found)


async def test_a_signed_in_persons_too_large_page_keeps_their_menu(system):
    """Left alone by an earlier session: the refusal is answered before any route reads the
    session, so a signed-in provider sending a 60 MB file met the signed-out menu ("Log in",
    "Register an organization") and could think they had been signed out. The page now reads the
    session cookie as every page does."""
    person = browser(system)
    await person.login((await make_user(system, Role.ORG_ADMIN)).email)
    cookie = person.http.cookies.get(SESSION_COOKIE)
    answer, _took = await raw_post(system, "/help/cases/new", 60 * MB,
                                   "multipart/form-data; boundary=b", b"--b\r\n", whole=True,
                                   headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
    head, _, page = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413"), head
    assert "Log out" in page and 'href="/login"' not in page, page[page.find("<nav"):][:1500]
    # a stale cookie is a signed-out visitor, as anywhere
    answer, _took = await raw_post(system, "/help/cases/new", 60 * MB,
                                   "multipart/form-data; boundary=b", b"--b\r\n", whole=True,
                                   headers={"Cookie": f"{SESSION_COOKIE}=not-a-session"})
    assert "HTTP/1.1 413" in answer and 'href="/login"' in answer and "Log out" not in answer
