"""Benchmark: the administrator's `/organization` page with 20 locations.

    .venv/bin/python -m bench.organization [--locations 20] [--requests 300] [--postgres URL]

The API runs in its own process; the page reads each location's status and next reminder
from the projection the workflows write, so no worker or Temporal runs here (a page that
still asked a workflow would wait on it and show in the figures). Figures: p50/p99 of the
page, one request at a time.
"""

import argparse
import asyncio
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.processes import percentiles, report, running
from core.security import hash_password
from models.accounts import User
from models.base import utcnow
from models.enrollment import Location, Organization, SectionB
from models.enrollment_enums import LocationStatus, OrganizationStatus
from models.enums import Role
from tests.support.databases import postgres_database, sqlite_database
from tests.support.web import PASSWORD, api_client

STATUSES = [LocationStatus.NEW, LocationStatus.IN_PROGRESS, LocationStatus.AWAITING_SIGNATURES,
            LocationStatus.PENDING_REVIEW, LocationStatus.APPROVED]


async def seed(system, count: int) -> str:
    email = "org-admin@bench.example"
    now = utcnow()
    async with system.sessions() as session:
        admin = User(email=email, first_name="Ada", last_name="Admin", role=Role.ORG_ADMIN,
                     password_hash=hash_password(PASSWORD))
        session.add(admin)
        await session.flush()
        org = Organization(legal_name="Bench Health", org_type="clinic", street="1 Main St",
                           city="Raleigh", state="NC", zip_code="27601", phone="9195550000",
                           email="office@bench.example", redistribution_participant=False,
                           admin_user_id=admin.id, status=OrganizationStatus.SUBMITTED,
                           submitted_at=now)
        session.add(org)
        await session.flush()
        for n in range(count):
            status = STATUSES[n % len(STATUSES)]
            waiting = status in (LocationStatus.NEW, LocationStatus.IN_PROGRESS)
            location = Location(
                organization_id=org.id, name=f"Site {n}", street="1 Main St", city="Raleigh",
                state="NC", zip_code="27601", coordinator_first_name="Cody",
                coordinator_last_name=f"Coordinator {n}",
                coordinator_email=f"coord-{n}@bench.example", status=status,
                waiting_on="Vaccine coordinator: complete Section B" if waiting else None,
                next_reminder_at=now + timedelta(days=7) if waiting else None,
                reminders_sent=n % 3 if waiting else 0, reminder_seq=1)
            session.add(location)
            await session.flush()
            if status != LocationStatus.NEW:
                session.add(SectionB(location_id=location.id, revision=3,
                                     updated_at=now - timedelta(days=n % 9)))
        await session.commit()
    return email


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url, running(url, worker=False, temporal=False) as system:
        admin = await api_client(system, await seed(system, args.locations))
        timings = []
        for n in range(args.requests + 20):
            start = time.perf_counter()
            page = await admin.get("/organization")
            if n >= 20:  # the first 20 warm up
                timings.append((time.perf_counter() - start) * 1000)
            assert page.status_code == 200 and page.text.count("Next reminder") >= 1
        await admin.aclose()
    return {"database": "postgres" if args.postgres else "sqlite",
            "locations": args.locations, "requests": args.requests,
            **percentiles(timings)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    report(f"organization-{figures['database']}", figures)
