"""Determinism: workflow histories replay against the current workflow code.

Two sets: the histories committed in tests/histories (recorded from earlier code: a change
that would break running workflows fails here and needs `workflow.patched`), and every
history this test run produced on the dev server. The file sorts last so the rest of the
suite has run. Record a fresh set with CVMS_RECORD_HISTORIES=1 (after an intended change):
it replaces the files at the top of tests/histories; those in its folders stay. Those are
runs of code before a release (`release-0`: every patch then in use recorded as a marker),
which still replay when the release takes those patches without markers
(workflows/releases.py).
"""

import json
import os
from collections import defaultdict
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from core.temporal import DATA_CONVERTER
from worker import sandbox_runner
from workflows.registry import WORKFLOWS
from workflows.releases import FOLDED

HISTORIES = Path(__file__).parent / "histories"
KEEP_PER_TYPE = 2
PATCH_MARKER = "core_patch"


async def each(histories: list[WorkflowHistory]):
    for history in histories:
        yield history


def replayer() -> Replayer:
    return Replayer(workflows=WORKFLOWS, data_converter=DATA_CONVERTER,
                    workflow_runner=sandbox_runner())


async def test_committed_histories_replay():
    files = sorted(HISTORIES.rglob("*.json"))
    assert files, "no recorded histories in tests/histories"
    histories = [WorkflowHistory.from_json(f.stem, f.read_text()) for f in files]
    results = await replayer().replay_workflows(each(histories), raise_on_replay_failure=False)
    failures = {run_id: str(error) for run_id, error in results.replay_failures.items()}
    assert not failures, failures


async def test_this_runs_histories_replay(system):
    registered = {workflow.__name__ for workflow in WORKFLOWS}  # not tests' own workflows
    by_type: dict[str, list[WorkflowHistory]] = defaultdict(list)
    async for execution in system.client.list_workflows():
        if execution.workflow_type not in registered:
            continue
        handle = system.client.get_workflow_handle(execution.id, run_id=execution.run_id)
        by_type[execution.workflow_type].append(await handle.fetch_history())
    histories = [h for group in by_type.values() for h in group]
    assert len(by_type) >= 4, sorted(by_type)
    await replayer().replay_workflows(each(histories))
    stray = folded_markers(histories)
    assert not stray, f"processes started without release=RELEASE: {stray}"
    if os.environ.get("CVMS_RECORD_HISTORIES"):
        record(by_type)


def folded_markers(histories: list[WorkflowHistory]) -> list[str]:
    """The patch markers that runs of this release should not record (their patch is taken)."""
    found = []
    for history in histories:
        for event in history.events:
            marker = event.marker_recorded_event_attributes
            if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED \
                    and marker.marker_name == PATCH_MARKER:
                patch = json.loads(marker.details["patch-data"].payloads[0].data)["id"]
                if patch in FOLDED:
                    found.append(f"{history.workflow_id}: {patch}")
    return found


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
