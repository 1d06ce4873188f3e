"""The Postgres pass's two processes (tests/support/sharing.py): every test runs exactly once,
in one process or the other, and `test_zz_*` in the first; each says how many it left; the
first leaves the last unclaimed files to the second and runs `test_zz_*` meanwhile."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.sharing import LEAVE, SECOND_ENV, SHARE_DIR_ENV

ROOT = Path(__file__).parent.parent
FILES = ["test_a.py", "test_b.py", "test_c.py", "test_d.py", "test_zz_last.py"]
TEST = '''
import os, time

def test_one():
    if "{name}" == "test_a.py" and "{second}" not in os.environ:
        # the first process waits (at most a minute) until the second has run {waits} tests
        for _ in range(600):
            if os.path.exists(os.environ["RAN_LOG"]) and sum(
                    line.startswith("1 ") for line in open(os.environ["RAN_LOG"])) >= {waits}:
                break
            time.sleep(0.1)
    if "{second}" in os.environ:
        time.sleep({pause})
    with open(os.environ["RAN_LOG"], "a") as log:
        log.write(f"{{os.environ.get('{second}', 'first')}} {name}::one\\n")

def test_two():
    with open(os.environ["RAN_LOG"], "a") as log:
        log.write(f"{{os.environ.get('{second}', 'first')}} {name}::two\\n")
'''


def pytest(folder: Path, env: dict, second: bool) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
         "tests.support.sharing", "--rootdir", str(folder), "-c", os.devnull, str(folder)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**env, **({SECOND_ENV: "1"} if second else {})})


def run_both(tmp_path, files: list[str], waits: int = 1, pause: float = 0) -> tuple[dict, list]:
    """Who ran each test (`first` or `1`), every test having run exactly once, and what the
    two processes printed."""
    folder, shared = tmp_path / "suite", tmp_path / "shared"
    folder.mkdir()
    shared.mkdir()
    for name in files:
        (folder / name).write_text(TEST.format(second=SECOND_ENV, name=name, waits=waits,
                                               pause=pause))
    log = tmp_path / "ran.log"
    env = {**os.environ, SHARE_DIR_ENV: str(shared), "RAN_LOG": str(log),
           "PYTHONPATH": str(ROOT)}
    first, second = pytest(folder, env, False), pytest(folder, env, True)
    outputs = [process.communicate(timeout=120)[0] for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    ran = log.read_text().split()
    tests = ran[1::2]
    assert sorted(tests) == sorted(f"{f}::{t}" for f in files for t in ("one", "two")), ran
    by = dict(zip(tests, ran[0::2], strict=True))
    assert all(by[f"{f}::one"] == by[f"{f}::two"] for f in files), "files are not split"
    return by, outputs


def test_two_processes_run_every_test_once(tmp_path):
    by, outputs = run_both(tmp_path, FILES)
    assert by["test_zz_last.py::one"] == by["test_zz_last.py::two"] == "first"
    assert {by[f"{f}::one"] for f in FILES} == {"first", "1"}, "both took a share"
    assert "ran in the other Postgres process" in outputs[0] + outputs[1]


def test_the_first_leaves_the_last_unclaimed_files_to_the_second(tmp_path):
    """The first has run test_a and the second its last file and more: LEAVE files are left
    unclaimed, which the second (half a second a test) has not reached yet. The first leaves
    them all and runs test_zz_* while the second runs them."""
    files = [f"test_{letter}.py" for letter in "abcdefghijklmnop"[:LEAVE + 3]] + ["test_zz_z.py"]
    by, outputs = run_both(tmp_path, files, waits=2, pause=0.5)
    assert {f for f in files if by[f"{f}::one"] == "first"} == {"test_a.py", "test_zz_z.py"}
    assert "were left to the second Postgres process, from test_b.py" in outputs[0], outputs[0]
