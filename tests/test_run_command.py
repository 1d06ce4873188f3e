"""The README's run command on a fresh copy of the tree: up, healthy, Ctrl-C, nothing left,
and a second start finds its data and its running workflows again."""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from core import demo
from core.seed import DEMO_PASSWORD
from tests.support.databases import backend
from tests.support.smtp import free_ports
from tests.support.web import PASSWORD, unique_email

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(backend() != "sqlite",
                                reason="the run command's embedded default is SQLite")


def fresh_copy(target: Path) -> Path:
    """The files a clone would have: tracked plus new, minus ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


class RunCommand:
    def __init__(self, tree: Path) -> None:
        self.tree = tree
        self.port, self.ui, self.temporal, self.smtp = free_ports(4)
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self, target: str = "run") -> None:
        env = {**os.environ, "TEMPORAL_ADDRESS": f"127.0.0.1:{self.temporal}",
               "SMTP_PORT": str(self.smtp), "PUBLIC_BASE_URL": self.base}
        env.pop("VIRTUAL_ENV", None)
        args = f"ARGS=--port {self.port} --temporal-ui-port {self.ui}"
        self.starts = getattr(self, "starts", 0) + 1
        self.log_path = self.tree / f"run-{self.starts}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(["make", target, args], cwd=self.tree, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # a terminal's foreground job
        deadline = time.monotonic() + 300
        while "CVMS is running." not in self.log_path.read_text():
            assert self.proc.poll() is None, self.log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "run command did not come up"
            time.sleep(0.5)

    def ctrl_c(self) -> None:
        """SIGINT to the run command's process group, as a terminal's Ctrl-C sends it; every
        part must then stop cleanly (the worker used to die in interpreter teardown with
        "Fatal Python error: PyGILState_Release" while Temporal's core threads still ran)."""
        os.killpg(self.proc.pid, signal.SIGINT)
        assert self.proc.wait(60) is not None
        self.log.close()
        log = self.log_path.read_text()
        assert "Fatal Python error" not in log, log[-4000:]
        assert "Traceback" not in log, log[-4000:]
        assert "worker stopped" in log, log[-4000:]

    def leftovers(self) -> list[str]:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                cwd = str((proc / "cwd").resolve())
            except (OSError, ValueError):
                continue
            if str(self.tree) in cmdline or cwd.startswith(str(self.tree)):
                found.append(cmdline)
        return found


def test_run_command_starts_stops_cleanly_and_keeps_its_data(tmp_path):
    run = RunCommand(fresh_copy(tmp_path / "cvms"))
    run.start()
    health = httpx.get(f"{run.base}/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok", health.text
    email = unique_email("persist")
    body = {"first_name": "Pat", "last_name": "Persist", "email": email,
            "password": PASSWORD, "password_confirm": PASSWORD}
    assert httpx.post(f"{run.base}/api/v1/registrations", json=body).status_code == 202
    link = wait_for_mailbox_link(run.base, "Confirm your email")
    run.ctrl_c()
    assert run.leftovers() == []
    run.start("demo")  # the same system, with the demo accounts and the demo clinic
    token = link.rsplit("/", 1)[1]
    confirmed = httpx.post(f"{run.base}/api/v1/registrations/confirm", json={"token": token})
    assert confirmed.status_code == 200, "the account and its running workflow survived"
    logged_in = httpx.post(f"{run.base}/api/v1/auth/token",
                           json={"email": email, "password": PASSWORD})
    assert logged_in.status_code == 200, "the password survived the restart"
    demo_clinic_is_ready(run)
    run.ctrl_c()
    assert run.leftovers() == []


def signed_in(base: str, login: str) -> httpx.Client:
    token = httpx.post(f"{base}/api/v1/auth/token",
                       json={"email": login, "password": DEMO_PASSWORD})
    assert token.status_code == 200, (login, token.text)
    return httpx.Client(base_url=base, timeout=30,
                        headers={"Authorization": f"Bearer {token.json()['access_token']}"})


def demo_clinic_is_ready(run: RunCommand) -> None:
    """`make demo` enrolled the demo clinic through the running system: a newcomer can act as
    each person at once, and a second `make demo` leaves it as it is."""
    log = run.log_path.read_text()
    assert "demo clinic enrolled" in log, log[-3000:]
    mine = signed_in(run.base, demo.ADMIN).get("/api/v1/organizations/mine").json()
    status = {location["name"]: location["status"] for location in mine["locations"]}
    assert status == {demo.CLINIC: "approved", demo.MOBILE: "pending_review"}
    clinic = next(x["id"] for x in mine["locations"] if x["name"] == demo.CLINIC)
    queue = signed_in(run.base, demo.REVIEWER).get("/api/v1/review/queue").json()
    assert [item["location"] for item in queue["items"]] == [demo.MOBILE]
    stock = signed_in(run.base, demo.COORDINATOR).get(f"/api/v1/locations/{clinic}/inventory")
    assert [(lot["lot_number"], lot["on_hand"]) for lot in stock.json()["usable"]] == [
        ("DEMO-001", 100)]
    signed_in(run.base, demo.PROVIDER_USERNAME)  # the provider's invitation was taken
    care = signed_in(run.base, demo.PROVIDER).get(f"/api/v1/locations/{clinic}/care/recipients")
    assert care.status_code == 200, care.text
    assert demo.enroll_demo_clinic(run.base, run.tree / "data" / "mailbox") is False
    queue = signed_in(run.base, demo.REVIEWER).get("/api/v1/review/queue").json()
    assert queue["total"] == 1, "a second `make demo` enrolls nothing more"


def wait_for_mailbox_link(base: str, subject: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listing = httpx.get(f"{base}/dev/mailbox").text
        if subject in listing:
            key = re.search(r'href="/dev/mailbox/([^"]+)"', listing)[1]
            page = httpx.get(f"{base}/dev/mailbox/{key}").text
            return re.search(r'<a href="([^"]+/register/verify/[^"]+)"', page)[1]
        time.sleep(0.5)
    raise AssertionError("the email never reached the dev mailbox")
