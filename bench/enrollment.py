"""Benchmark: full enrollments per second through the API, against the bare Temporal shape.

    .venv/bin/python -m bench.enrollment [--enrollments 20] [--concurrency 5] [--postgres URL]

One run, one machine: (1) N full enrollments driven through the HTTP API (administrator
registers, Section A with two locations, both Section Bs, both officers sign from their
emailed links, a reviewer approves both) on a local Temporal dev server; (2) as many bare
workflows with the same counts of activities and updates, measured on the same server; (3)
p50/p99 of the review queue listing with 1,000 locations pending. Figures go to stdout and to
bench/results/latest.json.
"""

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import insert
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.bare import BareSpec, BareWorkflow, noop
from core.temporal import DATA_CONVERTER
from models.enrollment import Location, Organization
from models.enrollment_enums import LocationStatus, OrganizationStatus
from tests.support.databases import postgres_database, sqlite_database
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.support.smtp import SmtpCapture
from tests.support.system import start_system

RESULTS = Path(__file__).parent / "results"


async def one_enrollment(system, staff) -> None:
    enrollment = await start_enrollment(system, ["Bench North", "Bench South"])
    for email, location_id in enrollment.locations.items():
        await complete_location(system, email, location_id)
    ids = list(enrollment.locations.values())
    await sign_until(system, enrollment, ids, timeout=180)
    for location_id in ids:
        assert (await decide(staff, location_id, "approve")).status_code == 200
        await wait_for_status(system, location_id, "approved")
    await enrollment.admin.aclose()


async def run_batch(count: int, concurrency: int, job) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def limited(n: int) -> None:
        async with gate:
            await job(n)

    start = time.perf_counter()
    await asyncio.gather(*(limited(n) for n in range(count)))
    return time.perf_counter() - start


async def shape_of_run(client) -> Counter:
    """How many workflows, activities, updates and signals the enrollments made."""
    shape: Counter = Counter()
    async for execution in client.list_workflows():
        history = await client.get_workflow_handle(execution.id).fetch_history()
        shape["workflows"] += 1
        for event in history.events:
            if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                shape["activities"] += 1
            elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                shape["updates"] += 1
            elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
                shape["signals"] += 1
    return shape


async def bare_run(env: WorkflowEnvironment, shape: Counter, enrollments: int,
                   concurrency: int) -> float:
    """The same number of workflows, activities and updates, with nothing of ours around them."""
    per = max(1, shape["workflows"] // enrollments)
    spec = BareSpec(activities=shape["activities"] // shape["workflows"],
                    updates=max(1, (shape["updates"] + shape["signals"]) // shape["workflows"]))
    queue = f"bare-{uuid.uuid4().hex[:6]}"

    async def job(n: int) -> None:
        for w in range(per):
            handle = await env.client.start_workflow(BareWorkflow.run, spec, id=f"{queue}-{n}-{w}",
                                                     task_queue=queue)
            for _ in range(spec.updates):
                await handle.execute_update(BareWorkflow.bump)
            await handle.result()

    async with Worker(env.client, task_queue=queue, workflows=[BareWorkflow],
                      activities=[noop]):
        return await run_batch(enrollments, concurrency, job)


async def seed_pending(system, count: int) -> None:
    async with system.sessions() as session:
        org = Organization(legal_name="Queue Load Org", admin_user_id=1,
                           status=OrganizationStatus.SUBMITTED)
        session.add(org)
        await session.flush()
        rows = [{"organization_id": org.id, "name": f"Queued {n}", "street": "1 St",
                 "city": "Raleigh", "state": "NC", "zip_code": "27601",
                 "coordinator_first_name": "Q", "coordinator_last_name": "C",
                 "coordinator_email": f"q{n}@example.org",
                 "status": LocationStatus.PENDING_REVIEW.value} for n in range(count)]
        connection = await session.connection()
        await connection.execute(insert(Location), rows)  # the bulk form: one statement
        await session.commit()


async def queue_latency(system, staff, requests: int) -> dict:
    timings = []
    for n in range(requests):
        start = time.perf_counter()
        response = await staff.get(f"/api/v1/review/queue?limit=50&offset={(n % 20) * 50}")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and response.json()["total"] >= 1000
    timings.sort()
    return {"p50_ms": round(statistics.median(timings), 1),
            "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 1), "requests": requests}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(args: argparse.Namespace) -> dict:
    smtp = SmtpCapture().start()
    tmp = Path(tempfile.mkdtemp(prefix="cvms-bench-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
            data_converter=DATA_CONVERTER, dev_server_log_level="error")
        system = await start_system(env, url, smtp, "bench", tmp)
        try:
            staff = await reviewer(system)
            await one_enrollment(system, staff)  # warm-up, not measured
            seconds = await run_batch(args.enrollments, args.concurrency,
                                      lambda n: one_enrollment(system, staff))
            shape = await shape_of_run(env.client)
            bare = await bare_run(env, shape, args.enrollments + 1, args.concurrency)
            await seed_pending(system, 1000)
            latency = await queue_latency(system, staff, args.requests)
        finally:
            await system.stop()
            await env.shutdown()
            smtp.stop()
    measured = args.enrollments
    return {
        "database": "postgres" if args.postgres else "sqlite",
        "enrollments": measured, "concurrency": args.concurrency,
        "enrollments_per_second": round(measured / seconds, 3),
        "seconds_per_enrollment": round(seconds / measured, 2),
        "shape_per_enrollment": {k: round(v / (measured + 1), 1) for k, v in shape.items()},
        "bare_per_second": round((measured + 1) / bare, 3),
        "ratio_bare_to_cvms": round(((measured + 1) / bare) / (measured / seconds), 2),
        "review_queue_1000_pending": latency, "max_rss_mib": round(rss_mib(), 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
