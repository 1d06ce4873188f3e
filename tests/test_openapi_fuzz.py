"""The served OpenAPI, fuzzed against the running system: no input gives a server error.

Schemathesis reads /api/openapi.json from the real app (real database, Temporal and SMTP) and
sends generated requests, valid and invalid, to every operation, each as someone who may call
it (api/access.py): a state reviewer, a help-desk lead, an organization's administrator (on
their own draft organization and its location), a Location Manager (on their own approved
location) or an organization's point of contact, through a schemathesis.toml written for the
run (a bearer token and those path parameters per operation); the public operations as an
anonymous visitor. So each operation's input reaches its handler, not only the role check (a
role the declaration does not name is refused before its input is read, which
tests/test_access_matrix.py proves). The run is bounded (at most a few examples per operation
and phase, deterministic generation, one worker: ~5,300 requests in ~60 s) so it fits in the
normal suite, and it asserts the one property that must hold for any input: never a 5xx.
(One worker: concurrent workers hit a CPython 3.11 `ast.parse` race inside hypothesis.)
It runs once, on Postgres when that pass runs (tests/conftest.py): the stricter backend.
"""

import asyncio
import json
import re
import sys
from pathlib import Path

import pytest
from sqlmodel import col, delete, select, update

from api.access import ROUTES, key
from models.enums import Role
from models.helpdesk import Article
from models.throttle import LoginThrottle
from tests.support.accounts import make_user
from tests.support.care import vaccinating_site
from tests.support.enrollment import start_enrollment
from tests.support.web import bearer

pytestmark = pytest.mark.production_database

ST = Path(sys.executable).parent / "st"
EXAMPLES_PER_OPERATION = 6
# Ending the fuzzer's own session would leave the rest of the run unauthenticated. /healthz
# takes no input, and its 503 is its answer when a part is slow or down (a Temporal health check
# past its 3 s under this suite's load once was): test_health and test_outages assert it.
EXCLUDED = {"POST /api/v1/auth/logout", "GET /healthz"}
# Who fuzzes an operation: the first of these its declaration names (public ones: nobody).
FUZZERS = (Role.REVIEWER, Role.HELPDESK_LEAD, Role.ORG_ADMIN, Role.LOCATION_MANAGER,
           Role.ORG_CONTACT)
METHODS = {"get", "post", "put", "patch", "delete"}
# Only against a hang: a request that hangs fails on its own after --request-timeout. The run
# takes ~60 s alone on a quick machine, ~200 s inside the whole suite on a slow one, and past
# 300 s on a slower CI machine while three other test processes shared its two cores.
BACKSTOP = 1200


async def fuzzers(system) -> dict[Role, tuple[str, dict[str, int]]]:
    """Each fuzzing role's Authorization header, and the path parameters that name their own
    records: an administrator's draft organization with its location (Section A filled, not
    submitted) and a Location Manager's approved location, made as the other tests make them.
    Input to those reaches the handlers' writes."""
    draft = await start_enrollment(system, ["Fuzz Draft"], submit=False)
    site = await vaccinating_site(system)
    # the people it registers there hold whatever it sent (today's date, a user's name, another
    # record's phone): the privacy scan of histories (tests/support/replay.py) leaves them out
    system.generated_locations |= {site.location_id, *draft.locations.values()}
    people = {role: await make_user(system, role, team="general"
                                     if role == Role.HELPDESK_LEAD else None)
              for role in (Role.REVIEWER, Role.HELPDESK_LEAD, Role.ORG_CONTACT)}
    return {
        **{role: (await bearer(system, person.email), {}) for role, person in people.items()},
        Role.ORG_ADMIN: (draft.admin.headers["Authorization"],
                         {"path.org_id": draft.org_id,
                          "path.location_id": next(iter(draft.locations.values()))}),
        Role.LOCATION_MANAGER: (site.manager.headers["Authorization"],
                                {"path.location_id": site.location_id}),
    }


