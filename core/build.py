"""Which code a worker runs: its build ID, recorded with every workflow task it completes.

Temporal's default build ID is an MD5 of the bytecode of every module the process has loaded,
read back through each module's loader: ~2,300 modules and 3.6 s of CPU at every worker start
on a 2-core machine (temporalio.worker._worker.load_default_build_id). This one is set in
settings (a release's tag or commit, e.g. WORKER_BUILD_ID=2026.12.1) or, when unset, a digest
of this project's own source and the Temporal SDK's version, which is what tells one build of
the worker from another: a few milliseconds.
"""

import hashlib
from functools import cache
from pathlib import Path

from temporalio.service import __version__ as SDK_VERSION

ROOT = Path(__file__).resolve().parent.parent
# What the worker runs: every workflow and activity, and the code they import.
PACKAGES = ("workflows", "activities", "models", "notifications", "core")


def source_digest(root: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    digest.update(f"temporalio {SDK_VERSION}\0".encode())
    files = [root / "worker.py", *(path for package in PACKAGES
                                   for path in (root / package).rglob("*.py"))]
    for path in sorted(files):
        digest.update(f"{path.relative_to(root)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def project_digest() -> str:
    return source_digest(ROOT)


def build_id(configured: str = "") -> str:
    return configured or project_digest()
