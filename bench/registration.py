"""Benchmark: how long a coordinator waits to register from the invitation email.

    .venv/bin/python -m bench.registration [--organizations 4] [--locations 5] [--postgres URL]

The whole system runs as in production (bench/processes.py). Each organization submits
Section A with `--locations` locations; each coordinator then follows their invitation link
and registers, one at a time, as people would. The registration is an update of the location's
process whose step reads the new account, which the API commits right after the process has
accepted the update: a step that failed for not seeing it yet would be retried a second later,
and the person would wait for it. Figures: p50/p90/max of the registration request and how
many took longer than 900 ms.
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.processes import percentiles, report, running
from tests.support.databases import postgres_database, sqlite_database
from tests.support.enrollment import start_enrollment
from tests.support.web import PASSWORD

SLOW_MS = 900


async def register(system, email: str) -> float:
    mail = await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    token = mail.link("/invite/").rsplit("/", 1)[1]
    async with system.http() as http:
        start = time.perf_counter()
        registered = await http.post(f"/api/v1/invitations/{token}/register",
                                     json={"password": PASSWORD, "password_confirm": PASSWORD})
        took = (time.perf_counter() - start) * 1000
    assert registered.status_code == 201, registered.text
    return took


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    timings = []
    with database as url, running(url) as system:
        for n in range(args.organizations):
            enrollment = await start_enrollment(
                system, [f"Bench Site {n}-{m}" for m in range(args.locations)])
            for email in enrollment.locations:
                timings.append(await register(system, email))
            await enrollment.admin.aclose()
    p90 = sorted(timings)[int(len(timings) * 0.9)]
    return {"database": "postgres" if args.postgres else "sqlite",
            "registrations": len(timings), **percentiles(timings),
            "p90_ms": round(p90, 1), "max_ms": round(max(timings), 1),
            f"over_{SLOW_MS}_ms": sum(t > SLOW_MS for t in timings)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=4)
    parser.add_argument("--locations", type=int, default=5)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    report(f"registration-{figures['database']}", figures)
