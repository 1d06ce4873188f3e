"""The run command's emailed links point at the portal it serves: the README's
`make demo ARGS="--port 8001"` emailed links to port 8000 (the default PUBLIC_BASE_URL), where
nothing, or another copy of the system, answered (the outside check)."""

from pathlib import Path

from core.devrun import emailed_link_base


def test_links_follow_the_port_when_no_base_is_given(tmp_path: Path) -> None:
    assert emailed_link_base("127.0.0.1", 8001, {}, tmp_path / ".env") == "http://127.0.0.1:8001"


def test_a_base_given_in_the_environment_or_dotenv_is_kept(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    assert emailed_link_base("127.0.0.1", 8001, {"PUBLIC_BASE_URL": "https://cvms.example"},
                             dotenv) is None
    assert emailed_link_base("127.0.0.1", 8001, {"public_base_url": "https://x"}, dotenv) is None
    dotenv.write_text("PUBLIC_BASE_URL=https://cvms.example\n")
    assert emailed_link_base("127.0.0.1", 8001, {}, dotenv) is None
