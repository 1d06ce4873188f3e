"""docker-compose.yml describes production: every service the app needs, every setting it reads."""

import re
from pathlib import Path

import yaml

from core.devrun import KEEP_ALIVE_SECONDS
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Settings that have a safe production default and may be left out.
OPTIONAL = {"smtp_use_tls", "smtp_timeout_seconds", "session_hours", "dev_mailbox",
            "account_answer_floor_ms",
            "action_timeout_seconds", "action_result_timeout_seconds",
            # the help desk's phone, hours and holiday calendar: the program's, not the host's
            "helpdesk_phone", "helpdesk_hours", "helpdesk_timezone", "helpdesk_holidays",
            "worker_max_cached_workflows", "worker_max_concurrent_workflow_tasks",
            "worker_max_concurrent_activities", "worker_slow_activation_seconds",
            "worker_sandbox", "worker_heap_trim_seconds"}
VAR = re.compile(r"\$\{(\w+)(?::?[-?]([^}]*))?\}")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def substitute(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} forms."""
    return VAR.sub(lambda m: env.get(m[1], m[2] if "-" in m[0] else ""), str(value))


def test_every_service_the_app_needs_is_there():
    services = compose()["services"]
    assert {"postgres", "temporal", "temporal-ui", "mail", "migrate", "api",
            "worker"} <= set(services)
    assert services["temporal"]["depends_on"] == {"temporal-db": {"condition": "service_healthy"}}
    for name in ("api", "worker"):
        assert services[name]["build"] == "." and services[name]["image"] == "cvms:latest"
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
    assert services["migrate"]["command"] == ["python", "-m", "core.migrate"]
    assert services["worker"]["command"] == ["python", "worker.py"]
    assert "api.app:create_app" in services["api"]["command"]
    assert (ROOT / "Dockerfile").exists()


def test_every_setting_the_app_reads_is_provided():
    services = compose()["services"]
    needed = {name.upper() for name in Settings.model_fields} - {o.upper() for o in OPTIONAL}
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert needed <= set(env), f"{name} lacks {sorted(needed - set(env))}"


def test_the_compose_environment_makes_valid_production_settings():
    env = compose()["services"]["api"]["environment"]
    given = {"POSTGRES_PASSWORD": "pw", "SECRET_KEY": "s" * 40,
             "PUBLIC_BASE_URL": "https://cvms.example.gov", "TRUSTED_PROXIES": "10.0.0.0/8",
             "SMTP_HOST": "relay.example.gov"}
    values = {key.lower(): substitute(value, given) for key, value in env.items()}
    values = {k: v for k, v in values.items() if v != ""}
    settings = Settings(_env_file=None, **values)
    assert settings.environment == "production"
    assert settings.database_url == "postgresql://cvms:pw@postgres:5432/cvms"
    assert settings.temporal_address == "temporal:7233"
    assert settings.cookies_secure


def test_the_portals_address_has_no_default():
    """Found by the outside check: a state that left PUBLIC_BASE_URL out of its .env (the README
    lists it beside SECRET_KEY) got https://cvms.example.gov in every emailed link, and as the
    issuer of every SMART Health Card signed, which no verifier could ever check again; compose
    started without a word. It now refuses to start without it, as without SECRET_KEY."""
    for name in ("api", "worker", "migrate"):
        value = compose()["services"][name]["environment"]["PUBLIC_BASE_URL"]
        assert value.startswith("${PUBLIC_BASE_URL:?"), f"{name}: {value}"


def test_the_proxies_in_front_must_be_named():
    """Found by the outside check: production needs a TLS proxy in front (PUBLIC_BASE_URL is
    https://, uvicorn serves plain HTTP), and with TRUSTED_PROXIES left empty, as compose
    allowed, every person's address was the proxy's: 20 mistyped passwords anywhere in the
    state made everyone's login wait 15 minutes, 60 registrations an hour closed registration
    for all. Compose now refuses to start until the proxies are named."""
    for name in ("api", "worker", "migrate"):
        value = compose()["services"][name]["environment"]["TRUSTED_PROXIES"]
        assert value.startswith("${TRUSTED_PROXIES:?"), f"{name}: {value}"


def test_the_worker_is_not_judged_by_the_portals_health_check():
    """Found by the outside check: the image's HEALTHCHECK asks http://127.0.0.1:8000/healthz,
    which only the api serves; the worker, built from the same image, inherited it and was
    reported unhealthy for ever (an orchestrator replacing unhealthy containers would stop it
    every minute and a half, mid-task). The worker's service says it has no HTTP check."""
    assert "HEALTHCHECK" in (ROOT / "Dockerfile").read_text()
    worker = compose()["services"]["worker"]
    assert worker.get("healthcheck") == {"disable": True}, worker.get("healthcheck")
    assert "healthcheck" not in compose()["services"]["api"], "the api keeps the image's check"


def test_the_mail_relay_must_be_named():
    """Found by the outside check: SMTP_HOST defaulted to the compose file's mail catcher, which
    accepts every message and delivers none, and the README's list of what to set did not name
    it: a state following it would send no invitation, reset link or signing request to anyone,
    without an error anywhere. Compose now refuses to start until the relay is named ("mail",
    the catcher, for a staging run)."""
    for name in ("api", "worker", "migrate"):
        value = compose()["services"][name]["environment"]["SMTP_HOST"]
        assert value.startswith("${SMTP_HOST:?"), f"{name}: {value}"


def test_only_the_portal_port_is_published():
    """Temporal, its UI (no authentication) and the mail catcher stay on the internal network."""
    services = compose()["services"]
    published = {name: service["ports"] for name, service in services.items()
                 if service.get("ports")}
    assert published == {"api": ["8000:8000"]}
    assert not any(service.get("network_mode") == "host" for service in services.values())


def test_the_servers_trust_no_forwarded_header_by_themselves():
    """uvicorn's --forwarded-allow-ips would let any client forge its address; the app trusts
    only TRUSTED_PROXIES."""
    api = compose()["services"]["api"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--no-proxy-headers" in api["command"]
    assert "--forwarded-allow-ips" not in " ".join(api["command"]) + dockerfile
    assert '"--no-proxy-headers"' in dockerfile


def test_idle_connections_outlive_a_load_balancers():
    """uvicorn closes an idle connection after 5 s unless told otherwise; a balancer in front
    (60 s idle, usually) would then send requests down connections closing under it."""
    api = compose()["services"]["api"]
    seconds = str(KEEP_ALIVE_SECONDS)  # what the run command, benchmarks and tests use
    assert int(seconds) > 60
    assert api["command"][api["command"].index("--timeout-keep-alive") + 1] == seconds
    assert f'"--timeout-keep-alive", "{seconds}"' in (ROOT / "Dockerfile").read_text()


def test_temporal_in_production_has_the_dev_servers_dynamic_configuration():
    """The cluster reads deploy/temporal-dynamic-config.yaml, mounted where its
    DYNAMIC_CONFIG_FILE_PATH points, and it holds what the run command gives the dev server
    (one allowance read by both; a transfer queue read 20 times a second made every step of a
    process wait ~44 ms past a burst)."""
    from core.devrun import DEV_SERVER_DYNAMIC_CONFIG

    temporal = compose()["services"]["temporal"]
    source, target, mode = temporal["volumes"][0].split(":")
    assert target == "/etc/temporal/" + temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    assert mode == "ro"
    values = yaml.safe_load((ROOT / source).read_text())
    assert {key: entries[0]["value"] for key, entries in values.items()} == \
        DEV_SERVER_DYNAMIC_CONFIG


def test_temporal_in_production_starts_with_a_production_count_of_history_shards():
    """The count is fixed at the cluster's first start; the image's default (4) is a
    laptop's, which no later setting can raise."""
    shards = compose()["services"]["temporal"]["environment"]["NUM_HISTORY_SHARDS"]
    assert int(substitute(shards, {})) >= 512


def test_the_servers_do_not_name_their_software():
    """Every answer said `server: uvicorn`: nothing a visitor needs, something a scanner reads."""
    from core.devrun import api_command

    api = compose()["services"]["api"]
    assert "--no-server-header" in api["command"]
    assert '"--no-server-header"' in (ROOT / "Dockerfile").read_text()
    assert "--no-server-header" in api_command("127.0.0.1", 8000)
