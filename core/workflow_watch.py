"""Warnings for workflow tasks that go wrong, which the SDK would otherwise keep to itself.

A workflow task that fails (an exception in workflow code, a non-deterministic change) is
retried by the server every few seconds with nothing in the worker's log, and one that
takes longer than its timeout (10 s by default: a worker short of CPU, a burst of new
cases) is handed out again after the timeout. This runner wraps the real one and times
every activation from the moment the server handed the task out (the activation's
timestamp) to its completion, so both show up as warnings naming the workflow. A task the
server no longer had when its completion arrived (it timed it out, or could not record the
completion in time: the dev server under a burst) reaches the worker only as the run's
eviction, which is a warning too.
"""

import logging
import time
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.bridge.proto.workflow_activation import RemoveFromCache, WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.converter import DataConverter
from temporalio.converter._extstore import StorageDriverStoreContext
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails, WorkflowRunner

log = logging.getLogger("cvms.workflow_tasks")

# Evictions that mean a task went wrong (the others: a full cache, a run that ended, a request)
TROUBLE = {RemoveFromCache.EvictionReason.TASK_NOT_FOUND,
           RemoveFromCache.EvictionReason.NONDETERMINISM, RemoveFromCache.EvictionReason.FATAL,
           RemoveFromCache.EvictionReason.PAGINATION_OR_HISTORY_FETCH}

NO_STORE_CONTEXT = StorageDriverStoreContext(target=None)  # the sandbox's own default


def plain_payloads(converter: DataConverter) -> bool:
    return converter.payload_codec is None and converter.external_storage is None


class WatchedRunner(WorkflowRunner):
    """`plain_payloads`: the worker's data converter has no payload codec and no external
    storage. The SDK (1.35) still walks every activation and completion three times each way,
    asking the workflow instance, per payload, for its serialization context, which the
    sandbox answers by running code inside it (10% of the worker's CPU in an enrollment,
    measured with py-spy); the context only chooses a codec's settings, so with no codec the
    answer is the context-free one at once (`temporalio.converter` is told so by `None`)."""

    def __init__(self, inner: WorkflowRunner, slow: timedelta, *,
                 plain_payloads: bool = False) -> None:
        self.inner = inner
        self.slow = slow.total_seconds()
        self.plain_payloads = plain_payloads

    def prepare_workflow(self, defn: workflow._Definition) -> None:
        self.inner.prepare_workflow(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        inner = self.inner.create_instance(det)
        if self.plain_payloads:
            return PlainPayloadsInstance(inner, det.info, self.slow)
        return WatchedInstance(inner, det.info, self.slow)

    def set_worker_level_failure_exception_types(self, types: Any) -> None:
        self.inner.set_worker_level_failure_exception_types(types)


class WatchedInstance(WorkflowInstance):
    def __init__(self, inner: WorkflowInstance, info: workflow.Info, slow: float) -> None:
        self.inner = inner
        self.info = info
        self.slow = slow
        self.timeout = info.task_timeout.total_seconds() if info.task_timeout else 10.0

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        evictions = [job.remove_from_cache for job in act.jobs
                     if job.HasField("remove_from_cache")]
        for eviction in evictions:
            self._evicted(eviction)
        started = time.perf_counter()
        completion = self.inner.activate(act)
        took = time.perf_counter() - started
        if completion.HasField("failed"):
            log.warning("workflow task failed for %s (%s): %s", self.info.workflow_id,
                        self.info.workflow_type, completion.failed.failure.message)
        # (an eviction is no task the server handed out: a cached run's may be days old)
        since_handed_out = (time.time() - act.timestamp.ToMicroseconds() / 1e6
                            if act.HasField("timestamp") and not act.is_replaying
                            and not evictions else 0.0)
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

    def _evicted(self, eviction: RemoveFromCache) -> None:
        """An eviction that says a task went wrong where this runner could not time it: the
        server no longer had the task (it timed it out while the completion was on its way, or
        the server could not record it in time), or history the run could not follow."""
        if eviction.reason in TROUBLE:
            log.warning("workflow task for %s (%s) was not taken by the server (%s): %s; the "
                        "run is evicted and its next task replays it",
                        self.info.workflow_id, self.info.workflow_type,
                        RemoveFromCache.EvictionReason.Name(eviction.reason), eviction.message)

    def get_serialization_context(self, command_info: Any) -> Any:
        return self.inner.get_serialization_context(command_info)

    def get_external_store_context(self, command_info: Any) -> Any:
        return self.inner.get_external_store_context(command_info)

    def get_info(self) -> workflow.Info:
        return self.inner.get_info()

    def get_thread_id(self) -> int | None:
        return self.inner.get_thread_id()


class PlainPayloadsInstance(WatchedInstance):
    """A watched instance of a worker whose payloads go through no codec and no external
    storage: the contexts those would be given are not computed inside the sandbox."""

    def get_serialization_context(self, command_info: Any) -> Any:
        return None  # the data converter's context-free form, which is the only one in use

    def get_external_store_context(self, command_info: Any) -> Any:
        return NO_STORE_CONTEXT
