"""The worker's build ID comes from settings or a digest of our source, never from hashing the
bytecode of every loaded module (the SDK's default: ~3.6 s of CPU at every worker start)."""

import shutil
from pathlib import Path
from unittest.mock import patch

from core.build import ROOT, build_id, project_digest, source_digest
from core.settings import Settings
from worker import build_worker


def refuse(*args, **kwargs):
    raise AssertionError("the SDK's default build ID was computed")


async def test_the_worker_is_built_with_our_build_id(dev_env, database_url):
    settings = Settings(_env_file=None, database_url=database_url)
    with patch("temporalio.worker._worker.load_default_build_id", refuse):
        worker = build_worker(dev_env.client, settings, task_queue="build-id")
        assert worker.config()["build_id"] == project_digest() == source_digest(ROOT)
        configured = settings.model_copy(update={"worker_build_id": "2026.12.1"})
        assert build_worker(dev_env.client, configured,
                            task_queue="build-id-2").config()["build_id"] == "2026.12.1"


def test_the_digest_changes_with_the_workflows_source(tmp_path: Path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "workflows", tree / "workflows")
    shutil.copy(ROOT / "worker.py", tree / "worker.py")
    before = source_digest(tree)
    assert source_digest(tree) == before  # the same source, the same build
    enrollment = tree / "workflows" / "enrollment.py"
    enrollment.write_text(enrollment.read_text() + "\n# a change\n")
    assert source_digest(tree) != before
    assert build_id("v1") == "v1" and build_id("") == project_digest()