def fuzzer_of(operation: str) -> Role | None:
    access = ROUTES[operation]
    if access.roles is None:
        return None
    fuzzer = next((role for role in FUZZERS if role in access.roles | access.wide), None)
    assert fuzzer, f"{operation}: none of {[r.value for r in FUZZERS]} may call it; add its role"
    return fuzzer


async def config_file(system, folder: Path) -> tuple[Path, dict[Role | None, list[str]]]:
    """schemathesis.toml: each served operation with the token of the role that fuzzes it."""
    async with system.http() as http:
        paths = (await http.get("/api/openapi.json")).json()["paths"]
    served = sorted(key(method.upper(), path) for path, item in paths.items()
                    for method in item if method in METHODS)
    assigned: dict[Role | None, list[str]] = {}
    for operation in served:
        if operation not in EXCLUDED:
            assigned.setdefault(fuzzer_of(operation), []).append(operation)
    people = await fuzzers(system)
    blocks = []
    for role, operations in assigned.items():
        if role is None:
            continue  # the public operations: no token
        authorization, parameters = people[role]
        blocks.append(f"[[operations]]\ninclude-name = {json.dumps(operations)}\n"
                      f'headers = {{ Authorization = "{authorization}" }}'
                      + "".join(f'\nparameters."{name}" = {value}'
                                for name, value in parameters.items()))
    path = folder / "schemathesis.toml"
    path.write_text("\n\n".join(blocks) + "\n")
    return path, assigned


async def fuzz(system, config: Path, report: Path) -> tuple[int, str]:
    command = [str(ST), "--config-file", str(config), "run",
               f"{system.base_url}/api/openapi.json",
               "--checks", "not_a_server_error", "--max-examples", str(EXAMPLES_PER_OPERATION),
               "--generation-deterministic", "--no-shrink",
               "--phases", "examples,coverage,fuzzing", "--workers", "1",
               "--request-timeout", "30", "--no-color",
               "--report", "junit", "--report-junit-path", str(report)]
    for name in EXCLUDED:
        command += ["--exclude-name", name]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        cwd=report.parent)  # its cache directory goes there, not into the work tree
    lines: list[bytes] = []

    async def read() -> None:
        async for line in process.stdout:
            lines.append(line)
        await process.wait()

    try:
        await asyncio.wait_for(read(), timeout=BACKSTOP)
    except TimeoutError:
        process.kill()
        await process.wait()
        tail = b"".join(lines).decode(errors="replace")[-6000:]
        raise AssertionError(f"the fuzzer had not ended after {BACKSTOP} s; it printed:\n{tail}") from None
    return process.returncode, b"".join(lines).decode(errors="replace")


async def knowledge_base(system) -> list[dict]:
    async with system.sessions() as session:
        return [article.model_dump() for article in (await session.exec(select(Article))).all()]


async def clean_up(system, articles: list[dict]) -> None:
    """What the fuzzer leaves that the tests sharing this database would meet: generated wrong
    passwords' throttles, and a knowledge base changed (the fuzzing help-desk lead edits the
    shipped articles and adds its own, titles alike, which the knowledge-base tests read)."""
    async with system.sessions() as session:
        await session.exec(delete(LoginThrottle))
        await session.exec(delete(Article).where(
            col(Article.id).not_in([article["id"] for article in articles])))
        for article in articles:
            await session.exec(update(Article).where(Article.id == article["id"]).values(
                **{name: value for name, value in article.items() if name != "id"}))
        await session.commit()


async def test_fuzzing_the_served_openapi_finds_no_server_error(system, tmp_path):
    config, assigned = await config_file(system, tmp_path)
    assert set(assigned) == {None, *FUZZERS}, assigned.keys()
    articles = await knowledge_base(system)
    try:
        code, output = await fuzz(system, config, tmp_path / "junit.xml")
    finally:
        await clean_up(system, articles)
    operations = sum(len(names) for names in assigned.values())
    tested = re.search(r"Tested: (\d+)", output)
    assert tested and int(tested[1]) == operations, output[-3000:]  # every one, none skipped
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated[1]) >= 30 * operations, output[-3000:]
    assert code == 0, output[-6000:]
