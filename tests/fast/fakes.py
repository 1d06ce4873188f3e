"""The fast ring's activities: every real activity, faked under its real name.

A fake records each call and answers with the test's handler (None by default), so a test
runs a workflow on the time-skipping server without a database, SMTP or anything else."""

import asyncio
import inspect
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.accounts import AccountActivities
from activities.care import CareActivities
from activities.enrollment import EnrollmentActivities
from activities.helpdesk import HelpdeskActivities
from activities.inventory import InventoryActivities
from activities.portal import PortalActivities
from activities.recipients import RecipientActivities
from activities.review import ReviewActivities
from activities.signing import SigningActivities
from core.build import build_id
from models.contracts import (
    AppointmentBooking,
    DetailsCorrected,
    LocationAttached,
    PublishedMessage,
    RoundOpened,
    SectionAResult,
    SectionBActivity,
    SectionBResult,
    SignatureRecorded,
)
from worker import sandbox_runner
from workflows.registry import WORKFLOWS

CLASSES = (AccountActivities, EnrollmentActivities, HelpdeskActivities, InventoryActivities,
           ReviewActivities, SigningActivities, PortalActivities,
           RecipientActivities, CareActivities)


def activity_names() -> list[str]:
    names = []
    for cls in CLASSES:
        for attribute in dir(cls):
            definition = activity._Definition.from_callable(getattr(cls, attribute))
            if definition is not None:
                names.append(definition.name)
    return names


def _defaults() -> dict[str, Callable[[Any], Any]]:
    """Answers a workflow can live with, for activities that return something: a workflow a
    test leaves running must never fail its tasks (the server would stop skipping time)."""
    return {
        "section_b_activity": lambda _: SectionBActivity(revision=0, updated_at=None),
        "complete_section_b": lambda d: SectionBResult(location_id=d["location_id"],
                                                       providers_pending=False),
        "submit_section_a": lambda d: SectionAResult(organization_id=d["organization_id"],
                                                     location_ids=[]),
        "attach_location": lambda d: LocationAttached(location_id=d["location_id"], name="X"),
        "correct_organization": lambda _: DetailsCorrected(changed=[]),
        "open_round": lambda d: RoundOpened(round_id=d["number"], requests=[]),
        "record_signature": lambda d: SignatureRecorded(signature_id=1,
                                                        request_id=d["request_id"]),
        "validate_contact": lambda d: 1000 + d["contact_id"],
        "publish_message": lambda d: PublishedMessage(message_id=d["message_id"],
                                                      author_kind="agent", internal=False),
        "read_appointment": lambda _: AppointmentBooking(status="booked"),
    }


class Fakes:
    def __init__(self, **handlers: Callable[[Any], Any]) -> None:
        self.calls: dict[str, list[Any]] = defaultdict(list)
        self.log: list[tuple[str, Any]] = []  # every activity that ran, in order
        self.handlers = {**_defaults(), **handlers}

    def functions(self) -> list[Callable[..., Any]]:
        return [self._fake(name) for name in activity_names()]

    def _fake(self, name: str):
        @activity.defn(name=name)
        async def fake(arg: Any = None) -> Any:
            self.calls[name].append(arg)
            self.log.append((name, arg))
            handler = self.handlers.get(name)
            result = handler(arg) if handler else None
            result = await result if inspect.isawaitable(result) else result
            if isinstance(arg, dict) and arg.get("then"):  # the step wrote its transition too
                self.calls["project_location"].append(arg["then"])
            return result

        return fake

    def count(self, name: str, **matching: Any) -> int:
        return sum(1 for call in self.calls[name]
                   if all(call.get(k) == v for k, v in matching.items()))


class Workers:
    """A worker per test, on its own task queue, kept polling until the session ends: the
    time-skipping server only skips time when no workflow task is left waiting, and a test's
    workflows may still have timers when it ends."""

    def __init__(self, env: WorkflowEnvironment) -> None:
        self.env = env
        self.running: list[tuple[Worker, asyncio.Task]] = []

    async def start(self, fakes: Fakes) -> str:
        task_queue = f"fast-{uuid.uuid4().hex[:8]}"
        worker = Worker(self.env.client, task_queue=task_queue, workflows=WORKFLOWS,
                        activities=fakes.functions(), workflow_runner=sandbox_runner(),
                        build_id=build_id())
        self.running.append((worker, asyncio.create_task(worker.run())))
        return task_queue

    async def stop(self) -> None:
        for worker, task in self.running:
            await worker.shutdown()
            await task


async def eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll (in real time: the test server skips time only while a result is awaited)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        result = await result if inspect.isawaitable(result) else result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached in {timeout}s: {check}")
        await asyncio.sleep(0.05)
