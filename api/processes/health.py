"""Is a worker polling the task queue? A query to a tiny workflow answers it (queries need a
worker and add nothing to any history)."""

from api.processes.gateway import Gateway
from workflows import ids
from workflows.health import HealthWorkflow

PING_SECONDS = 2.0


async def worker_polls(gateway: Gateway) -> bool:
    workflow_id = ids.health(gateway.task_queue)
    await gateway.start(HealthWorkflow.run, None, id=workflow_id)
    return await gateway.query(workflow_id, HealthWorkflow.ping, PING_SECONDS) == "ok"


async def server_healthy(gateway: Gateway) -> bool:
    return await gateway.server_healthy()
