"""What each pass of `make test` runs (tests/conftest.py): the SQLite pass every test, the
Postgres pass the tests that use the database, and a browser test (or one marked
`production_database`) once — on Postgres when tests/run.py runs that pass beside the SQLite
pass, on SQLite when it does not."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.databases import BACKEND_ENV, BROWSER_BACKEND_ENV, POSTGRES_ENV

ROOT = Path(__file__).parent.parent
BROWSER = "tests/test_browser_capacity_zero_hint.py"  # a browser test that uses the database
ONCE = "tests/test_browser_flash_focus.py"  # browser tests marked `once`
NO_DATABASE = "tests/test_browser_chromium.py"  # the browser, and no database at all
FUZZ = "tests/test_openapi_fuzz.py"  # no browser, marked `production_database`
API = "tests/test_health.py"

# pytest's collection (nothing starts) in one process for every pass: importing the suite's
# modules is most of a collection's cost, paid once
COLLECT = """
import json, os, sys
import pytest

class Files:
    def pytest_collection_finish(self, session):  # after each pass's deselection
        self.files = sorted({item.nodeid.split("::")[0] for item in session.items})

runs = []
for env in json.loads(sys.argv[1]):
    for name in NAMES:
        os.environ.pop(name, None)
    os.environ.update(env)
    files = Files()
    code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", *sys.argv[2:]],
                       plugins=[files])
    runs.append(files.files if code == 0 else f"pytest exit code {code}")
print("RUNS " + json.dumps(runs))
""".replace("NAMES", repr((BACKEND_ENV, BROWSER_BACKEND_ENV)))


def collected(*passes: dict[str, str]) -> list[set[str]]:
    """The files whose tests each pass would run."""
    env = {**os.environ, POSTGRES_ENV: "postgresql://postgres@127.0.0.1:5432/test"}
    done = subprocess.run(
        [sys.executable, "-c", COLLECT, json.dumps(passes), BROWSER, ONCE, NO_DATABASE, API,
         FUZZ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    runs = [line for line in done.stdout.splitlines() if line.startswith("RUNS ")]
    assert done.returncode == 0 and runs, done.stdout + done.stderr
    return [set(files) for files in json.loads(runs[0].removeprefix("RUNS "))]


def test_a_browser_test_runs_on_postgres_when_that_pass_runs_and_on_sqlite_when_not():
    alone, beside_postgres, postgres = collected(
        {BACKEND_ENV: "sqlite"},
        {BACKEND_ENV: "sqlite", BROWSER_BACKEND_ENV: "postgres"},
        {BACKEND_ENV: "postgres"})
    assert alone == {BROWSER, ONCE, NO_DATABASE, API, FUZZ}
    assert beside_postgres == {ONCE, NO_DATABASE, API}
    assert postgres == {BROWSER, API, FUZZ}
