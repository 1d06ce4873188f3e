"""Warnings for workflow tasks that go wrong, which the SDK would otherwise keep to itself.

A workflow task that fails (an exception in workflow code, a non-deterministic change) is
retried by the server every few seconds with nothing in the worker's log, and one that
takes longer than its timeout (10 s by default: a worker short of CPU, a burst of new
cases) is handed out again after the timeout. This runner wraps the real one and times
every activation from the moment the server handed the task out (the activation's
timestamp) to its completion, so both show up as warnings naming the workflow.
"""

import logging
import time
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails, WorkflowRunner

log = logging.getLogger("cvms.workflow_tasks")


class WatchedRunner(WorkflowRunner):
    def __init__(self, inner: WorkflowRunner, slow: timedelta) -> None:
        self.inner = inner
        self.slow = slow.total_seconds()

    def prepare_workflow(self, defn: workflow._Definition) -> None:
        self.inner.prepare_workflow(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return WatchedInstance(self.inner.create_instance(det), det.info, self.slow)

    def set_worker_level_failure_exception_types(self, types: Any) -> None:
        self.inner.set_worker_level_failure_exception_types(types)


class WatchedInstance(WorkflowInstance):
    def __init__(self, inner: WorkflowInstance, info: workflow.Info, slow: float) -> None:
        self.inner = inner
        self.info = info
        self.slow = slow
        self.timeout = info.task_timeout.total_seconds() if info.task_timeout else 10.0

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        started = time.perf_counter()
        completion = self.inner.activate(act)
        took = time.perf_counter() - started
        if completion.HasField("failed"):
            log.warning("workflow task failed for %s (%s): %s", self.info.workflow_id,
                        self.info.workflow_type, completion.failed.failure.message)
        since_handed_out = (time.time() - act.timestamp.ToMicroseconds() / 1e6
                            if act.HasField("timestamp") and not act.is_replaying else 0.0)
        if since_handed_out > self.timeout:
            log.warning("workflow task for %s (%s) completed %.1f s after it was handed out, "
                        "past its %.0f s timeout: the server will have timed it out",
                        self.info.workflow_id, self.info.workflow_type, since_handed_out,
                        self.timeout)
        elif took > self.slow:
            log.warning("slow workflow activation for %s (%s): %.2f s, %d jobs%s",
                        self.info.workflow_id, self.info.workflow_type, took, len(act.jobs),
                        " (replaying its history)" if act.is_replaying else "")
        return completion

    def get_serialization_context(self, command_info: Any) -> Any:
        return self.inner.get_serialization_context(command_info)

    def get_external_store_context(self, command_info: Any) -> Any:
        return self.inner.get_external_store_context(command_info)

    def get_info(self) -> workflow.Info:
        return self.inner.get_info()

    def get_thread_id(self) -> int | None:
        return self.inner.get_thread_id()
