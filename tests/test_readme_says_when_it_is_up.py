"""The README's run section says how to tell the system is up and what its health page reports.

Found by the newcomer check: `make run` printed a page of migrations and the Temporal server's
banner, then waited (40 s on an idle machine, 90 s with the demo on a loaded one) before its own
"CVMS is running." with the addresses; the README said neither what to wait for nor that the
health page also reports the worker (its table said "database, Temporal, SMTP")."""

import re
from pathlib import Path

from core.devrun import banner

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_the_readme_names_the_line_the_run_command_prints_when_it_is_up() -> None:
    class Args:
        host, port, temporal_ui_port = "127.0.0.1", 8000, 8233

    first_line = banner(Args()).strip().splitlines()[0]
    assert f"`{first_line}`" in README


def test_the_readmes_health_row_names_every_component_healthz_reports() -> None:
    row = re.search(r"^\| Health \(([^)]*)\) \|", README, re.M)
    assert row, "the run table's Health row"
    for component in ("database", "Temporal", "worker", "SMTP"):
        assert component in row[1], row[1]
