"""Benchmark: a 5,000-row recipient upload.

    .venv/bin/python -m bench.recipients [--postgres URL] [--rows 5000]

(1) parse + validate + store, excluding emails: the template-shaped xlsx read (python-calamine),
every row validated, and one INSERT ... ON CONFLICT DO NOTHING in one transaction, as the API
and the import's activities do it (best and median of 3 files of new people); (2) the full
background import through the HTTP API on a local Temporal dev server and a real SMTP catcher:
upload, validated, stored and every invitation emailed. Figures go to stdout and to
bench/results/recipients.json.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from api.domain.recipient_files import read_upload
from bench.processes import report
from core.db import create_engine, session_factory
from models.recipient_store import store
from models.recipients import RecipientUpload
from tests.support.databases import postgres_database, sqlite_database
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx
from tests.support.smtp import SmtpCapture
from tests.support.system import local_temporal, start_system

INVITATION = "Register for your COVID-19 vaccination"


async def store_once(sessions, location_id: int, user_id: int, data: bytes) -> dict:
    start = time.perf_counter()
    kind, parsed = await read_upload("bench.xlsx", data)
    parsed_at = time.perf_counter()
    async with sessions() as session:
        found = RecipientUpload(location_id=location_id, uploaded_by=user_id, filename="b.xlsx",
                                file_kind=kind, total_rows=len(parsed), rows=parsed)
        session.add(found)
        await session.flush()
        await store(session, found)
        await session.commit()
    total = time.perf_counter() - start
    assert found.new_recipients == len(parsed), found.new_recipients
    return {"parse_s": parsed_at - start, "validate_store_s": total - (parsed_at - start),
            "total_s": total}


async def full_import(system, manager, count: int) -> dict:
    http = await manager_api(system, manager)
    t = tag()
    data = xlsx(rows(count, t))
    start = time.perf_counter()
    answer = (await upload(http, manager, data, valid_rows_only=True)).json()
    marks = {"accepted_s": time.perf_counter() - start}
    while True:
        now = (await http.get(f"/api/v1/recipient-uploads/{answer['id']}")).json()
        if now["stored"] and "stored_s" not in marks:
            marks["stored_s"] = time.perf_counter() - start
        if now["finished"]:
            break
        await asyncio.sleep(0.05)
    marks["done_s"] = time.perf_counter() - start
    suffix = f".{t.lower()}@example.org"
    caught = [m for m in system.smtp.find(subject=INVITATION) if m.to[0].endswith(suffix)]
    assert now["invited"] == count and len(caught) == count, (now, len(caught))
    invite_time = marks["done_s"] - marks.get("stored_s", 0)
    return {**{k: round(v, 2) for k, v in marks.items()},
            "invitations_per_second": round(count / invite_time, 1)}


async def main(args: argparse.Namespace) -> dict:
    smtp = SmtpCapture().start()
    tmp = Path(tempfile.mkdtemp(prefix="cvms-bench-recip-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url:
        env = await local_temporal()
        system = await start_system(env, url, smtp, "bench-recip", tmp)
        try:
            manager = await location_manager(system)
            engine = create_engine(system.settings.resolved_database_url)
            sessions = session_factory(engine)
            files = [xlsx(rows(args.rows, tag())) for _ in range(4)]
            await store_once(sessions, manager.location_id, manager.user_id, files[0])  # warm
            runs = [await store_once(sessions, manager.location_id, manager.user_id, f)
                    for f in files[1:]]
            await engine.dispose()
            background = await full_import(system, manager, args.rows)
        finally:
            await system.stop()
            await env.shutdown()
            smtp.stop()
    totals = sorted(r["total_s"] for r in runs)
    return {
        "database": "postgres" if args.postgres else "sqlite", "rows": args.rows,
        "parse_validate_store_best_s": round(totals[0], 3),
        "parse_validate_store_median_s": round(statistics.median(totals), 3),
        "parse_s_median": round(statistics.median(r["parse_s"] for r in runs), 3),
        "validate_store_s_median": round(statistics.median(r["validate_store_s"] for r in runs),
                                         3),
        "background_import": background,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    report("recipients-postgres" if figures["database"] == "postgres" else "recipients",
           figures)
