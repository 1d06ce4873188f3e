"""A help-desk case, activities faked: service levels, the request for information's reminder
and closure, resolution and the reopening window, and continue-as-new."""

import itertools
import random
from datetime import timedelta

from temporalio.service import RPCError, RPCStatusCode

from models.contracts import AssignCase, CaseInput, CaseMessageRef, PublishedMessage
from tests.fast.fakes import Fakes, eventually
from workflows.case import CaseWorkflow as Case
from workflows.releases import RELEASE

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
NUMBERS = itertools.count(random.randrange(10_000, 90_000) * 1000 + 700)


def published(kind: str = "agent"):
    return lambda d: PublishedMessage(message_id=d["message_id"], author_kind=kind,
                                      internal=False)


async def open_case(env, task_queue: str, **overrides):
    case_id = next(NUMBERS)
    data = CaseInput(case_id=case_id, response_target=8 * HOUR, resolution_target=2 * DAY,
                     release=RELEASE, **overrides)
    return await env.client.start_workflow(Case.run, data, id=f"fast-case-{case_id}",
                                           task_queue=task_queue)


def emails(fake: Fakes) -> list[str]:
    return [call["kind"] for call in fake.calls["send_case_email"]]


async def test_a_quiet_case_is_flagged_then_escalated_past_its_target(ts_env, workers):
    fake = Fakes(publish_message=published())
    task_queue = await workers.start(fake)
    handle = await open_case(ts_env, task_queue)
    await ts_env.sleep(6 * HOUR + 30 * timedelta(minutes=1))
    await eventually(lambda: emails(fake).count("escalated") == 1)  # 80% of 8 hours
    await ts_env.sleep(2 * HOUR)
    await eventually(lambda: emails(fake).count("escalated") == 2)  # past it
    assert await handle.execute_update(Case.assign, AssignCase(agent_id=3, by_user_id=3)) == \
        "in_progress"
    detail = await handle.query(Case.detail)
    assert detail.active_minutes >= 8 * 60


async def test_an_unanswered_request_for_information_reminds_twice_then_closes(ts_env, workers):
    fake = Fakes(publish_message=published())
    task_queue = await workers.start(fake)
    handle = await open_case(ts_env, task_queue)
    assert await handle.execute_update(Case.request_info, CaseMessageRef(
        message_id=1, user_id=3)) == "awaiting_requester"
    before = (await handle.query(Case.detail)).active_minutes
    await ts_env.sleep(2 * DAY + HOUR)
    await eventually(lambda: emails(fake)[-2:] == ["info_requested", "info_reminder"])
    await ts_env.sleep(2 * DAY)  # the day before it closes: reminded again
    await eventually(lambda: emails(fake).count("info_reminder") == 2)
    await ts_env.sleep(DAY)
    assert await handle.result() == "closed"
    assert emails(fake)[-4:] == ["info_requested", "info_reminder", "info_reminder", "closed"]
    due = [call["due_at"] for call in fake.calls["send_case_email"]
           if call["kind"] == "info_reminder"]
    assert due[0] == due[1], "both name the day the case closes"
    assert "escalated" not in emails(fake), "waiting on the requester is not counted"
    assert before < 60


async def test_a_resolved_case_reopens_within_seven_days_only(ts_env, workers):
    fake = Fakes(publish_message=published("requester"))
    task_queue = await workers.start(fake)
    handle = await open_case(ts_env, task_queue)
    await handle.execute_update(Case.resolve, CaseMessageRef(message_id=1, user_id=3))
    await handle.execute_update(Case.reopen, CaseMessageRef(message_id=2, user_id=5))
    await handle.execute_update(Case.resolve, CaseMessageRef(message_id=3, user_id=3))
    await ts_env.sleep(7 * DAY + HOUR)
    assert await handle.result() == "closed"  # the reopening period ended: it is over
    assert emails(fake)[-1] == "closed"
    try:
        await handle.execute_update(Case.reopen, CaseMessageRef(message_id=4, user_id=5))
        raise AssertionError("reopened after the window")
    except RPCError as error:
        assert error.status == RPCStatusCode.NOT_FOUND
    assert fake.count("publish_message") == 3, "a refused reopening publishes nothing"


async def test_a_long_case_continues_as_new_with_its_clock(ts_env, workers):
    fake = Fakes(publish_message=published("requester"))
    task_queue = await workers.start(fake)
    handle = await open_case(ts_env, task_queue, history_limit=30)
    first_run = (await handle.describe()).run_id
    for n in range(8):
        await handle.execute_update(Case.post_message, CaseMessageRef(message_id=n, user_id=5))
    await ts_env.sleep(7 * HOUR)
    assert (await handle.describe()).run_id != first_run
    await eventually(lambda: "escalated" in emails(fake))
    assert emails(fake).count("for_agent") == 8 and emails(fake).count("received") == 1
    assert (await handle.query(Case.detail)).active_minutes >= 0.8 * 8 * 60  # as of the flag
