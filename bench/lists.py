"""Benchmark: every list page and list API at volume, under concurrent clients, and how long
any request waits while a 5,000-row spreadsheet is checked and imported.

    .venv/bin/python -m bench.lists [--locations 10000] [--cases 20000] [--clients 20]
                                    [--requests 300] [--api-processes 1] [--postgres URL]

The system runs as in production, one process each (bench/processes.py): the API (one uvicorn
process), the worker and the Temporal dev server. (1) 10,000 locations in 2,500 organizations
(every status, a fifth waiting for review), 20,000 help-desk cases and 3,000 transfers are
seeded in bulk; each list (review queue, state view of locations, transfers awaiting a
decision, help-desk console, as pages and as APIs) is timed one request at a time, with
`--clients` people each asking once a second (20 requests a second offered), and with
`--clients` clients each sending its next request as soon as the last one is answered (the
API process's throughput: with 20 always waiting, each waits for the 19 before it).
(2) A Location Manager uploads a 5,000-row recipient file (parsed and stored by the API,
validated and invited by the worker) while another person, a process of its own (bench/probe.py),
asks the API for `/api/v1/me` every 20 ms:
the probe's slowest answers say how long any request waited meanwhile, and their Server-Timing
how much of that the API itself spent on them.

Figures go to stdout and to bench/results/lists-{database}.json.
"""

import argparse
import asyncio
import json
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import select

from bench.helpdesk_console import seed as seed_cases
from bench.probe import OtherPerson
from bench.processes import percentiles, report, running
from core.heap import freeze_startup_heap
from core.security import hash_password
from models.accounts import User
from models.base import utcnow
from models.enrollment import Location, Organization
from models.enrollment_enums import LocationStatus, OrganizationStatus
from models.enums import Role
from models.inventory import Lot, Product, Transfer
from tests.support.databases import postgres_database, sqlite_database
from tests.support.recipients import location_manager, rows, tag, xlsx
from tests.support.web import PASSWORD, api_client, browser

STATUSES = [LocationStatus.NEW, LocationStatus.IN_PROGRESS, LocationStatus.AWAITING_SIGNATURES,
            LocationStatus.PENDING_REVIEW, LocationStatus.APPROVED]
PROBE_EVERY = 0.02


