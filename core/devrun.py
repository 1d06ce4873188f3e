"""The run command: migrate, then start Temporal, the mail catcher, the worker and the portal.

Every part runs as a child process in its own session; Ctrl-C (or SIGTERM) stops them in
reverse order and waits, and each child also dies with this process if it is killed.
"""

import argparse
import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx
from dotenv import dotenv_values

from core.migrate import upgrade
from core.settings import get_settings

log = logging.getLogger("cvms.run")
BIN = Path(sys.executable).parent
# uvicorn keeps an idle connection this long (its default is 5 s): longer than a load balancer's
# usual 60 s, so the balancer, not uvicorn, closes it, and no request is sent down a connection
# being closed under it. docker-compose.yml and the Dockerfile say the same.
KEEP_ALIVE_SECONDS = 75
STOP_GRACE = 15.0

# The dev server's history service reads its transfer queue (where a workflow task waits to be
# handed to a worker after an activity completed, a signal or a child's start arrived) at most
# `history.transferProcessorMaxPollRPS` times a second per shard: Temporal's default is 20, and
# the dev server has one shard. Past a burst of ~20 such steps, each one waited for the next
# read, ~44 ms, before any worker could take it (a workflow's history showed it between
# WORKFLOW_TASK_SCHEDULED and STARTED: median 31 ms over an enrollment's 47 tasks, 1.3 s in
# all, against ~1 ms for the same steps spaced out). A cluster spreads the same reads over its
# shards (docker-compose.yml sets the same allowance: deploy/temporal-dynamic-config.yaml).
# The run command, the tests and the benchmarks start the dev server with this.
DEV_SERVER_DYNAMIC_CONFIG = {"history.transferProcessorMaxPollRPS": 1000}


def dev_server_tuning() -> list[str]:
    """The dev server's arguments for DEV_SERVER_DYNAMIC_CONFIG."""
    return [arg for key, value in DEV_SERVER_DYNAMIC_CONFIG.items()
            for arg in ("--dynamic-config-value", f"{key}={value}")]


def api_command(host: str, port: int, *extra: str) -> list[str]:
    """The API and portal process, as the run command and the benchmarks start it."""
    return [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", host,
            "--port", str(port), "--log-level", "warning", "--no-proxy-headers",
            "--no-server-header", "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS), *extra]


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    log.info("starting %s", name)
    return subprocess.Popen(argv, env={**os.environ, **(env or {})}, start_new_session=True,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def wait_for_port(host: str, port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {port} opened")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout:.0f}s")


def stop_all(children: list[tuple[str, subprocess.Popen]]) -> None:
    for name, proc in reversed(children):
        if proc.poll() is None:
            log.info("stopping %s", name)
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0fs; killing it", name, STOP_GRACE)
                proc.kill()
                proc.wait()


def temporal_argv(data_dir: Path, port: int, ui_port: int) -> list[str]:
    return [str(BIN / "temporal"), "server", "start-dev", "--db-filename",
            str(data_dir / "temporal.db"), "--ip", "127.0.0.1", "--port", str(port),
            "--ui-port", str(ui_port), "--log-level", "error", *dev_server_tuning()]


def start_all(args: argparse.Namespace) -> list[tuple[str, subprocess.Popen]]:
    settings = get_settings()
    host, port = settings.temporal_address.rsplit(":", 1)
    children: list[tuple[str, subprocess.Popen]] = []
    temporal = spawn("Temporal dev server", temporal_argv(settings.data_dir, int(port),
                                                          args.temporal_ui_port))
    children.append(("Temporal dev server", temporal))
    catcher = spawn("mail catcher", [sys.executable, "-m", "notifications.catcher", "--port",
                                     str(settings.smtp_port), "--dir", str(settings.mailbox_dir)])
    children.append(("mail catcher", catcher))
    wait_for_port(host, int(port), temporal)
    children.append(("worker", spawn("worker", [sys.executable, "worker.py"])))
    children.append(("API and portal", spawn("API and portal", api_command(args.host,
                                                                           args.port))))
    return children


def emailed_link_base(host: str, port: int, environ: Mapping[str, str],
                      dotenv: Path) -> str | None:
    """PUBLIC_BASE_URL for this run when neither the environment nor `.env` gives one: the
    portal it serves. The setting's default (port 8000) sent `--port 8001`'s emailed links to
    a port where nothing, or another copy of the system, answered."""
    given = {*environ, *(dotenv_values(dotenv) if dotenv.is_file() else {})}
    if "PUBLIC_BASE_URL" in {name.upper() for name in given}:
        return None
    return f"http://{host}:{port}"


def wait_healthy(url: str, children: list[tuple[str, subprocess.Popen]]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        for name, proc in children:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not report healthy in 90s")


def banner(args: argparse.Namespace) -> str:
    base = f"http://{args.host}:{args.port}"
    return (f"\nCVMS is running.\n  Portal:      {base}/\n  API docs:    {base}/api/docs\n"
            f"  Temporal UI: http://127.0.0.1:{args.temporal_ui_port}/\n"
            f"  Mailbox:     {base}/dev/mailbox\n  Health:      {base}/healthz\n"
            "Press Ctrl-C to stop everything.\n")


def supervise(children: list[tuple[str, subprocess.Popen]]) -> int:
    stop = {"signal": None}

    def on_signal(signum, _frame):
        stop["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while stop["signal"] is None:
        for name, proc in children:
            if proc.poll() is not None:
                log.error("%s exited unexpectedly with %s", name, proc.returncode)
                return 1
        time.sleep(0.3)
    return 0


def demo_clinic(base_url: str, mailbox_dir: Path) -> None:
    """Enroll the demo clinic through the running system (see core/demo.py); a refused step is
    reported and the system stays up."""
    from core.demo import DemoError, enroll_demo_clinic
    try:
        enroll_demo_clinic(base_url, mailbox_dir)
    except (DemoError, httpx.HTTPError) as error:
        log.error("the demo clinic was not enrolled: %s", error)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the whole CVMS system locally")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--temporal-ui-port", type=int, default=8233)
    parser.add_argument("--seed-demo", action="store_true",
                        help="create the demo accounts and enroll the demo clinic")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s run %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    link_base = emailed_link_base(args.host, args.port, os.environ, Path(".env"))
    if link_base:  # the children (worker, portal) read it from the environment they inherit
        os.environ["PUBLIC_BASE_URL"] = link_base
        get_settings.cache_clear()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    if args.seed_demo:
        from core.seed import seed_demo
        asyncio.run(seed_demo(settings))
    children: list[tuple[str, subprocess.Popen]] = []
    try:
        children = start_all(args)
        wait_healthy(f"http://{args.host}:{args.port}/healthz", children)
        if args.seed_demo:
            demo_clinic(f"http://{args.host}:{args.port}", settings.mailbox_dir)
        print(banner(args), flush=True)
        return supervise(children)
    except (RuntimeError, TimeoutError) as error:
        log.error("could not start: %s", error)
        return 1
    finally:
        stop_all(children)
        log.info("all stopped")


if __name__ == "__main__":
    sys.exit(main())
