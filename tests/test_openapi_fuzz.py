"""The served OpenAPI, fuzzed against the running system: no input gives a server error.

Schemathesis reads /api/openapi.json from the real app (real database, Temporal and SMTP) and
sends generated requests, valid and invalid, to every operation, as a state reviewer and as a
help-desk lead (bearer tokens; together they reach most routes). The run is bounded (at most a
few examples per operation and phase, deterministic generation, one worker: ~3,000 requests in
~30 s per role) so it fits in the normal suite, and it asserts the one property that must hold
for any input: never a 5xx. (One worker: concurrent workers hit a CPython 3.11 `ast.parse`
race inside hypothesis.)
"""

import asyncio
import re
import sys
from pathlib import Path

import pytest
from sqlmodel import delete

from models.enums import Role
from models.throttle import LoginThrottle
from tests.support.accounts import make_user
from tests.support.web import PASSWORD

ST = Path(sys.executable).parent / "st"
EXAMPLES_PER_OPERATION = 6
# Ending the fuzzer's own session would leave the rest of the run unauthenticated. /healthz
# takes no input, and its 503 is its answer when a part is slow or down (a Temporal health check
# past its 3 s under this suite's load once was): test_health and test_outages assert it.
EXCLUDED = ["/api/v1/auth/logout", "/healthz"]


async def bearer(system, role: Role, **fields) -> str:
    user = await make_user(system, role, **fields)
    async with system.http() as http:
        answer = await http.post("/api/v1/auth/token",
                                 json={"email": user.email, "password": PASSWORD})
    return answer.json()["access_token"]


async def fuzz(system, token: str, report: Path) -> tuple[int, str]:
    command = [str(ST), "run", f"{system.base_url}/api/openapi.json",
               "--checks", "not_a_server_error", "--max-examples", str(EXAMPLES_PER_OPERATION),
               "--generation-deterministic", "--no-shrink",
               "--phases", "examples,coverage,fuzzing", "--workers", "1",
               "--request-timeout", "30", "--no-color",
               "--header", f"Authorization: Bearer {token}",
               "--report", "junit", "--report-junit-path", str(report)]
    for path in EXCLUDED:
        command += ["--exclude-path", path]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        cwd=report.parent)  # its cache directory goes there, not into the work tree
    output, _ = await asyncio.wait_for(process.communicate(), timeout=300)
    return process.returncode, output.decode(errors="replace")


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.HELPDESK_LEAD])
async def test_fuzzing_the_served_openapi_finds_no_server_error(system, role, tmp_path):
    token = await bearer(system, role, team="general" if role == Role.HELPDESK_LEAD else None)
    try:
        code, output = await fuzz(system, token, tmp_path / "junit.xml")
    finally:  # generated wrong passwords must not throttle the tests that follow
        async with system.sessions() as session:
            await session.exec(delete(LoginThrottle))
            await session.commit()
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated[1]) >= 500, output[-3000:]  # it really exercised the API
    assert code == 0, output[-6000:]
