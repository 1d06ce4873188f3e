"""Benchmark: how long other people wait while a storage unit's photos are uploaded.

    .venv/bin/python -m bench.photo_upload [--uploads 3] [--postgres URL]

The whole system runs as in production (bench/processes.py). A coordinator uploads a storage
unit with two 12-megapixel photos (each re-encoded by the API, ~280 ms of CPU) while another
person, a process of its own (bench/probe.py), asks for the location's status every 10 ms.
Figures: each upload's time and the other person's median and slowest answer during it.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from io import BytesIO
from pathlib import Path

from PIL import Image

from bench.probe import OtherPerson
from bench.processes import report, running
from tests.support.databases import postgres_database, sqlite_database
from tests.support.enrollment import add_storage_unit, register_coordinator, start_enrollment


def phone_photo() -> bytes:
    """A 4000 x 3000 JPEG of smooth random colour (~3 MB, like a phone's)."""
    small = Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3))
    out = BytesIO()
    small.resize((4000, 3000), Image.BILINEAR).save(out, "JPEG", quality=92)
    return out.getvalue()


async def one_upload(system, coordinator, location_id: int) -> dict:
    inside, outside = phone_photo(), phone_photo()
    # The other person asks from a process of their own (bench/probe.py): this one encodes
    # the upload's 6 MB multipart body meanwhile, which would be counted against the API.
    async with OtherPerson(f"{system.base_url}/api/v1/locations/{location_id}/status",
                           dict(coordinator.headers), every=0.01, expect="status") as person:
        await person.wait_for(20)
        start = time.monotonic()
        unit = await add_storage_unit(coordinator, location_id, inside, outside)
        end = time.monotonic()
    assert unit.status_code == 201, unit.text
    waits = person.between(start, end)
    return {"upload_ms": round((end - start) * 1000),
            "other_p50_ms": round(statistics.median(waits), 1),
            "other_max_ms": round(max(waits), 1)}


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url, running(url) as system:
        enrollment = await start_enrollment(system, ["Photo Site"])
        (email, location_id), = enrollment.locations.items()
        coordinator = await register_coordinator(system, email)
        uploads = [await one_upload(system, coordinator, location_id)
                   for _ in range(args.uploads)]
        await coordinator.aclose()
        await enrollment.admin.aclose()
    return {"database": "postgres" if args.postgres else "sqlite", "uploads": uploads}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    report(f"photo_upload-{figures['database']}", figures)
