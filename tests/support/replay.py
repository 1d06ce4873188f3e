"""This run's workflow histories, replayed against the current workflow code.

`tests/test_zz_replay.py` does it at the end of the run it is in (and can record the histories);
a process it did not run in (the other xdist worker of the SQLite pass, the second Postgres
process) does it as its `system` fixture ends, for the histories of its own dev server.
"""

import json

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from core.temporal import DATA_CONVERTER
from worker import sandbox_runner
from workflows.registry import WORKFLOWS
from workflows.releases import FOLDED

PATCH_MARKER = "core_patch"


async def each(histories: list[WorkflowHistory]):
    for history in histories:
        yield history


def replayer() -> Replayer:
    return Replayer(workflows=WORKFLOWS, data_converter=DATA_CONVERTER,
                    workflow_runner=sandbox_runner())


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


async def this_runs_histories(client: Client) -> dict[str, list[WorkflowHistory]]:
    """Every history of our workflows on this dev server (not tests' own workflows), by type."""
    registered = {workflow.__name__ for workflow in WORKFLOWS}
    by_type: dict[str, list[WorkflowHistory]] = {}
    async for execution in client.list_workflows():
        if execution.workflow_type not in registered:
            continue
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        by_type.setdefault(execution.workflow_type, []).append(await handle.fetch_history())
    return by_type


async def replay_this_run(client: Client) -> dict[str, list[WorkflowHistory]]:
    """Replay them all (a failure raises) and refuse markers of folded patches."""
    by_type = await this_runs_histories(client)
    histories = [h for group in by_type.values() for h in group]
    await replayer().replay_workflows(each(histories))
    stray = folded_markers(histories)
    assert not stray, f"processes started without release=RELEASE: {stray}"
    return by_type
