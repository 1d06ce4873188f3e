"""An agent's reply arriving at the moment the case is resolved was published and emailed on a
case that stayed resolved: the API refuses it when the database says resolved, but the case's
process, where the state lives, accepted it. It is refused by the process too, at once by the
update's validator, and by its handler when both were accepted together (the reply waited for
the lock while the resolution was written). A note, and the requester's answer, still go."""

import asyncio

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage

from models.contracts import CaseMessageRef, PublishedMessage
from tests.fast.fakes import Fakes
from tests.fast.test_case_life import emails, open_case
from workflows.case import CaseWorkflow as Case


def refused_because(error: pytest.ExceptionInfo) -> str:
    return str(error.value.cause)


async def accepted(handle) -> int:
    """Updates the run took (a validator's refusal leaves no event)."""
    history = await handle.fetch_history()
    return sum(1 for event in history.events
               if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)


async def test_an_agents_reply_on_a_resolved_case_is_refused_a_note_is_not(ts_env, workers):
    fake = Fakes(publish_message=lambda d: PublishedMessage(
        message_id=d["message_id"], author_kind="agent", internal=d["message_id"] == 3))
    handle = await open_case(ts_env, await workers.start(fake))
    await handle.execute_update(Case.resolve, CaseMessageRef(message_id=1, user_id=3))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(Case.post_message, CaseMessageRef(
            message_id=2, user_id=3, reply=True))
    assert "your reply was not sent" in refused_because(refused)
    assert await accepted(handle) == 1, "refused by the validator: not even taken"
    assert await handle.execute_update(Case.post_message, CaseMessageRef(
        message_id=3, user_id=3)) == "resolved", "an internal note is still saved"
    published = [call["message_id"] for call in fake.calls["publish_message"]]
    assert published == [1, 3], "the refused reply is never published"
    assert "updated" not in emails(fake)


async def test_a_reply_accepted_while_the_resolution_was_written_is_refused(ts_env, workers):
    resolving = asyncio.Event()
    written = asyncio.Event()

    async def publish(d):
        if d["message_id"] == 1:  # the resolution, held until the reply is accepted
            resolving.set()
            await written.wait()
        return PublishedMessage(message_id=d["message_id"], author_kind="agent",
                                internal=False)

    fake = Fakes(publish_message=publish)
    handle = await open_case(ts_env, await workers.start(fake))
    resolution = await handle.start_update(
        Case.resolve, CaseMessageRef(message_id=1, user_id=3),
        wait_for_stage=WorkflowUpdateStage.ACCEPTED)
    await resolving.wait()
    reply = await handle.start_update(
        Case.post_message, CaseMessageRef(message_id=2, user_id=4, reply=True),
        wait_for_stage=WorkflowUpdateStage.ACCEPTED)  # the case still in progress
    written.set()
    assert await resolution.result() == "resolved"
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await reply.result()
    assert "your reply was not sent" in refused_because(refused)
    assert [call["message_id"] for call in fake.calls["publish_message"]] == [1]
    assert (await handle.query(Case.detail)).status == "resolved"
    assert "updated" not in emails(fake)
