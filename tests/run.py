"""The test command (`make test`): the whole suite on SQLite, then again on Postgres.

The Postgres run is switched on by CVMS_TEST_POSTGRES_URL (a server URL; each run creates and
drops its own database there). Without it, or when that server is not reachable, the run is
skipped and this says so plainly. Extra arguments go to pytest.
"""

import os
import subprocess
import sys

import psycopg
from sqlalchemy.engine import make_url

from tests.support.databases import BACKEND_ENV, POSTGRES_ENV


def run_pytest(backend: str, args: list[str]) -> int:
    print(f"\n==== CVMS test suite on {backend} ====", flush=True)
    env = {**os.environ, BACKEND_ENV: backend}
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def postgres_problem(url: str) -> str | None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(dsn, connect_timeout=5):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def main() -> int:
    args = sys.argv[1:]
    results = {"sqlite": run_pytest("sqlite", args)}
    url = os.environ.get(POSTGRES_ENV)
    problem = postgres_problem(url) if url else f"{POSTGRES_ENV} is not set"
    if problem:
        print(f"\n**** Postgres run SKIPPED: {problem}. Set {POSTGRES_ENV}="
              "postgresql://postgres@127.0.0.1:5432/test to run it. ****", flush=True)
    else:
        results["postgres"] = run_pytest("postgres", args)
    print("\n==== summary: " + ", ".join(
        f"{name} {'passed' if code == 0 else 'FAILED'}" for name, code in results.items())
        + (", postgres skipped" if problem else "") + " ====")
    return max(results.values())


if __name__ == "__main__":
    sys.exit(main())
