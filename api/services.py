"""What the app holds for its lifetime: settings, database sessions, the Temporal client."""

import asyncio
from dataclasses import dataclass

from temporalio.client import Client

from core.db import SessionFactory
from core.settings import Settings
from core.temporal import connect


class TemporalGateway:
    """Connects on first use, so the portal starts (and /healthz reports) while Temporal is down."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client
        self._lock = asyncio.Lock()

    @property
    def task_queue(self) -> str:
        return self._settings.temporal_task_queue

    async def client(self) -> Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await connect(self._settings)
        return self._client

    async def healthy(self) -> bool:
        client = await self.client()
        return await client.service_client.check_health()


@dataclass
class Services:
    settings: Settings
    sessions: SessionFactory
    temporal: TemporalGateway
