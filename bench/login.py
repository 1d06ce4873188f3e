"""Benchmark: logins per second per core, with the argon2id parameters in core/security.py.

    .venv/bin/python -m bench.login [--logins 300] [--concurrency 4] [--postgres URL]

The API runs in its own process (no worker or Temporal: a login needs neither); this one
posts `/api/v1/auth/token` for a set of accounts. Figures: logins per second of wall time,
the API's CPU per login, logins per CPU-second of the API (= per core), and the time of one
password verification alone.
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.enrollment import run_batch
from bench.processes import report, running
from core.security import hash_password, verify_password
from models.accounts import User
from models.enums import Role
from tests.support.databases import postgres_database, sqlite_database
from tests.support.web import PASSWORD

ACCOUNTS = 20


async def seed(system) -> list[str]:
    digest = hash_password(PASSWORD)
    emails = [f"login-{n}@bench.example" for n in range(ACCOUNTS)]
    async with system.sessions() as session:
        session.add_all(User(email=email, first_name="Lou", last_name="Gin", role=Role.REVIEWER,
                             password_hash=digest) for email in emails)
        await session.commit()
    return emails


def verify_ms(rounds: int = 30) -> float:
    digest = hash_password(PASSWORD)
    start = time.process_time()
    for _ in range(rounds):
        assert verify_password(digest, PASSWORD)
    return (time.process_time() - start) * 1000 / rounds


async def logins(system, emails: list[str], count: int, concurrency: int) -> float:
    async with system.http() as http:
        async def one(n: int) -> None:
            response = await http.post("/api/v1/auth/token", json={
                "email": emails[n % len(emails)], "password": PASSWORD})
            assert response.status_code == 200, response.text

        return await run_batch(count, concurrency, one)


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url, running(url, worker=False, temporal=False) as system:
        emails = await seed(system)
        await logins(system, emails, 20, args.concurrency)  # warm-up
        api = system.process("api")
        before = sum(api.cpu_times()[:2])
        seconds = await logins(system, emails, args.logins, args.concurrency)
        api_cpu = sum(api.cpu_times()[:2]) - before
    return {
        "database": "postgres" if args.postgres else "sqlite", "logins": args.logins,
        "concurrency": args.concurrency,
        "logins_per_second": round(args.logins / seconds, 1),
        "api_cpu_ms_per_login": round(api_cpu * 1000 / args.logins, 1),
        "logins_per_second_per_core": round(args.logins / api_cpu, 1),
        "argon2_verify_ms": round(verify_ms(), 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    report(f"login-{figures['database']}", figures)
