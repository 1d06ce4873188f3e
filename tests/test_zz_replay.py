"""Determinism: workflow histories replay against the current workflow code.

Two sets: the histories committed in tests/histories (recorded from earlier code: a change
that would break running workflows fails here and needs `workflow.patched`), and every
history this test run produced on the dev server (tests/support/replay.py; a process of the
run this file is not in replays its own as its `system` fixture ends). The file sorts last so
the rest of the suite has run. Record a fresh set (after an intended change) in one process,
so that it sees every history: `CVMS_RECORD_HISTORIES=1 .venv/bin/python -m pytest tests`. It
replaces the files at the top of tests/histories; those in its folders stay. Those are
runs of code before a release (`release-0`: every patch then in use recorded as a marker),
which still replay when the release takes those patches without markers
(workflows/releases.py).
"""

import os
from pathlib import Path

from temporalio.client import WorkflowHistory

from tests.support.replay import each, folded_markers, replay_this_run, replayer
from workflows.releases import FOLDED

HISTORIES = Path(__file__).parent / "histories"
KEEP_PER_TYPE = 2


async def test_committed_histories_replay():
    files = sorted(HISTORIES.rglob("*.json"))
    assert files, "no recorded histories in tests/histories"
    histories = [WorkflowHistory.from_json(f.stem, f.read_text()) for f in files]
    results = await replayer().replay_workflows(each(histories), raise_on_replay_failure=False)
    failures = {run_id: str(error) for run_id, error in results.replay_failures.items()}
    assert not failures, failures


async def test_this_runs_histories_replay(system):
    system.histories_replayed = True  # the `system` fixture need not (even if this fails)
    by_type = await replay_this_run(system.client)
    assert len(by_type) >= 4, sorted(by_type)
    if os.environ.get("CVMS_RECORD_HISTORIES"):
        record(by_type)


def test_a_release_0_run_recorded_the_markers_that_runs_now_skip():
    """The committed runs of release 0 hold the markers of every folded patch (else the replay
    above would not prove that they still replay)."""
    histories = [WorkflowHistory.from_json(f.stem, f.read_text())
                 for f in sorted((HISTORIES / "release-0").glob("*.json"))]
    recorded = {found.split(": ")[1] for found in folded_markers(histories)}
    assert recorded == set(FOLDED)


def record(by_type: dict[str, list[WorkflowHistory]]) -> None:
    HISTORIES.mkdir(exist_ok=True)
    for old in HISTORIES.glob("*.json"):
        old.unlink()
    for workflow_type, histories in by_type.items():
        longest = sorted(histories, key=lambda h: len(h.events), reverse=True)[:KEEP_PER_TYPE]
        for n, history in enumerate(longest, 1):
            (HISTORIES / f"{workflow_type}-{n}.json").write_text(history.to_json())
