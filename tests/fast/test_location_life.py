"""A location's workflow alone, activities faked: reminders read the last activity, a rejected
location is resubmitted, an enrolled one reviews amendments, and a long life continues as new
without losing its state, its timers or an update in flight."""

import itertools
import random
from datetime import UTC, datetime, timedelta

from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.exceptions import ApplicationError

from models.contracts import (
    AcceptInvitation,
    AddStorageUnit,
    Decision,
    EnrollmentInput,
    LocationInput,
    Resubmit,
    SectionBActivity,
    SectionBResult,
    SubmitSectionB,
)
from tests.fast.fakes import Fakes, eventually
from workflows import ids
from workflows.enrollment import OrganizationEnrollmentWorkflow as Organization
from workflows.location import LocationEnrollmentWorkflow as Location
from workflows.releases import RELEASE

DAY = timedelta(days=1)
NUMBERS = itertools.count(random.randrange(10_000, 90_000) * 1000 + 500)
REVIEWER = {"reviewer_id": 9, "reviewer_role": "reviewer"}


class Drafts:
    """What the database would say about Section B: a revision and when it was saved."""

    def __init__(self) -> None:
        self.revision, self.updated_at = 0, None

    def save(self, at: datetime) -> None:
        self.revision, self.updated_at = self.revision + 1, at

    def read(self, _arg) -> SectionBActivity:
        return SectionBActivity(revision=self.revision, updated_at=self.updated_at)


def fakes(drafts: Drafts) -> Fakes:
    return Fakes(section_b_activity=drafts.read,
                 complete_section_b=lambda d: SectionBResult(location_id=d["location_id"],
                                                             providers_pending=False))


async def start(env, task_queue: str, history_limit: int | None = None):
    """The location's workflow, with an (unsubmitted) organization's to hear from it."""
    number = next(NUMBERS)
    await env.client.start_workflow(
        Organization.run, EnrollmentInput(organization_id=number, release=RELEASE),
        id=ids.enrollment(number),
        task_queue=task_queue)
    return await env.client.start_workflow(
        Location.run, LocationInput(location_id=number, organization_id=number,
                                    history_limit=history_limit, release=RELEASE),
        id=ids.location(number), task_queue=task_queue)


async def test_reminders_count_from_the_last_save_not_from_a_signal(ts_env, workers):
    drafts = Drafts()
    fake = fakes(drafts)
    task_queue = await workers.start(fake)
    handle = await start(ts_env, task_queue)
    await eventually(lambda: fake.count("invite_coordinator") == 1)
    await ts_env.sleep(6 * DAY)
    drafts.save(await ts_env.get_current_time())  # a save on day 6: no workflow task
    await ts_env.sleep(DAY + timedelta(hours=1))
    assert fake.count("remind_section_b") == 0, "the day-7 timer re-armed from day 6"
    await eventually(lambda: fake.count("project_location", status="in_progress") == 1)
    await ts_env.sleep(6 * DAY)
    await eventually(lambda: fake.count("remind_section_b") == 1)
    await ts_env.sleep(7 * DAY + timedelta(hours=1))
    await eventually(lambda: fake.count("escalate_section_b") == 1)
    detail = await handle.query(Location.detail)
    assert detail.reminders_sent == 2 and detail.status == "in_progress"


async def test_a_step_writes_its_transition_and_a_refused_step_moves_nothing(ts_env, workers):
    answers = iter([ApplicationError("Section B is not complete: add a provider.",
                                     type="Invalid", non_retryable=True), None])

    def complete_section_b(d):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return SectionBResult(location_id=d["location_id"], providers_pending=False)

    fake = Fakes(section_b_activity=Drafts().read, complete_section_b=complete_section_b)
    task_queue = await workers.start(fake)
    handle = await start(ts_env, task_queue)
    await eventually(lambda: fake.count("project_location", status="new") == 1)
    assert fake.calls["invite_coordinator"][0]["then"]["status"] == "new"
    try:
        await handle.execute_update(Location.submit_section_b, SubmitSectionB(user_id=2))
        raise AssertionError("the step's refusal did not reach the caller")
    except WorkflowUpdateFailedError as error:
        assert error.cause.type == "Invalid"
    assert (await handle.query(Location.detail)).status == "new", "a refused step moved it"
    await handle.execute_update(Location.submit_section_b, SubmitSectionB(user_id=2))
    refused, accepted = (call["then"] for call in fake.calls["complete_section_b"])
    assert refused == accepted and accepted["status"] == "submitted"
    assert accepted["seq"] == fake.calls["project_location"][0]["seq"] + 1, "no gap, no repeat"
    assert fake.count("project_location", status="submitted") == 1
    await eventually(lambda: fake.count("confirm_section_b") == 1)
    ran = [name for name, _ in fake.log]
    assert "project_location" not in ran, ran  # each status rode on its step
    assert fake.count("project_location", status="awaiting_signatures") == 1


