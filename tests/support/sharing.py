"""Two pytest processes sharing one run's test files (the Postgres pass, once the SQLite pass
has ended and a core is free): each file runs in whichever process reaches it first.

The first process goes through the files in their order, the second (started later) from the
last file backwards, and they meet where the work is even. A process claims a file when it
reaches the file's first test by creating a marker in CVMS_TEST_SHARE_DIR (an exclusive
create: one winner); the other process passes over that file's tests without running or
reporting them, and says at the end how many it left to the other. No file has to run last:
each process checks the workflow histories it made as it ends (tests/support/replay.py).

The first process starts with the files of HEAVY (the longest on Postgres, longest first), then
goes on in the usual order: they run while the SQLite pass keeps both cores busy, and the two
processes meet on short files. In their usual place (the outages, the fuzz and the one-writer
faults all begin with "o", where the two used to meet) the first process ran them last, the
outages alone for the last ~30 s, waiting on Temporal restarts while a core idled.

Loaded by tests/run.py with `-p tests.support.sharing`; without CVMS_TEST_SHARE_DIR it does
nothing.
"""

import os
from pathlib import Path

import pytest

SHARE_DIR_ENV = "CVMS_TEST_SHARE_DIR"
SECOND_ENV = "CVMS_TEST_SHARE_SECOND"  # "1": from the last file back; MIDDLE: from the middle on
MIDDLE = "middle"
# The Postgres pass's longest files, longest first (seconds each on 2026-12-07, `--durations`):
# a file missing from the list only runs in its usual place; a name no file has is passed over.
HEAVY = ("test_outages.py",  # 60
         "test_browser_portal.py",  # 57
         "test_openapi_fuzz.py",  # 55
         "test_access_matrix.py",  # 45
         "test_browser_inventory.py",  # 44
         "test_one_writer_faults.py",  # 42
         "test_browser_helpdesk.py",  # 38
         "test_recipient_exactly_once.py",  # 37
         "test_browser_nothing_lost.py",  # 36
         "test_browser_enrollment.py",  # 30
         "test_browser_section_b_old_tabs.py",  # 23
         "test_inventory_property.py")  # 21


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


class Sharing:
    def __init__(self, folder: Path, second: str) -> None:
        self.folder, self.second = folder, second
        self.mine: dict[str, bool] = {}
        self.left: dict[str, int] = {}

    def claim(self, file: str) -> bool:
        if file not in self.mine:
            marker = self.folder / file.replace("/", "__")
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
        if self.second == MIDDLE:  # a third process: from the middle file on
            names = list(files)
            order = names[len(names) // 2:] + names[:len(names) // 2]
        elif self.second:
            order = list(reversed(files))
        else:
            rank = {name: n for n, name in enumerate(HEAVY)}
            order = sorted(files, key=lambda f: rank.get(Path(f).name, len(HEAVY)))
        items[:] = [item for f in order for item in files[f]]

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


def pytest_configure(config) -> None:
    folder = os.environ.get(SHARE_DIR_ENV)
    if folder:
        config.pluginmanager.register(Sharing(Path(folder), os.environ.get(SECOND_ENV, "")),
                                      "cvms-sharing")
