"""HTTP helpers that act like a person with a browser (cookies, CSRF tokens) or an API client."""

import asyncio
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from core.security import password_hasher
from tests.support.system import PASSWORD_HASHING, System

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "Correct-horse-42"  # noqa: S105
# The stored hash of PASSWORD for the people tests create directly, made once with the suite's
# parameters (tests/support/system.py): a real argon2id hash, so logging in verifies it as it
# would any other.
PASSWORD_HASH = password_hasher(PASSWORD_HASHING["password_hash_time_cost"],
                                PASSWORD_HASHING["password_hash_memory_kib"]).hash(PASSWORD)


NOT_DONE = "not done"


async def until_done(send: Callable[[], Awaitable[httpx.Response]],
                     tries: int = 5) -> httpx.Response:
    """The person tries again, as a 503 "not done, try again" asks, until it is done: on a
    loaded machine a process may not accept an action within the action timeout (a restarted
    worker still replaying, both suites' heaviest tests at once). Each refusal must say it did
    nothing (the API's detail, or the page); the callers' counts check that it did."""
    for _ in range(tries):
        response = await send()
        if response.status_code != 503:
            return response
        page = not response.headers.get("content-type", "").startswith("application/json")
        assert NOT_DONE in (response.text if page else response.json()["detail"]), response.text
        await asyncio.sleep(1)
    return response


def said(page: str, limit: int = 800) -> str:
    """A page's main content as words: what a failure's message shows of a page (its error
    summary and refusal, which come after the head's 600 characters)."""
    main = page.split("<main", 1)[-1].split(">", 1)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())[:limit]


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.org"


@dataclass
class Browserish:
    """Posts forms the way the portal's pages do: with the CSRF token from the page."""

    http: httpx.AsyncClient

    async def get(self, url: str) -> httpx.Response:
        return await self.http.get(url)

    async def submit(self, page_url: str, data: dict, action: str | None = None,
                     files: dict | None = None) -> httpx.Response:
        page = await self.http.get(page_url)
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {page_url} ({page.status_code})"
        return await self.http.post(action or page_url, data={**data, "csrf_token": match[1]},
                                    files=files)

    async def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        response = await self.submit("/login", {"email": email, "password": password})
        # a refused login (400, or 429 while throttled) would otherwise show up later as a
        # page that lacks what the test looks for: the login page it was sent back to
        assert response.status_code < 400, f"login as {email}: {response.status_code}"
        return response


def browser(system: System) -> Browserish:
    return Browserish(system.http(follow_redirects=True))


async def bearer(system: System, email: str, password: str = PASSWORD) -> str:
    """The Authorization header of an API client signed in as this person."""
    async with system.http() as anonymous:
        response = await anonymous.post("/api/v1/auth/token",
                                        json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return f"Bearer {response.json()['access_token']}"


async def api_client(system: System, email: str, password: str = PASSWORD) -> httpx.AsyncClient:
    """An API client holding a bearer token."""
    return system.http(headers={"Authorization": await bearer(system, email, password)})


async def raw_post(system: System, path: str, declared: int, kind: str, sent: bytes,
                   whole: bool = False, headers: dict[str, str] | None = None
                   ) -> tuple[str, float]:
    """Declare a huge body, send a sliver of it, and wait for the status line (whole: for the
    whole answer, which ends with the connection closed)."""
    host, port = system.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    started = time.perf_counter()
    more = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {kind}\r\n{more}"
                 f"Content-Length: {declared}\r\n\r\n".encode() + sent)
    await writer.drain()
    try:
        head = await asyncio.wait_for(reader.read(-1 if whole else 4096), timeout=5)
    finally:
        writer.close()
    return head.decode(errors="replace"), time.perf_counter() - started
