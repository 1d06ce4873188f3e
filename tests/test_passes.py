"""What each pass of `make test` runs (tests/conftest.py): the SQLite pass every test, the
Postgres pass the tests that use the database, and a browser test once — on Postgres when
tests/run.py runs that pass beside the SQLite pass, on SQLite when it does not."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.databases import BACKEND_ENV, BROWSER_BACKEND_ENV, POSTGRES_ENV

ROOT = Path(__file__).parent.parent
BROWSER = "tests/test_browser_capacity_zero_hint.py"  # a browser test that uses the database
ONCE = "tests/test_browser_flash_focus.py"  # browser tests marked `once`
NO_DATABASE = "tests/test_browser_chromium.py"  # the browser, and no database at all
API = "tests/test_health.py"


def collected(**env: str) -> set[str]:
    """The files whose tests a pass would run (pytest's collection only: nothing starts)."""
    env = {**{k: v for k, v in os.environ.items() if k not in (BACKEND_ENV, BROWSER_BACKEND_ENV)},
           POSTGRES_ENV: "postgresql://postgres@127.0.0.1:5432/test", **env}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         BROWSER, ONCE, NO_DATABASE, API], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}


def test_a_browser_test_runs_on_postgres_when_that_pass_runs_and_on_sqlite_when_not():
    alone = collected(**{BACKEND_ENV: "sqlite"})
    assert alone == {BROWSER, ONCE, NO_DATABASE, API}
    beside_postgres = collected(**{BACKEND_ENV: "sqlite", BROWSER_BACKEND_ENV: "postgres"})
    assert beside_postgres == {ONCE, NO_DATABASE, API}
    postgres = collected(**{BACKEND_ENV: "postgres", BROWSER_BACKEND_ENV: "postgres"})
    assert postgres == {BROWSER, API}
