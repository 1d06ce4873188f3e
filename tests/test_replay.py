"""Determinism: workflow histories replay against the current workflow code.

The histories committed in tests/histories, recorded from earlier code: a change that would
break running workflows fails here and needs `workflow.patched`. Those in its folders are runs
of code before a release (`release-0`: every patch then in use recorded as a marker), which
still replay when the release takes those patches without markers (workflows/releases.py).
Every history the test run itself makes is replayed as its process ends, and recorded afresh
with CVMS_RECORD_HISTORIES=1 (tests/support/replay.py).
"""

import time

from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter

from core.temporal import PayloadConverter
from tests.support.replay import HISTORIES, each, folded_markers, replayer, shape
from workflows.releases import FOLDED


async def test_committed_histories_replay():
    files = sorted(HISTORIES.rglob("*.json"))
    assert files, "no recorded histories in tests/histories"
    histories = [WorkflowHistory.from_json(f.stem, f.read_text()) for f in files]
    results = await replayer().replay_workflows(each(histories), raise_on_replay_failure=False)
    failures = {run_id: str(error) for run_id, error in results.replay_failures.items()}
    assert not failures, failures


def test_a_release_0_run_recorded_the_markers_that_runs_now_skip():
    """The committed runs of release 0 hold the markers of every folded patch (else the replay
    above would not prove that they still replay)."""
    histories = [WorkflowHistory.from_json(f.stem, f.read_text())
                 for f in sorted((HISTORIES / "release-0").glob("*.json"))]
    recorded = {found.split(": ")[1] for found in folded_markers(histories)}
    assert recorded == set(FOLDED)


class SlowFirstRead(PayloadConverter):
    """Ours, but its first read takes 2.5 s: an activation as slow as a sandbox's first
    imports were in one test process's end-of-run check on a loaded machine."""

    slept = False  # the SDK wraps the converter it makes: the class keeps the note

    def from_payloads(self, payloads, type_hints=None):
        if not SlowFirstRead.slept:
            SlowFirstRead.slept = True
            time.sleep(2.5)
        return super().from_payloads(payloads, type_hints)


async def test_a_slow_activation_is_not_taken_for_a_deadlock():
    """The SDK fails an activation that takes more than 2 s as a "potential deadlock"; the
    end-of-run check replays every history of a process while the other processes load the
    machine, so a slow one must not fail it."""
    file = sorted(HISTORIES.glob("*.json"))[0]
    history = WorkflowHistory.from_json(file.stem, file.read_text())
    SlowFirstRead.slept = False
    await replayer(DataConverter(payload_converter_class=SlowFirstRead)).replay_workflow(history)
    assert SlowFirstRead.slept


def test_a_shape_tells_apart_what_a_replay_would_take_apart():
    """The end-of-run check replays one history of each shape (tests/support/replay.py): two
    histories differing only in their data are of one shape; another activity, signal, update
    or patch makes another one."""
    files = sorted(HISTORIES.glob("*.json"))
    histories = [WorkflowHistory.from_json(f.stem, f.read_text()) for f in files]
    types = {h.events[0].workflow_execution_started_event_attributes.workflow_type.name
             for h in histories}
    assert len({shape(h) for h in histories}) >= len(types)  # a type's start is its shape's
    enrollment = next(h for f, h in zip(files, histories, strict=True)
                      if f.stem.startswith("LocationEnrollmentWorkflow"))
    kinds = {event.WhichOneof("attributes") for event in enrollment.events}
    assert {"activity_task_scheduled_event_attributes",
            "workflow_execution_update_accepted_event_attributes"} <= kinds

    def changed(edit) -> tuple:
        copy = WorkflowHistory.from_json(enrollment.workflow_id, enrollment.to_json())
        edit(next(e for e in copy.events if edit(e, check=True)))
        return shape(copy)

    def data(event, check=False):
        attributes = event.activity_task_scheduled_event_attributes
        if check:
            return event.HasField("activity_task_scheduled_event_attributes") \
                and attributes.input.payloads
        attributes.input.payloads[0].data = b'{"other": 1}'

    def activity(event, check=False):
        if check:
            return event.HasField("activity_task_scheduled_event_attributes")
        event.activity_task_scheduled_event_attributes.activity_type.name = "another"

    def update(event, check=False):
        if check:
            return event.HasField("workflow_execution_update_accepted_event_attributes")
        event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name = "x"

    assert changed(data) == shape(enrollment)
    assert changed(activity) != shape(enrollment)
    assert changed(update) != shape(enrollment)
