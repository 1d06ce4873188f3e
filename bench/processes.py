"""The system as separate processes, as in production, for the benchmarks: the Temporal dev
server, the worker and the API each in their own process, the load generator (and the SMTP
catcher it reads) in this one. Each process's CPU time is read with psutil, so a figure
says which process spent it."""

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from prometheus_client.parser import text_string_to_metric_families

from core.db import SessionFactory, create_engine, session_factory
from core.devrun import BIN, api_command, dev_server_tuning, stop_all, wait_for_port
from core.settings import Settings
from tests.support.smtp import SmtpCapture, free_ports
from tests.support.system import TEST_SECRET, http_client

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Remote:
    """What the test helpers (tests/support) need of a system, for one in other processes."""

    settings: Settings
    smtp: SmtpCapture
    base_url: str
    metrics_url: str = ""  # the Temporal dev server's Prometheus endpoint
    children: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.engine = create_engine(self.settings.resolved_database_url)

    @property
    def bare_queue(self) -> str:
        return f"{self.settings.temporal_task_queue}-bare"

    @property
    def sessions(self) -> SessionFactory:
        return session_factory(self.engine)

    def http(self, **kwargs) -> httpx.AsyncClient:
        return http_client(self.base_url, 60, **kwargs)

    def process(self, name: str) -> psutil.Process:
        return psutil.Process(dict(self.children)[name].pid)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) so far of each process, this one as 'load generator'."""
        spent = {name: _cpu(psutil.Process(proc.pid), children=True)
                 for name, proc in self.children}
        return {**spent, "load generator": _cpu(psutil.Process())}

    def rss_mib(self, name: str) -> float:
        return self.process(name).memory_info().rss / 2**20


def _cpu(process: psutil.Process, children: bool = False) -> float:
    """The process's CPU time, with `children` its live children's too (uvicorn's worker
    processes with --workers; the load generator's children are the servers themselves)."""
    total = 0.0
    for each in (process, *(process.children(recursive=True) if children else ())):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = each.cpu_times()
            total += times.user + times.system
    return total


RESULTS = Path(__file__).parent / "results"  # not committed


def report(name: str, figures: dict) -> None:
    """A benchmark's figures: to bench/results/<name>.json and to stdout."""
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(figures, indent=2)
    (RESULTS / f"{name}.json").write_text(text)
    print(text)


def percentiles(timings: list[float]) -> dict[str, float]:
    """p50 and p99 of request times in ms, as every benchmark reports them."""
    ordered = sorted(timings)
    return {"p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 1)}


def cpu_delta(before: dict[str, float], after: dict[str, float], per: int) -> dict[str, float]:
    """CPU seconds spent between two readings, per unit of work, by process and in total."""
    spent = {name: (after[name] - before[name]) / per for name in after}
    servers = sum(v for k, v in spent.items() if k != "load generator")
    return {**{k: round(v, 3) for k, v in spent.items()}, "servers": round(servers, 3)}


def app_env(settings: Settings) -> dict[str, str]:
    return {"ENVIRONMENT": "test", "SECRET_KEY": TEST_SECRET, "DEV_MAILBOX": "false",
            "DATABASE_URL": settings.resolved_database_url, "DATA_DIR": str(settings.data_dir),
            "TEMPORAL_ADDRESS": settings.temporal_address,
            "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(settings.smtp_port),
            "PUBLIC_BASE_URL": settings.public_base_url, "PYTHONUNBUFFERED": "1",
            # the load generator registers every administrator from one address
            "REGISTRATIONS_PER_CLIENT_HOUR": "1000000"}


@contextmanager
def running(database_url: str, *, api: bool = True, worker: bool = True,
            temporal: bool = True, api_processes: int = 1, bare_worker: bool = False,
            temporal_tuning: bool = True, **overrides: str):
    """Start the parts asked for; yield a Remote; stop them all. `bare_worker` adds a worker
    process for the bare shape (bench/bare_worker.py) on the task queue `Remote.bare_queue`.
    `temporal_tuning=False` starts the dev server with Temporal's defaults instead of the run
    command's dynamic configuration (core/devrun.py)."""
    smtp = SmtpCapture().start()
    data = Path(tempfile.mkdtemp(prefix="perf-bench-"))
    temporal_port, api_port, metrics_port = free_ports(3)
    settings = Settings(_env_file=None, environment="test", secret_key=TEST_SECRET,
                        database_url=database_url, smtp_port=smtp.port, data_dir=data,
                        temporal_address=f"127.0.0.1:{temporal_port}",
                        temporal_task_queue=f"bench-{uuid.uuid4().hex[:6]}",
                        public_base_url=f"http://127.0.0.1:{api_port}")
    remote = Remote(settings, smtp, settings.public_base_url,
                    metrics_url=f"http://127.0.0.1:{metrics_port}/metrics")
    env = {**app_env(settings), **{k.upper(): v for k, v in overrides.items()}}
    log = (data / "processes.log").open("w")
    try:
        if temporal:
            server = _spawn(remote, "temporal", [
                str(BIN / "temporal"), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
                "--port", str(temporal_port), "--metrics-port", str(metrics_port),
                "--log-level", "error", *(dev_server_tuning() if temporal_tuning else [])],
                env, log)
            wait_for_port("127.0.0.1", temporal_port, server)
        if worker:
            proc = _spawn(remote, "worker", [sys.executable, "worker.py"], env, log)
            _wait_for_line(data / "processes.log", "worker polling", proc)
        if bare_worker:
            proc = _spawn(remote, "bare worker", [
                sys.executable, "-m", "bench.bare_worker", remote.bare_queue], env, log)
            _wait_for_line(data / "processes.log", "bare worker polling", proc)
        if api:
            proc = _spawn(remote, "api", api_command(
                "127.0.0.1", api_port, "--workers", str(api_processes)), env, log)
            wait_for_port("127.0.0.1", api_port, proc, timeout=120)
        yield remote
    finally:
        stop_all(remote.children)
        smtp.stop()
        log.close()


def _wait_for_line(path: Path, line: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while line not in path.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no {line!r} in {path}: {path.read_text()[-2000:]}")
        time.sleep(0.2)


def _spawn(remote: Remote, name: str, argv: list[str], env: dict[str, str],
           log) -> subprocess.Popen:
    """BENCH_PROFILE=DIR profiles the API and the worker (core/profiling.py), written to
    DIR/<name>.prof when they stop (read with `python -m pstats`)."""
    profile = os.environ.get("BENCH_PROFILE")
    if profile and argv[0] == sys.executable:
        env = {**env, "CVMS_PROFILE": str(Path(profile) / f"{name}.prof")}
    proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    remote.children.append((name, proc))
    return proc


def temporal_requests(remote: Remote) -> dict[str, float]:
    """The Temporal server's requests so far by service and operation ("frontend.StartWorkflow
    Execution"; its `service_requests` counter summed over the namespaces), read from the dev
    server's Prometheus endpoint."""
    counts: dict[str, float] = {}
    text = httpx.get(remote.metrics_url, timeout=10).text
    for family in text_string_to_metric_families(text):
        if family.name != "service_requests":
            continue
        for sample in family.samples:
            key = f"{sample.labels.get('service_name')}.{sample.labels.get('operation')}"
            counts[key] = counts.get(key, 0) + sample.value
    return counts
