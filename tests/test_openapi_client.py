"""The served OpenAPI document generates a complete client: every schema has its own name and
every operation is in the generated client (a name clash once made a generator drop one)."""

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()).strip("_")


def generate(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GENERATOR), "generate", "--path", str(folder / "openapi.json"), "--config",
         str(folder / "config.yaml"), "--output-path", str(folder / "client"), "--meta", "none"],
        capture_output=True, text=True, timeout=120)


async def test_a_generated_client_has_every_operation(system, tmp_path):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
    titles = [schema.get("title") for schema in spec["components"]["schemas"].values()]
    assert len(titles) == len(set(titles)), "two schemas share a title"
    (tmp_path / "openapi.json").write_text(json.dumps(spec))
    # the templates answer with a spreadsheet, documented as such: a generator that knows no
    # such type is told to hand its bytes over (openapi-python-client's documented option)
    (tmp_path / "config.yaml").write_text(
        "post_hooks: []\ncontent_type_overrides:\n  application/vnd.openxmlformats-"
        "officedocument.spreadsheetml.sheet: application/octet-stream\n")
    generated = await asyncio.to_thread(generate, tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout
    modules = {path.stem for path in (tmp_path / "client" / "api").rglob("*.py")
               if path.name != "__init__.py"}
    operations = {snake(operation["operationId"]) for item in spec["paths"].values()
                  for operation in item.values()}
    assert operations and operations <= modules, sorted(operations - modules)