async def seed_sites(system, count: int) -> int:
    """`count` locations, four per organization; returns the reviewer's user id."""
    now = utcnow()
    async with system.sessions() as session:
        admin = User(email="bench-admin@bench.example", first_name="Ada", last_name="Admin",
                     role=Role.ORG_ADMIN, password_hash=hash_password(PASSWORD))
        session.add(admin)
        await session.flush()
        connection = await session.connection()
        orgs = [{"legal_name": f"Health System {n}", "org_type": "clinic", "street": "1 Main St",
                 "city": ["Raleigh", "Durham", "Cary", "Apex"][n % 4], "state": "NC",
                 "zip_code": "27601", "phone": "9195550000", "email": f"o{n}@bench.example",
                 "redistribution_participant": False, "admin_user_id": admin.id,
                 "status": OrganizationStatus.SUBMITTED, "submitted_at": now}
                for n in range(count // 4)]
        for start in range(0, len(orgs), 2000):
            await connection.execute(insert(Organization), orgs[start:start + 2000])
        org_ids = (await session.exec(select(Organization.id).order_by(Organization.id))).all()
        sites = [{"organization_id": org_ids[n // 4], "name": f"Site {n}", "street": "1 Main St",
                  "city": "Raleigh", "state": "NC", "zip_code": "27601",
                  "coordinator_first_name": "Cody", "coordinator_last_name": f"C{n}",
                  "coordinator_email": f"c{n}@bench.example", "status": STATUSES[n % 5],
                  "status_since": now - timedelta(minutes=(n * 7919) % 40000)}
                 for n in range(count)]
        for start in range(0, len(sites), 2000):
            await connection.execute(insert(Location), sites[start:start + 2000])
        await session.commit()


async def seed_transfers(system, count: int) -> None:
    now = utcnow()
    async with system.sessions() as session:
        requester = User(email="bench-lm@bench.example", first_name="Lee", last_name="Manager",
                         role=Role.LOCATION_MANAGER, password_hash=hash_password(PASSWORD))
        session.add(requester)
        product = (await session.exec(select(Product))).first()
        location_ids = (await session.exec(select(Location.id).order_by(Location.id)
                                           .limit(200))).all()
        lots = [Lot(location_id=loc, product_id=product.id, lot_number=f"B-{loc}", on_hand=0,
                    expiration_date=date.today() + timedelta(days=120)) for loc in location_ids]
        session.add_all(lots)
        await session.flush()
        connection = await session.connection()
        statuses = ["requested", "shipped", "received", "approved", "requested", "denied"]
        transfers = [{
            "kind": "transfer", "from_location_id": lots[n % len(lots)].location_id,
            "to_location_id": location_ids[(n * 7 + 1) % len(location_ids)],
            "requested_by_location_id": lots[n % len(lots)].location_id,
            "requested_by": requester.id, "lot_id": lots[n % len(lots)].id,
            "product_id": product.id, "lot_number": lots[n % len(lots)].lot_number,
            "expiration_date": lots[n % len(lots)].expiration_date, "doses": 10,
            "reason": "Bench", "request_key": f"bench-{n}", "status": statuses[n % 6],
            "flagged": n % 12 == 1, "requested_at": now - timedelta(minutes=n)}
            for n in range(count)]
        await connection.execute(insert(Transfer), transfers)
        await session.commit()


async def analyze(system) -> None:
    """The planner's statistics and, on Postgres, the visibility map, as a live table has them
    from autovacuum (a bulk insert this size starts it): without it no count is index-only."""
    if system.engine.dialect.name == "postgresql":
        async with system.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("VACUUM ANALYZE")
        return
    async with system.sessions() as session:
        await session.exec(text("ANALYZE"))
        await session.commit()


def _figures(timings: list[float]) -> dict:
    return {**percentiles(timings), "max_ms": round(max(timings), 1),
            "requests": len(timings)}


async def _timed(client, url: str, expect: str, timings: list[float]) -> None:
    start = time.perf_counter()
    response = await client.get(url)
    timings.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200 and expect in response.text, (url, response.text[:300])


async def one_at_a_time(client, url: str, expect: str, requests: int) -> dict:
    for _ in range(10):
        await client.get(url)
    timings: list[float] = []
    for _ in range(requests):
        await _timed(client, url, expect, timings)
    return _figures(timings)


async def concurrent(clients: list, url: str, expect: str, requests: int) -> dict:
    timings: list[float] = []
    each = max(1, requests // len(clients))

    async def client_loop(client) -> None:
        for _ in range(each):
            await _timed(client, url, expect, timings)

    start = time.perf_counter()
    await asyncio.gather(*(client_loop(c) for c in clients))
    elapsed = time.perf_counter() - start
    return {**_figures(timings), "requests_per_second": round(len(timings) / elapsed, 1)}


async def paced(clients: list, url: str, expect: str, requests: int,
                interval: float = 1.0) -> dict:
    """Each client asks once per `interval` (a person at a screen, not a loop): the offered
    load is len(clients) / interval requests per second, below what one API process serves."""
    timings: list[float] = []
    each = max(1, requests // len(clients))

    async def client_loop(n: int, client) -> None:
        await asyncio.sleep(interval * n / len(clients))  # spread over the interval
        for _ in range(each):
            started = time.perf_counter()
            await _timed(client, url, expect, timings)
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))

    await asyncio.gather(*(client_loop(n, c) for n, c in enumerate(clients)))
    return _figures(timings)


async def lists(system, args) -> dict:
    reviewer = User(email="bench-reviewer@bench.example", first_name="Rita",
                    last_name="Reviewer", role=Role.REVIEWER, password_hash=hash_password(PASSWORD))
    agent = User(email="bench-agent@bench.example", first_name="Ada", last_name="Agent",
                 role=Role.HELPDESK_AGENT, team="inventory", password_hash=hash_password(PASSWORD))
    async with system.sessions() as session:
        session.add_all([reviewer, agent])
        await session.commit()
        agent_id = agent.id
    await seed_sites(system, args.locations)
    await seed_cases(system, args.cases, [agent_id])
    await seed_transfers(system, 3000)
    await analyze(system)

    pages = {}
    for email in (reviewer.email, agent.email):
        people = []
        for _ in range(args.clients):
            person = browser(system)
            await person.login(email)
            people.append(person.http)
        pages[email] = people
    apis = {email: [await api_client(system, email) for _ in range(args.clients)]
            for email in (reviewer.email, agent.email)}
    freeze_startup_heap()  # this process's: its collections are not the API's latency
    views = [  # (name, who, page or api, url, text every answer holds)
        ("review queue page", reviewer.email, pages, "/review", "Review of"),
        ("review queue API", reviewer.email, apis, "/api/v1/review/queue", "total"),
        ("state view of locations", reviewer.email, pages, "/state/locations", "Site "),
        ("state view searched", reviewer.email, pages, "/state/locations?q=Health+System+12",
         "Site "),
        ("transfers awaiting a decision page", reviewer.email, pages, "/state/transfers",
         "TR"),
        ("transfers API", reviewer.email, apis, "/api/v1/state/transfers",
         "awaiting_decision"),
        ("help-desk console", agent.email, pages, "/helpdesk?team=all", "page 1 of"),
        ("help-desk console searched", agent.email, pages,
         "/helpdesk?team=all&status=all&q=rodriguez", "cases"),
        ("help-desk cases API", agent.email, apis, "/api/v1/helpdesk/cases?team=all", "id"),
    ]
    figures = {}
    for name, who, kind, url, expect in views:
        clients = kind[who]
        figures[name] = {"url": url,
                         "one_client": await one_at_a_time(clients[0], url, expect,
                                                           args.requests),
                         f"{args.clients}_people_each_asking_once_a_second": await paced(
                             clients, url, expect, args.requests),
                         f"{args.clients}_clients_back_to_back": await concurrent(
                             clients, url, expect, args.requests)}
        print(name, json.dumps(figures[name]), flush=True)
    for group in (*pages.values(), *apis.values()):
        for client in group:
            await client.aclose()
    return figures


async def during_import(system) -> dict:
    """Probe the API every 20 ms while a 5,000-row file is uploaded, stored and invited."""
    manager = await location_manager(system)
    http = await api_client(system, manager.email)
    probe = await api_client(system, manager.email)
    # One small background upload first: the first upload in a fresh API process pays once for
    # what the process had not done yet (one probe waited ~0.3 s there in our runs).
    warm = await http.post(f"/api/v1/locations/{manager.location_id}/recipient-uploads",
                           files={"file": ("warm.xlsx", xlsx(rows(150, tag())))})
    assert warm.status_code == 201, warm.text
    while not (await http.get(f"/api/v1/recipient-uploads/{warm.json()['id']}")).json()[
            "finished"]:
        await asyncio.sleep(0.2)
    data = xlsx(rows(5000, tag()))
    # The multipart body is encoded before anything is timed (~0.3 s of this process).
    request = http.build_request(
        "POST", f"/api/v1/locations/{manager.location_id}/recipient-uploads",
        files={"file": ("people.xlsx", data)}, data={"valid_rows_only": "false"})
    request.read()
    # The other person asks from a process of their own: this one polls the upload's progress
    # and runs the SMTP catcher that takes the 5,000 invitations, which would be counted
    # against the API.
    async with OtherPerson(f"{system.base_url}/api/v1/me", dict(probe.headers),
                           every=PROBE_EVERY, expect="email") as person:
        await person.wait_for(110)  # the last 100 before the upload: the first ones connect
        start = time.monotonic()
        answer = await http.send(request)
        answered = time.monotonic() - start
        assert answer.status_code == 201, answer.text
        upload_id = answer.json()["id"]
        stored_at = None
        while True:
            progress = (await http.get(f"/api/v1/recipient-uploads/{upload_id}")).json()
            if stored_at is None and progress["stored"] == 5000:
                stored_at = time.monotonic() - start
            if progress["finished"]:
                break
            await asyncio.sleep(0.2)
        finished = time.monotonic() - start
    await http.aclose()
    await probe.aclose()
    return {"probe_before": _figures(person.between(0, start)[-100:]),
            "probe_during": _figures(person.between(start, start + finished)),
            "probe_during_inside_the_api": _figures(
                person.inside_between(start, start + finished)),
            "upload_answered_s": round(answered, 2),
            "stored_s": round(stored_at or finished, 2), "all_invited_s": round(finished, 2)}


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-lists-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url, running(url, api_processes=args.api_processes) as system:
        result = {"database": "postgres" if args.postgres else "sqlite",
                  "locations": args.locations, "cases": args.cases, "clients": args.clients,
                  "api_processes": args.api_processes,
                  "lists": await lists(system, args),
                  "during_a_5000_row_import": await during_import(system),
                  "load_average_1min": round(os.getloadavg()[0], 2)}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--api-processes", type=int, default=1,
                        help="uvicorn --workers (production: WEB_CONCURRENCY, one per core)")
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    report(f"lists-{figures['database']}-{figures['api_processes']}", figures)
