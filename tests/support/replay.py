"""Every workflow history a test process made, checked as its `system` fixture ends: replayed
against the current workflow code (determinism; a folded patch's marker refused) and scanned for
recipients' personal data (tests/support/privacy.py).

Each process (each xdist worker of the SQLite pass, each Postgres process) checks its own dev
server's histories, whichever files it ran, so every history of the run is checked and no file
has to run last. A test may check some earlier (tests/test_recipient_privacy.py: those it
started); the end then checks every history not already seen closed. Record a fresh set for
tests/test_replay.py (after an intended change) in one process, so that it sees every history:
`CVMS_RECORD_HISTORIES=1 .venv/bin/python -m pytest tests`. It replaces the files at the top of
tests/histories; those in its folders stay.
"""

import json
import os
from pathlib import Path

from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from core.temporal import DATA_CONVERTER
from models.recipients import Recipient
from tests.support.privacy import index, leaks_in, readable
from worker import sandbox_runner
from workflows.registry import WORKFLOWS
from workflows.releases import FOLDED

PATCH_MARKER = "core_patch"
HISTORIES = Path(__file__).parent.parent / "histories"
KEEP_PER_TYPE = 2
RECORD_ENV = "CVMS_RECORD_HISTORIES"


def _named(event) -> str:
    """The name of what an event is of: an activity's or a child workflow's type, a signal, an
    update or a marker (a patch marker with its patch)."""
    kind = event.WhichOneof("attributes")
    attributes = getattr(event, kind) if kind else None
    for field in ("activity_type", "workflow_type"):
        if attributes is not None and field in type(attributes).DESCRIPTOR.fields_by_name:
            return getattr(attributes, field).name
    if kind == "marker_recorded_event_attributes" and attributes.marker_name == PATCH_MARKER:
        return json.loads(attributes.details["patch-data"].payloads[0].data)["id"]
    if kind == "workflow_execution_update_accepted_event_attributes":
        return attributes.accepted_request.input.name
    return getattr(attributes, "signal_name", "") or getattr(attributes, "marker_name", "")


def shape(history: WorkflowHistory) -> tuple:
    """What replaying a history exercises: the kind and name of each of its events (its type's
    start first). Histories of one shape took one path through their workflow's code, and
    replay alike; the suite's ~2,000 histories a pass have a few hundred shapes."""
    return tuple((event.event_type, _named(event)) for event in history.events)


async def each(histories: list[WorkflowHistory]):
    for history in histories:
        yield history


def replayer(data_converter: DataConverter = DATA_CONVERTER) -> Replayer:
    """Our workflows in the strict sandbox. Without the SDK's deadlock detection (`debug_mode`:
    it also runs each activation on the event loop and lets `breakpoint()` through the
    sandbox, with a hook of its own for the process): an activation that takes more than 2 s
    of the wall clock fails it, and a sandbox's first imports for a run once took that long
    in the check as a loaded test process ended (all its tests passed). A workflow that does
    block is caught where it runs: the tests' workers keep the detection."""
    return Replayer(workflows=WORKFLOWS, data_converter=data_converter,
                    workflow_runner=sandbox_runner(), debug_mode=True)


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


async def check_this_run(system, everything: bool = False,
                         query: str | None = None) -> dict[str, list[WorkflowHistory]]:
    """Every history on the system's dev server not yet checked (all of them with `everything`;
    those a visibility `query` lists with one): each of our workflows' replays against the
    current code (one history of each `shape`: a failure raises) and records no folded patch's
    marker, and no history
    (tests' own workflows too) holds a recipient's name, birth date, phone or email (but for
    those a fuzzer made up: `generated_locations`). A closed history is checked once; a running
    one again next time (it can still grow). Returns our workflows' histories by type."""
    async with system.sessions() as session:
        people = (await session.exec(select(Recipient).where(
            col(Recipient.location_id).not_in(system.generated_locations)))).all()
    traces_of = index(people, system.settings.helpdesk_holidays)
    registered = {workflow.__name__ for workflow in WORKFLOWS}
    by_type: dict[str, list[WorkflowHistory]] = {}
    leaks, closed = [], []
    async for execution in system.client.list_workflows(query):
        key = (execution.id, execution.run_id)
        if key in system.checked and not everything:
            continue
        handle = system.client.get_workflow_handle(execution.id, run_id=execution.run_id)
        history = await handle.fetch_history()
        leaks += [(execution.id, who, trace)
                  for who, trace in leaks_in(readable(history.to_json()), traces_of)]
        if execution.workflow_type in registered:
            by_type.setdefault(execution.workflow_type, []).append(history)
        if execution.status != WorkflowExecutionStatus.RUNNING:
            closed.append(key)
    histories = [h for group in by_type.values() for h in group]
    unseen = {}  # one history of each shape this process has not replayed yet
    for history in histories:
        unseen.setdefault(shape(history), history)
    await replayer().replay_workflows(each([unseen[s] for s in unseen.keys() - system.replayed]))
    system.replayed.update(unseen)
    stray = folded_markers(histories)
    assert not stray, f"processes started without release=RELEASE: {stray}"
    assert not leaks, f"personal data in workflow histories: {leaks[:10]}"
    system.checked.update(closed)
    return by_type


def record(by_type: dict[str, list[WorkflowHistory]]) -> None:
    """The longest histories of each type, as the committed set tests/test_replay.py replays."""
    HISTORIES.mkdir(exist_ok=True)
    for old in HISTORIES.glob("*.json"):
        old.unlink()
    for workflow_type, histories in by_type.items():
        longest = sorted(histories, key=lambda h: len(h.events), reverse=True)[:KEEP_PER_TYPE]
        for n, history in enumerate(longest, 1):
            (HISTORIES / f"{workflow_type}-{n}.json").write_text(history.to_json())


async def check_at_the_end(system) -> None:
    """As a process's `system` ends: what it has not checked yet, or, recording
    (CVMS_RECORD_HISTORIES=1, in one process so that it sees every history), everything."""
    recording = bool(os.environ.get(RECORD_ENV))
    by_type = await check_this_run(system, everything=recording)
    if recording:
        record(by_type)
