"""The organization's workflow with its real location and signing children, activities faked:
the officers sign once for every location named in Section A; only later additions and
corrections ask for an addendum."""

import itertools
import random
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.client import WithStartWorkflowOperation, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy

from models.contracts import (
    AddLocation,
    CorrectDetails,
    Decision,
    DetailsCorrected,
    EnrollmentInput,
    LocationAttached,
    OfficerSign,
    RoundOpened,
    RoundRequest,
    SectionAResult,
    SectionBResult,
    SignatureRecorded,
    SubmitSectionA,
    SubmitSectionB,
)
from tests.fast.fakes import Fakes, eventually
from workflows import ids
from workflows.enrollment import OrganizationEnrollmentWorkflow
from workflows.location import LocationEnrollmentWorkflow
from workflows.releases import RELEASE
from workflows.signing import SigningRoundWorkflow

ORGS = itertools.count(random.randrange(10_000, 90_000) * 100)


def numbers() -> tuple[int, list[int]]:
    """A fresh organization id and five location ids (the test server is shared)."""
    org = next(ORGS)
    return org, [org * 10 + i for i in range(1, 6)]


def round_opened(data: dict) -> RoundOpened:
    number = data["number"]
    return RoundOpened(round_id=number, requests=[
        RoundRequest(request_id=number * 10 + i, officer_role=role, document="provider_agreement")
        for i, role in enumerate(("ceo", "cmo"))])


def fakes(org: int, location_ids: list[int]) -> Fakes:
    return Fakes(
        submit_section_a=lambda _: SectionAResult(organization_id=org, location_ids=location_ids),
        open_round=round_opened,
        complete_section_b=lambda d: SectionBResult(location_id=d["location_id"],
                                                    providers_pending=False, active_providers=1),
        record_signature=lambda d: SignatureRecorded(signature_id=d["request_id"],
                                                     request_id=d["request_id"]),
        attach_location=lambda d: LocationAttached(location_id=d["location_id"],
                                                   name=f"Clinic {d['location_id']}"),
        correct_organization=lambda _: DetailsCorrected(changed=["phone"]),
    )


