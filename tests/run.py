"""The test command (`make test`): the whole suite on SQLite and, at the same time, every
test that touches the database again on Postgres.

The Postgres run is switched on by CVMS_TEST_POSTGRES_URL (a server URL; each run creates and
drops its own database there). Without it, or when that server is not reachable, the run is
skipped and this says so plainly. The two runs go side by side, and the SQLite run (the longer:
it holds every test) is itself shared by file between CVMS_TEST_WORKERS pytest-xdist workers
(2 unless set; 0 runs it in one process). A test file waits on timers, servers and the browser
for much of its time, so three processes keep two cores busier than two do. The SQLite run
prints as it goes, the Postgres run's output follows when both are done. Extra arguments go to
pytest.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.support.databases import BACKEND_ENV, POSTGRES_ENV

WORKERS_ENV = "CVMS_TEST_WORKERS"


def sqlite_workers(args: list[str]) -> list[str]:
    """xdist's options for the SQLite run, unless the arguments choose (-n, -p no:xdist)."""
    workers = os.environ.get(WORKERS_ENV, "2")
    chosen = any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in args)
    if chosen or any("no:xdist" in arg for arg in args) or workers == "0":
        return []
    return ["-n", workers, "--dist", "loadfile"]


def start_pytest(backend: str, args: list[str], output=None) -> subprocess.Popen:
    env = {**os.environ, BACKEND_ENV: backend}
    basetemp = Path(tempfile.gettempdir()) / f"cvms-tests-{os.getpid()}-{backend}"
    return subprocess.Popen([sys.executable, "-m", "pytest", f"--basetemp={basetemp}", *args],
                            env=env, stdout=output, stderr=subprocess.STDOUT if output else None)


def postgres_problem(url: str) -> str | None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(dsn, connect_timeout=5):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def main() -> int:
    args = sys.argv[1:]
    url = os.environ.get(POSTGRES_ENV)
    problem = postgres_problem(url) if url else f"{POSTGRES_ENV} is not set"
    results = {}
    with tempfile.TemporaryFile("w+b") as postgres_output:
        postgres = None if problem else start_pytest("postgres", args, postgres_output)
        print("\n==== CVMS test suite on sqlite ====", flush=True)
        results["sqlite"] = start_pytest("sqlite", sqlite_workers(args) + args).wait()
        if postgres is not None:
            results["postgres"] = postgres.wait()
            print("\n==== CVMS test suite on postgres (the tests that use the database) ====",
                  flush=True)
            postgres_output.seek(0)
            sys.stdout.buffer.write(postgres_output.read())
            sys.stdout.flush()
    if problem:
        print(f"\n**** Postgres run SKIPPED: {problem}. Set {POSTGRES_ENV}="
              "postgresql://postgres@127.0.0.1:5432/test to run it. ****", flush=True)
    print("\n==== summary: " + ", ".join(
        f"{name} {'passed' if code == 0 else 'FAILED'}" for name, code in results.items())
        + (", postgres skipped" if problem else "") + " ====")
    return max(results.values())


if __name__ == "__main__":
    sys.exit(main())
