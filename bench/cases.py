"""Benchmark: worker memory per cached case, and workflow-task timeouts in a burst of new cases.

    .venv/bin/python -m bench.cases [--cases 300] [--postgres URL] [--confirmed]
                                    [--set WORKER_...=value]

A case is what a new organization starts: its administrator's account confirmation, its
enrollment and its location's enrollment (three workflows, all left waiting on their
timers, so all stay in the worker's cache). The Temporal dev server and the worker run in
their own processes; this one seeds the records and starts every case at once through the
process gateway, as the API would. Figures: the worker's resident memory per cached case
(after a warm-up burst, so the process's own growth is not counted), how long the burst took
to settle, and the workflow tasks that timed out or failed (from the histories). Then the bare
shape's floor: as many bare workflows per case, with as many activities each (bench/bare.py),
left waiting in a worker process configured as ours (bench/bare_worker.py), and its resident
memory per cached case measured the same way: what the Temporal SDK itself keeps per case.

With --confirmed each administrator confirms the address before Section A, as the portal
requires (it refuses a login before): the account's process has then ended, and a case waits in
two workflows, as it does in real use (the bare shape then has two per case as well).
"""

import argparse
import asyncio
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from api.processes import Gateway
from api.processes import accounts as account_processes
from api.processes import enrollment as enrollment_processes
from bench.bare import BareSpec, BareWorkflow, started_and_waiting
from bench.enrollment import shape_of_run
from bench.processes import cpu_delta, report, running
from core.errors import CVMSError
from core.temporal import connect
from models.accounts import AccessLink, User
from models.enrollment import Location, Organization, ResponsibleOfficer
from models.enrollment_enums import OfficerRole
from models.enums import AccountStatus, Role
from models.links import VERIFY_PURPOSE
from tests.support.databases import postgres_database, sqlite_database

WARM_UP = 30
MAILS_PER_CASE = 3  # confirm your email, Section A submitted, the coordinator's invitation


async def seed(system, count: int, tag: str) -> list[tuple[int, int]]:
    """`count` administrators (waiting to confirm) with a complete Section A each."""
    cases = []
    async with system.sessions() as session:
        for n in range(count):
            user = User(email=f"admin-{tag}-{n}@bench.example", first_name="Ada",
                        last_name="Admin", role=Role.ORG_ADMIN,
                        status=AccountStatus.PENDING_VERIFICATION)
            session.add(user)
            await session.flush()
            org = Organization(legal_name=f"Bench Org {tag} {n}", org_type="clinic",
                               street="1 Main St", city="Raleigh", state="NC",
                               zip_code="27601", phone="9195550000",
                               email=f"org-{tag}-{n}@bench.example",
                               redistribution_participant=False, admin_user_id=user.id)
            session.add(org)
            await session.flush()
            session.add(Location(organization_id=org.id, name=f"Bench Site {n}",
                                 street="1 Main St", city="Raleigh", state="NC",
                                 zip_code="27601", coordinator_first_name="Cody",
                                 coordinator_last_name="Coordinator",
                                 coordinator_email=f"coord-{tag}-{n}@bench.example"))
            for role in OfficerRole:
                session.add(ResponsibleOfficer(organization_id=org.id, role=role,
                                               name=f"{role.value} Person", title="Officer",
                                               email=f"{role.value}-{tag}-{n}@bench.example"))
            cases.append((user.id, org.id))
        await session.commit()
    return cases


async def emailed_link(system, user_id: int) -> int:
    """The confirmation link the account's process stored (with its email)."""
    for _ in range(600):
        async with system.sessions() as session:
            link = (await session.exec(select(AccessLink.id).where(
                AccessLink.purpose == VERIFY_PURPOSE, AccessLink.subject_id == user_id))).first()
        if link is not None:
            return link
        await asyncio.sleep(1.0)
    raise TimeoutError(f"no confirmation link for user {user_id}")


async def start_case(system, gateway: Gateway, user_id: int, org_id: int,
                     retries: list[str], confirmed: bool = False) -> None:
    """As the API would; an action not accepted in time (503) is tried again a second
    later, as a person would (the process refuses the late one: it never half-happens).
    `confirmed`: the administrator confirms the address before Section A, as the portal
    requires (no login before it), so the account's process has ended when the case waits."""

    async def verification() -> None:
        async with system.sessions() as session:
            await account_processes.start_verification(gateway, session, user_id,
                                                       verify_within=timedelta(days=7))

    async def confirmation() -> None:
        await account_processes.confirm_email(gateway, user_id,
                                              await emailed_link(system, user_id))

    async def section_a() -> None:
        await enrollment_processes.submit_section_a(gateway, org_id, user_id)

    actions = (verification, confirmation, section_a) if confirmed else (verification, section_a)
    for action in actions:
        for attempt in range(30):
            try:
                await action()
                break
            except CVMSError as error:
                if error.status_code != 503 or attempt == 29:
                    raise
                retries.append(error.message)
                await asyncio.sleep(1)


