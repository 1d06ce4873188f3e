"""Two pytest processes sharing one run's test files (the Postgres pass, once the SQLite pass
has ended and a core is free): each file runs in whichever process reaches it first.

The first process goes through the files in their order, the second (started later) from the
last file backwards, and they meet where the work is even. A process claims a file when it
reaches the file's first test by creating a marker in CVMS_TEST_SHARE_DIR (an exclusive
create: one winner); the other process passes over that file's tests without running or
reporting them, and says at the end how many it left to the other. Files that read what the
whole run left behind (`test_zz_*`, which sort last) stay with the first process; so that it
does not run them alone while a core idles (~45 s on Postgres: the replay of every history and
the privacy scan), it leaves the last LEAVE files nobody has claimed yet to the second, once
that one has started, and goes on to them.

Loaded by tests/run.py with `-p tests.support.sharing`; without CVMS_TEST_SHARE_DIR it does
nothing.
"""

import os
from pathlib import Path

import pytest

SHARE_DIR_ENV = "CVMS_TEST_SHARE_DIR"
SECOND_ENV = "CVMS_TEST_SHARE_SECOND"
FIRST_ONLY = "test_zz_"
STARTED = ".second-started"  # the second process's marker: it will visit every unclaimed file
# The first's `test_zz_*` take ~45 s on Postgres, and the second should have about as much left
# when the first turns to them: leaving 4 or 6 files still had the first end 23-33 s after the
# second (the files where the two meet, test_r* to test_s*, run ~3 s each on Postgres)
LEAVE = 12


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def _marker(file: str) -> str:
    return file.replace("/", "__")


class Sharing:
    def __init__(self, folder: Path, second: bool) -> None:
        self.folder, self.second = folder, second
        self.mine: dict[str, bool] = {}
        self.left: dict[str, int] = {}
        self.shared: list[str] = []  # the files either process may run (not `test_zz_*`)
        self.given: list[str] = []  # the files the first left unclaimed to the second

    def leave_to_the_second(self, file: str) -> bool:
        """The second goes through every file backwards and claims each it finds unclaimed, so
        a file nobody has claimed yet is one it has not reached and will run."""
        if self.second or file not in self.shared or not (self.folder / STARTED).exists():
            return False
        claimed = set(os.listdir(self.folder))
        if _marker(file) in claimed:
            return False  # the second has it already
        return sum(_marker(f) not in claimed for f in self.shared) <= LEAVE

    def claim(self, file: str) -> bool:
        if file not in self.mine and self.leave_to_the_second(file):
            self.mine[file] = False
            self.given.append(file)
        if file not in self.mine:
            marker = self.folder / _marker(file)
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                self.mine[file] = True
            except FileExistsError:
                self.mine[file] = False
        return self.mine[file]

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items) -> None:
        files: dict[str, list[pytest.Item]] = {}
        for item in items:
            files.setdefault(_file(item), []).append(item)
        self.shared = [f for f in files if not Path(f).name.startswith(FIRST_ONLY)]
        if not self.second:
            return
        left = [item for f in files if f not in self.shared for item in files[f]]
        if left:
            config.hook.pytest_deselected(items=left)
        items[:] = [item for f in reversed(self.shared) for item in files[f]]
        if items:
            (self.folder / STARTED).touch()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        file = _file(item)
        if self.claim(file):
            return None  # run it as usual
        self.left[file] = self.left.get(file, 0) + 1
        return True  # the other process runs this file

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.left:
            terminalreporter.write_line(
                f"shared: {sum(self.left.values())} tests in {len(self.left)} files ran in the "
                f"other Postgres process")
        if self.given:
            terminalreporter.write_line(
                f"shared: the last {len(self.given)} files nobody had claimed were left to the "
                f"second Postgres process, from {self.given[0]}")


def pytest_configure(config) -> None:
    folder = os.environ.get(SHARE_DIR_ENV)
    if folder:
        config.pluginmanager.register(Sharing(Path(folder), bool(os.environ.get(SECOND_ENV))),
                                      "cvms-sharing")
