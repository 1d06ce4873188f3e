"""The shape that keeps one writer per fact: only the process gateway knows the workflows, and
the API never reaches into the worker's activities."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "api"
GATEWAY = API / "processes"


def sources(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*.py") if "__pycache__" not in path.parts]


def test_only_the_gateway_imports_workflows_or_builds_handles():
    offenders = []
    for path in sources(API):
        if GATEWAY in path.parents:
            continue
        text = path.read_text()
        if re.search(r"^\s*(from|import) workflows\b", text, re.M) or \
                "get_workflow_handle" in text or "start_workflow" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_the_api_never_imports_activities():
    offenders = [str(p.relative_to(ROOT)) for p in sources(API)
                 if re.search(r"^\s*(from|import) activities\b", p.read_text(), re.M)]
    assert not offenders, offenders


def test_workflows_never_import_database_code():
    for path in sources(ROOT / "workflows"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) (sqlmodel|sqlalchemy|psycopg)", text, re.M), path