async def submit_a(client, task_queue: str, org: int) -> None:
    start = WithStartWorkflowOperation(
        OrganizationEnrollmentWorkflow.run, EnrollmentInput(organization_id=org, release=RELEASE),
        id=ids.enrollment(org), task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
    await client.execute_update_with_start_workflow(
        OrganizationEnrollmentWorkflow.submit_section_a, SubmitSectionA(user_id=1),
        start_workflow_operation=start)


async def status(client, location_id: int) -> str:
    handle = client.get_workflow_handle(ids.location(location_id))
    return (await handle.query(LocationEnrollmentWorkflow.detail)).status


async def reaches(client, location_id: int, wanted: str) -> None:
    async def check():
        try:
            return await status(client, location_id) == wanted
        except Exception:  # noqa: BLE001 - not started yet
            return False
    await eventually(check)


async def submit_b(client, location_id: int) -> None:
    await reaches(client, location_id, "new")
    await client.get_workflow_handle(ids.location(location_id)).execute_update(
        LocationEnrollmentWorkflow.submit_section_b, SubmitSectionB(user_id=2))


async def sign_round(client, org: int, number: int) -> None:
    handle = client.get_workflow_handle(ids.signing_round(org, number))
    for request_id in (number * 10, number * 10 + 1):
        await handle.execute_update(SigningRoundWorkflow.sign, OfficerSign(
            request_id=request_id, link_id=request_id, method="typed", typed_name="Officer"))
    await handle.result()


async def tasks_that(client, workflow_id: str, event_type, attributes: str, wanted) -> list[int]:
    """The workflow tasks (by their completion event) whose commands made the events of
    `event_type` for which `wanted(attributes)` holds, one entry per event."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return [getattr(e, attributes).workflow_task_completed_event_id for e in history.events
            if e.event_type == event_type and wanted(getattr(e, attributes))]


async def test_three_locations_one_signature_and_an_addendum_for_a_later_one(ts_env, workers):
    org_id, (one, two, three, four, _) = numbers()
    fake = fakes(org_id, [one, two, three])
    task_queue = await workers.start(fake)
    client = ts_env.client
    await submit_a(client, task_queue, org_id)
    await submit_b(client, one)
    await eventually(lambda: fake.count("open_round") == 1)
    assert fake.calls["open_round"][0]["location_ids"] == [one, two, three]
    assert fake.calls["open_round"][0]["addendum"] == []
    await submit_b(client, two)  # joins the open request: no new round, no new email
    await reaches(client, two, "awaiting_signatures")
    await sign_round(client, org_id, 1)
    await reaches(client, one, "pending_review")
    await reaches(client, two, "pending_review")
    await submit_b(client, three)  # after the signature: straight to review
    await reaches(client, three, "pending_review")
    assert fake.count("open_round") == 1 and fake.count("send_links") == 1

    # The organization started its three locations' workflows in one workflow task, the one
    # that scheduled Section A's confirmation, and told both signed locations in one.
    workflow_id = ids.enrollment(org_id)
    starts = await tasks_that(
        client, workflow_id, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
        "start_child_workflow_execution_initiated_event_attributes",
        lambda a: a.workflow_type.name == "LocationEnrollmentWorkflow")
    confirm = await tasks_that(
        client, workflow_id, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        "activity_task_scheduled_event_attributes",
        lambda a: a.activity_type.name == "confirm_section_a")
    assert len(starts) == 3 and set(starts) == set(confirm), (starts, confirm)
    told = await tasks_that(
        client, workflow_id, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        "signal_external_workflow_execution_initiated_event_attributes",
        lambda a: a.signal_name == "officers_signed")
    assert len(told) == 3 and len(set(told)) == 2, told  # one and two together, then three

    org = client.get_workflow_handle(ids.enrollment(org_id))
    await org.execute_update(OrganizationEnrollmentWorkflow.add_location,
                             AddLocation(location_id=four, user_id=1))
    await eventually(lambda: fake.count("open_round") == 2)
    addendum = fake.calls["open_round"][1]
    assert addendum["location_ids"] == [four]
    assert addendum["addendum"] == [f"Location added: Clinic {four}"]
    await sign_round(client, org_id, 2)
    await submit_b(client, four)
    await reaches(client, four, "pending_review")


async def test_a_correction_voids_unapproved_signatures_and_asks_for_an_addendum(ts_env, workers):
    org_id, (one, two, *_) = numbers()
    fake = fakes(org_id, [one, two])
    task_queue = await workers.start(fake)
    client = ts_env.client
    await submit_a(client, task_queue, org_id)
    for location_id in (one, two):
        await submit_b(client, location_id)
    await eventually(lambda: fake.count("open_round") == 1)
    await sign_round(client, org_id, 1)
    await reaches(client, two, "pending_review")
    approve = Decision(reviewer_id=9, reviewer_role="reviewer", approve=True)
    await client.get_workflow_handle(ids.location(one)).execute_update(
        LocationEnrollmentWorkflow.decide, approve)
    org = client.get_workflow_handle(ids.enrollment(org_id))
    changed = await org.execute_update(OrganizationEnrollmentWorkflow.correct_details,
                                       CorrectDetails(user_id=1, details={}))
    assert changed.changed == ["phone"]
    await reaches(client, two, "awaiting_signatures")
    assert fake.calls["void_signatures"][-1]["location_ids"] == [two], "approved stays"
    await eventually(lambda: fake.count("open_round") == 2)
    assert fake.calls["open_round"][1]["addendum"] == [
        "Organization details changed: phone"]
    await sign_round(client, org_id, 2)
    await reaches(client, two, "pending_review")
    assert await status(client, one) == "approved"


async def test_a_second_submission_and_a_late_action_are_refused(ts_env, workers):
    org_id, (one, *_) = numbers()
    fake = fakes(org_id, [one])
    task_queue = await workers.start(fake)
    client = ts_env.client
    await submit_a(client, task_queue, org_id)
    org = client.get_workflow_handle(ids.enrollment(org_id))
    try:
        await org.execute_update(OrganizationEnrollmentWorkflow.submit_section_a,
                                 SubmitSectionA(user_id=1))
        raise AssertionError("a second submission was accepted")
    except WorkflowUpdateFailedError as error:
        assert "already submitted" in str(error.cause)
    late = SubmitSectionB(user_id=2, deadline=datetime.now(UTC) - timedelta(seconds=1))
    await reaches(client, one, "new")
    try:
        await client.get_workflow_handle(ids.location(one)).execute_update(
            LocationEnrollmentWorkflow.submit_section_b, late)
        raise AssertionError("an action past its deadline was applied")
    except WorkflowUpdateFailedError as error:
        assert error.cause.type == "Expired"
    assert fake.count("complete_section_b") == 0
