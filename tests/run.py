"""The test command (`make test`): the whole suite on SQLite and, at the same time, every
test that touches the database again on Postgres (the browser tests once: on Postgres when its
pass runs, see conftest.py).

The Postgres run is switched on by CVMS_TEST_POSTGRES_URL (a server URL; each run creates and
drops its own database there). Without it, or when that server is not reachable, the run is
skipped and this says so plainly. The two runs go side by side, and the SQLite run (the longer:
it holds every test) is itself shared by file between CVMS_TEST_WORKERS pytest-xdist workers
(3 unless set; 0 runs each run in one process). A test file waits on timers, servers and the
browser for much of its time, so four processes keep two cores busier than three do (on
2026-12-07's machine a fifth of the cores' time was idle with three: the whole run took
1,103-1,155 s with two SQLite workers, 1,005 s with three). When the SQLite run ends before the
Postgres run, a second Postgres process takes that run's files from the last one back and a
third from the middle file on (tests/support/sharing.py), so its tail does not run on one core
alone (started with the run instead, the second made no difference: 1,002 s; with the second
alone the cores were ~85% busy after the SQLite run, with the third 95%: 1,115 s against 1,156).
The SQLite run prints as it goes, the Postgres run's output follows when both are done. Extra
arguments go to pytest.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.support.databases import BACKEND_ENV, BROWSER_BACKEND_ENV, POSTGRES_ENV
from tests.support.sharing import MIDDLE, SECOND_ENV, SHARE_DIR_ENV

WORKERS_ENV = "CVMS_TEST_WORKERS"


def sqlite_workers(args: list[str]) -> list[str]:
    """xdist's options for the SQLite run, unless the arguments choose (-n, -p no:xdist)."""
    workers = os.environ.get(WORKERS_ENV, "3")
    chosen = any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in args)
    if chosen or any("no:xdist" in arg for arg in args) or workers == "0":
        return []
    return ["-n", workers, "--dist", "loadfile"]


def start_pytest(backend: str, args: list[str], output=None, name: str = "",
                 **env: str) -> subprocess.Popen:
    env = {**os.environ, BACKEND_ENV: backend, **env}
    basetemp = Path(tempfile.gettempdir()) / f"cvms-tests-{os.getpid()}-{backend}{name}"
    return subprocess.Popen([sys.executable, "-m", "pytest", f"--basetemp={basetemp}", *args],
                            env=env, stdout=output, stderr=subprocess.STDOUT if output else None)


def print_output(title: str, output) -> None:
    print(f"\n==== {title} ====", flush=True)
    output.seek(0)
    sys.stdout.buffer.write(output.read())
    sys.stdout.flush()


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
    workers = sqlite_workers(args)
    share = ["-p", "tests.support.sharing"] if workers else []
    with tempfile.TemporaryFile("w+b") as postgres_output, \
            tempfile.TemporaryFile("w+b") as second_output, \
            tempfile.TemporaryFile("w+b") as third_output, \
            tempfile.TemporaryDirectory() as shared:
        postgres = None if problem else start_pytest("postgres", share + args, postgres_output,
                                                     **{SHARE_DIR_ENV: shared})
        print("\n==== CVMS test suite on sqlite ====", flush=True)
        # the browser tests run once, on production's database when its pass runs (conftest.py)
        browsers = {} if postgres is None else {BROWSER_BACKEND_ENV: "postgres"}
        results["sqlite"] = start_pytest("sqlite", workers + args, **browsers).wait()
        second = third = None
        if postgres is not None and share and postgres.poll() is None:
            # The cores are free: a second process takes the Postgres run's files from the end,
            # a third from the middle on.
            second = start_pytest("postgres", share + args, second_output, name="-second",
                                  **{SHARE_DIR_ENV: shared, SECOND_ENV: "1"})
            third = start_pytest("postgres", share + args, third_output, name="-third",
                                 **{SHARE_DIR_ENV: shared, SECOND_ENV: MIDDLE})
        if postgres is not None:
            # pytest's 5 (nothing collected, as ARGS may choose): a helper had nothing to run
            codes = [code for code in (p.wait() for p in (second, third) if p) if code != 5]
            results["postgres"] = max(postgres.wait(), *codes)
            print_output("CVMS test suite on postgres (the tests that use the database)",
                         postgres_output)
        if second is not None:
            print_output("... and the files the second Postgres process took (started when the "
                         "SQLite run ended, from the last file back)", second_output)
            print_output("... and the files the third Postgres process took (started with the "
                         "second, from the middle file on)", third_output)
    if problem:
        print(f"\n**** Postgres run SKIPPED: {problem}. Set {POSTGRES_ENV}="
              "postgresql://postgres@127.0.0.1:5432/test to run it. ****", flush=True)
    print("\n==== summary: " + ", ".join(
        f"{name} {'passed' if code == 0 else 'FAILED'}" for name, code in results.items())
        + (", postgres skipped" if problem else "") + " ====")
    return max(results.values())


if __name__ == "__main__":
    sys.exit(main())
