"""The Postgres pass's two processes (tests/support/sharing.py): every test runs exactly once,
in one process or the other, and `test_zz_*` in the first; each says how many it left."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.sharing import SECOND_ENV, SHARE_DIR_ENV

ROOT = Path(__file__).parent.parent
FILES = ["test_a.py", "test_b.py", "test_c.py", "test_d.py", "test_zz_last.py"]
TEST = '''
import os, time

def test_one():
    if "{name}" == "test_a.py" and "{second}" not in os.environ:
        # the first process waits (at most a minute) until the second has run a test
        for _ in range(600):
            if os.path.exists(os.environ["RAN_LOG"]) and any(
                    line.startswith("1 ") for line in open(os.environ["RAN_LOG"])):
                break
            time.sleep(0.1)
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


def test_two_processes_run_every_test_once(tmp_path):
    folder, shared = tmp_path / "suite", tmp_path / "shared"
    folder.mkdir()
    shared.mkdir()
    for name in FILES:
        (folder / name).write_text(TEST.format(second=SECOND_ENV, name=name))
    log = tmp_path / "ran.log"
    env = {**os.environ, SHARE_DIR_ENV: str(shared), "RAN_LOG": str(log),
           "PYTHONPATH": str(ROOT)}
    first, second = pytest(folder, env, False), pytest(folder, env, True)
    outputs = [process.communicate(timeout=120)[0] for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    ran = log.read_text().split()
    tests = ran[1::2]
    assert sorted(tests) == sorted(f"{f}::{t}" for f in FILES for t in ("one", "two")), ran
    by = dict(zip(tests, ran[0::2], strict=True))
    assert by["test_zz_last.py::one"] == by["test_zz_last.py::two"] == "first"
    assert {by[f"{f}::one"] for f in FILES} == {"first", "1"}, "both took a share"
    assert all(by[f"{f}::one"] == by[f"{f}::two"] for f in FILES), "files are not split"
    assert "ran in the other Postgres process" in outputs[0] + outputs[1]