async def burst(system, gateway: Gateway, count: int, tag: str,
                retries: list[str], confirmed: bool = False) -> float:
    """Start `count` cases at once; seconds until every one sent its three emails."""
    cases = await seed(system, count, tag)
    expected = len(system.smtp.all()) + MAILS_PER_CASE * count
    start = time.perf_counter()
    await asyncio.gather(*(start_case(system, gateway, u, o, retries, confirmed)
                           for u, o in cases))
    while len(system.smtp.all()) < expected:
        if time.perf_counter() - start > 600:
            raise TimeoutError(f"{len(system.smtp.all())} of {expected} emails after 600 s")
        await asyncio.sleep(0.2)
    return time.perf_counter() - start


SETTLE = 6.0  # seconds: in-flight tasks finish, and the worker hands back freed memory (5 s)


async def settled_rss(system, seconds: float = SETTLE) -> float:
    await asyncio.sleep(seconds)  # let in-flight tasks finish and the worker go idle
    return system.rss_mib("worker")


async def waiting_workflows(client) -> int:
    return len([e async for e in client.list_workflows("ExecutionStatus = 'Running'")
                if e.workflow_type != BareWorkflow.__name__])


async def bare_floor(system, client, shape, cases: int, waiting: int) -> float:
    """Resident memory per cached case of the bare shape (as many waiting workflows per case
    as ours left waiting), after the same warm-up."""
    per_case = max(1, round(waiting / (WARM_UP + cases)))
    spec = BareSpec(activities=shape["activities"] // shape["workflows"],
                    local_activities=shape["local_activities"] // shape["workflows"],
                    updates=1)  # never sent: each workflow stays waiting, as ours do
    await started_and_waiting(client, system.bare_queue, spec, per_case * WARM_UP, "warm")
    await asyncio.sleep(SETTLE)
    before = system.rss_mib("bare worker")
    await started_and_waiting(client, system.bare_queue, spec, per_case * cases, "burst")
    await asyncio.sleep(SETTLE)
    return (system.rss_mib("bare worker") - before) * 1024 / cases


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    overrides = dict(pair.split("=", 1) for pair in args.set)
    with database as url, running(url, api=False, bare_worker=True, **overrides) as system:
        client = await connect(system.settings)
        gateway = Gateway(system.settings, client)
        await burst(system, gateway, WARM_UP, "warm", [], args.confirmed)
        before = await settled_rss(system)
        retries: list[str] = []
        cpu = system.cpu_seconds()
        seconds = await burst(system, gateway, args.cases, "burst", retries, args.confirmed)
        cpu = cpu_delta(cpu, system.cpu_seconds(), args.cases)
        after = await settled_rss(system)
        shape = await shape_of_run(client)
        waiting = await waiting_workflows(client)
        bare = await bare_floor(system, client, shape, args.cases, waiting)
    per_case = (after - before) * 1024 / args.cases
    return {
        "database": "postgres" if args.postgres else "sqlite", "cases": args.cases,
        "worker_settings": overrides or "defaults",
        "worker_rss_mib": {"before": round(before, 1), "after": round(after, 1)},
        "worker_kib_per_cached_case": round(per_case, 1),
        # The same workflows and activities per case, bare: the SDK's own floor for the shape
        "bare_worker_kib_per_cached_case": round(bare, 1),
        "above_the_bare_shape_kib": round(per_case - bare, 1),
        "burst_seconds": round(seconds, 1),
        "actions_not_accepted_in_time": len(retries),
        "cpu_seconds_per_case": cpu,
        "administrators_confirmed_first": args.confirmed,
        "workflows": shape["workflows"], "workflows_waiting": waiting,
        "workflow_task_timeouts": shape["workflow_task_timeouts"],
        **{k.lower(): v for k, v in shape.items() if k.startswith("timeouts_")},
        "workflow_task_failures": shape["workflow_task_failures"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    parser.add_argument("--confirmed", action="store_true",
                        help="each administrator confirms the address before Section A, as "
                             "the portal requires: a case then waits in two workflows")
    parser.add_argument("--set", action="append", default=[], metavar="WORKER_X=value",
                        help="a worker setting for this run (see core/settings.py)")
    figures = asyncio.run(main(parser.parse_args()))
    confirmed = "-confirmed" if figures["administrators_confirmed_first"] else ""
    report(f"cases-{figures['database']}{confirmed}", figures)
