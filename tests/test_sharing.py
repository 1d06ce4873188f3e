"""The Postgres pass's processes (tests/support/sharing.py): every test runs exactly once, in one
process or another, files are not split, both take a share, and each says how many it left to
the others; a third, started with the second, begins at the middle file."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.sharing import MIDDLE, SECOND_ENV, SHARE_DIR_ENV

ROOT = Path(__file__).parent.parent
FILES = ["test_a.py", "test_b.py", "test_c.py", "test_d.py", "test_e.py"]
TEST = '''
import os, time

def wait_for(done):
    for _ in range(600):  # at most a minute
        if done():
            return
        time.sleep(0.1)

def test_one():
    started = os.environ["RAN_LOG"] + ".first"
    if "{name}" == "test_a.py" and "{second}" not in os.environ:
        open(started, "w").close()
        # the first process, on its first file, waits until the second has run a test
        wait_for(lambda: os.path.exists(os.environ["RAN_LOG"]) and any(
            line.startswith("1 ") for line in open(os.environ["RAN_LOG"])))
    if "{second}" in os.environ:  # the second waits until the first has its first file
        wait_for(lambda: os.path.exists(started))
    with open(os.environ["RAN_LOG"], "a") as log:
        log.write(f"{{os.environ.get('{second}', 'first')}} {name}::one\\n")

def test_two():
    with open(os.environ["RAN_LOG"], "a") as log:
        log.write(f"{{os.environ.get('{second}', 'first')}} {name}::two\\n")
'''


def pytest(folder: Path, env: dict, second: bool, way: str = "1") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
         "tests.support.sharing", "--rootdir", str(folder), "-c", os.devnull, str(folder)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**env, **({SECOND_ENV: way} if second else {})})


def suite(tmp_path, files: list[str]) -> tuple[Path, dict, Path]:
    """A suite of these files, the environment that shares them, and the log of who ran what."""
    folder, shared = tmp_path / "suite", tmp_path / "shared"
    folder.mkdir()
    shared.mkdir()
    for name in files:
        (folder / name).write_text(TEST.format(second=SECOND_ENV, name=name))
    log = tmp_path / "ran.log"
    return folder, {**os.environ, SHARE_DIR_ENV: str(shared), "RAN_LOG": str(log),
                    "PYTHONPATH": str(ROOT)}, log


def run_both(tmp_path, files: list[str]) -> tuple[dict, list]:
    """Who ran each test (`first` or `1`), every test having run exactly once, and what the
    two processes printed."""
    folder, env, log = suite(tmp_path, files)
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
    assert {by[f"{f}::one"] for f in FILES} == {"first", "1"}, "both took a share"
    assert "ran in the other Postgres process" in outputs[0] + outputs[1]


def test_the_first_process_starts_with_the_heaviest_files(tmp_path):
    """The longest files run first (while the SQLite pass keeps both cores busy), longest
    first, then the rest in their order: the two processes meet on short files."""
    files = ["test_b.py", "test_c.py", "test_openapi_fuzz.py", "test_outages.py", "test_z.py"]
    folder, env, log = suite(tmp_path, files)
    first = pytest(folder, env, False)
    output = first.communicate(timeout=120)[0]
    assert first.returncode == 0, output
    order = list(dict.fromkeys(test.split("::")[0] for test in log.read_text().split()[1::2]))
    assert order == ["test_outages.py", "test_openapi_fuzz.py", "test_b.py", "test_c.py",
                     "test_z.py"]


def test_a_third_process_starts_at_the_middle_file(tmp_path):
    """Started with the second when the SQLite pass ends (with two, the cores were ~85% busy
    after it): it takes the files from the middle on, where neither of the others is yet."""
    folder, env, log = suite(tmp_path, FILES)
    Path(env["RAN_LOG"] + ".first").touch()  # as if the first process had begun
    third = pytest(folder, env, True, MIDDLE)
    output = third.communicate(timeout=120)[0]
    assert third.returncode == 0, output
    order = list(dict.fromkeys(test.split("::")[0] for test in log.read_text().split()[1::2]))
    assert order == ["test_c.py", "test_d.py", "test_e.py", "test_a.py", "test_b.py"]