async def test_rejection_resubmission_and_an_amendment_after_approval(ts_env, workers):
    fake = fakes(Drafts())
    task_queue = await workers.start(fake)
    handle = await start(ts_env, task_queue)
    await handle.execute_update(Location.submit_section_b, SubmitSectionB(user_id=2))
    await handle.signal(Location.officers_signed)
    await eventually(lambda: fake.count("project_location", status="pending_review") == 1)
    try:
        await handle.execute_update(Location.decide, Decision(**REVIEWER, approve=False))
        raise AssertionError("a rejection without a reason was accepted")
    except WorkflowUpdateFailedError as error:
        assert error.cause.type == "Invalid"
    rejected = await handle.execute_update(
        Location.decide, Decision(**REVIEWER, approve=False, reason="Blurry photos"))
    assert rejected.status == "rejected"
    assert await handle.execute_update(Location.resubmit, Resubmit(user_id=2)) == \
        "in_progress"
    await handle.execute_update(Location.submit_section_b, SubmitSectionB(user_id=2))
    await eventually(lambda: fake.count("project_location", status="awaiting_signatures") == 2)
    await handle.signal(Location.officers_signed)  # the organization: still covered
    await eventually(lambda: fake.count("project_location", status="pending_review") == 2)
    assert (await handle.execute_update(
        Location.decide, Decision(**REVIEWER, approve=True))).status == "approved"
    await handle.execute_update(Location.add_storage_unit, AddStorageUnit(storage_unit_id=5))
    await eventually(lambda: fake.count("open_amendment") == 1)
    amendment = await handle.execute_update(Location.decide,
                                            Decision(**REVIEWER, approve=True))
    assert amendment.amendment and amendment.status == "approved"
    await eventually(lambda: fake.count("send_decision_email") == 3)


async def test_a_double_click_waits_for_the_first_and_is_told_what_happened(ts_env, workers):
    fake = fakes(Drafts())
    task_queue = await workers.start(fake)
    handle = await start(ts_env, task_queue)
    first = handle.start_update(Location.submit_section_b, SubmitSectionB(user_id=2),
                                wait_for_stage=WorkflowUpdateStage.ACCEPTED)
    second = handle.start_update(Location.submit_section_b, SubmitSectionB(user_id=2),
                                 wait_for_stage=WorkflowUpdateStage.ACCEPTED)
    outcomes = []
    for started in (first, second):
        try:
            outcomes.append(await (await started).result())
        except WorkflowUpdateFailedError as error:
            outcomes.append(str(error.cause))
    assert fake.count("complete_section_b") == 1
    assert any("already submitted" in str(o) for o in outcomes), outcomes


async def test_a_long_life_continues_as_new_and_keeps_everything(ts_env, workers):
    drafts = Drafts()
    fake = fakes(drafts)
    task_queue = await workers.start(fake)
    handle = await start(ts_env, task_queue, history_limit=40)
    first_run = (await handle.describe()).run_id
    for week in range(1, 7):  # six weeks idle: six reminders, each a timer and activities
        await ts_env.sleep(7 * DAY + timedelta(minutes=5))
        await eventually(lambda w=week: fake.count("remind_section_b") == w)
    await handle.execute_update(Location.accept_invitation,
                                AcceptInvitation(link_id=3, user_id=2))
    drafts.save(await ts_env.get_current_time())
    await ts_env.sleep(3 * DAY)
    detail = await handle.query(Location.detail)
    assert detail.reminders_sent == 6 and detail.coordinator_registered
    assert (await handle.describe()).run_id != first_run, "it continued as new"
    await ts_env.sleep(4 * DAY + timedelta(hours=1))  # the timer armed before survives
    await eventually(lambda: fake.count("remind_section_b") == 7)
    await handle.execute_update(Location.submit_section_b, SubmitSectionB(user_id=2))
    seqs = [call["seq"] for call in fake.calls["project_location"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "no transition lost"


async def test_an_action_after_its_callers_deadline_is_refused(ts_env, workers):
    fake = fakes(Drafts())
    task_queue = await workers.start(fake)
    handle = await start(ts_env, task_queue)
    late = SubmitSectionB(user_id=2, deadline=datetime.now(UTC) - timedelta(seconds=1))
    try:
        await handle.execute_update(Location.submit_section_b, late)
        raise AssertionError("a late command was applied")
    except WorkflowUpdateFailedError as error:
        assert error.cause.type == "Expired"
    assert fake.count("complete_section_b") == 0
