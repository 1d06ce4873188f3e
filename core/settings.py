"""One validated settings object, read from the environment and an optional `.env`."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.security import OWASP_MEMORY_KIB, OWASP_TIME_COST

DEFAULT_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - refused outside development

Environment = Literal["development", "test", "production"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = "development"
    data_dir: Path = Path("data")
    database_url: str | None = None  # unset: a SQLite file in data_dir

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "cvms"
    # How long a person's action may wait for its process before the answer is "not done,
    # try again" (the process refuses the action if it arrives later, so it never half-happens).
    action_timeout_seconds: float = 10.0
    # How long to wait for the result of an action the process has accepted.
    action_result_timeout_seconds: float = 60.0

    # The worker, chosen for a 2-core machine (README, "Worker tuning"). Workflows kept in
    # memory between their tasks (~85 KiB each; an evicted one replays its history on its
    # next task); workflow tasks run at once (they need the CPU, not I/O: more only queue
    # inside the process, where their 10 s timeout runs, instead of on the server, where it
    # does not); activities run at once (mostly waiting on the database and SMTP); an
    # activation slower than this is logged as a warning.
    worker_max_cached_workflows: int = 2000
    worker_max_concurrent_workflow_tasks: int = 4
    worker_max_concurrent_activities: int = 50
    worker_slow_activation_seconds: float = 1.0
    # Workflow code in the SDK's strict sandbox at run time (worker.workflow_runner): a
    # non-deterministic call (datetime.now, random, I/O) then fails the workflow task when it
    # is made, for ~40 KiB more per cached workflow (each run imports its module afresh). Off,
    # the default: the tests run every workflow, and replay every history they made, in it.
    worker_sandbox: bool = False
    # Every this many seconds the worker hands the allocator's free pages back to the system
    # (glibc's malloc_trim, in a thread): what a burst of activities freed stops counting
    # against the process. 0: never.
    worker_heap_trim_seconds: float = Field(default=5.0, ge=0)
    # Which build of the worker completed a workflow task, as recorded in its history (a
    # release's tag or commit); empty: a digest of the project's source (core/build.py).
    worker_build_id: str = ""
    # glibc malloc arenas in the worker process (core/heap.py; 0: glibc's default, 8 a core).
    worker_malloc_arenas: int = Field(default=2, ge=0, le=64)
    # Move the objects start-up made out of the garbage collector's walks (core/heap.py); off
    # in the test suite, where many systems start and stop in one process.
    gc_freeze: bool = True
    # How long one thread holds Python's GIL before another may take it, in the API process
    # (Python's default is 5 ms). The event loop shares the GIL with the API's worker threads
    # (a spreadsheet being read, a photo re-encoded) and waits up to this long at each of its
    # turns: a request makes several, so with 5 ms another person's request waited 32-48 ms
    # during a 5,000-row upload, with 1 ms 16-25 ms.
    api_switch_interval_ms: float = Field(default=1.0, gt=0, le=100)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_use_tls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "NC CVMS <no-reply@cvms.example.gov>"

    public_base_url: str = "http://127.0.0.1:8000"
    # Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For/-Proto are believed;
    # empty: the TCP peer is the client, and forwarded headers are ignored (they can be forged).
    trusted_proxies: str = ""
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    session_hours: int = 12
    # A browser's session also ends after this long without a request (a clinic's shared
    # computer left signed in; NIST SP 800-63B asks 30 minutes at AAL2). API clients' bearer
    # tokens end only at `session_hours`.
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # argon2id's cost for a stored password: OWASP's recommended minimum (m = 19 MiB, t = 2,
    # p = 1; ~20 ms a hash), below which ENVIRONMENT=production does not start. A login made
    # with other parameters is rehashed with these (api/domain/accounts.py). The test suite
    # sets argon2id's cheapest (tests/support/system.py): it signs in thousands of times.
    password_hash_time_cost: int = Field(default=OWASP_TIME_COST, ge=1, le=10)
    password_hash_memory_kib: int = Field(default=OWASP_MEMORY_KIB, ge=8, le=1024 * 1024)
    # Registration and password-reset requests answer the same for every address, and no sooner
    # than this after they arrived, so their time does not tell either whether the address has
    # an account (api/middleware.py UniformAnswerTime). 0: off (the test suite, but for the
    # test of it).
    account_answer_floor_ms: float = Field(default=300.0, ge=0, le=5000)
    dev_mailbox: bool = True  # the built-in mail catcher's page; development only
    # SMART Health Card signing key (P-256 private JWK); unset: one kept in data_dir
    health_card_key: SecretStr | None = None
    # The help desk: its phone and hours of operation (service levels count only these hours),
    # and the region whose holidays it is closed on (the `holidays` package's calendar).
    helpdesk_phone: str = "(877) 873-6247"
    helpdesk_hours: str = "Mon-Fri 07:00-19:00; Sat 08:00-16:00"
    helpdesk_timezone: str = "America/New_York"
    # North Carolina's state offices close on 12 days (the Office of State Human Resources'
    # schedule); the `holidays` package's US-NC calendar adds two federal days they work.
    helpdesk_holidays: str = ("US-NC; except Washington's Birthday, "
                              "Juneteenth National Independence Day")
    # Public questions (no account; each emails the address typed): at most this many an hour
    # from one client address (3 an hour to one email address, whatever this says)
    public_questions_per_client_hour: int = 30
    # Self-registrations (an organization's administrator, a help-desk requester: each makes an
    # account and emails the address typed): at most this many an hour from one client address
    registrations_per_client_hour: int = 60

    @field_validator("smtp_username", "smtp_password", "database_url", "health_card_key",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" and not isinstance(value, SecretStr) else value

    @field_validator("helpdesk_hours")
    @classmethod
    def _readable_hours(cls, value: str) -> str:
        from models.business_hours import parse_hours

        parse_hours(value)
        return value

    @field_validator("helpdesk_holidays")
    @classmethod
    def _known_holidays(cls, value: str) -> str:
        from models.business_hours import holidays_of

        holidays_of(value, [2026])  # a misspelt name stops the start, not a case's opening
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment != "development":
            secret = self.secret_key.get_secret_value()
            if secret == DEFAULT_SECRET or len(secret) < 32:
                raise ValueError(
                    "SECRET_KEY must be set to a random value of at least 32 characters "
                    f"when ENVIRONMENT={self.environment}"
                )
        if self.environment == "production" and (
                self.password_hash_time_cost < OWASP_TIME_COST
                or self.password_hash_memory_kib < OWASP_MEMORY_KIB):
            raise ValueError(
                f"PASSWORD_HASH_TIME_COST must be at least {OWASP_TIME_COST} and "
                f"PASSWORD_HASH_MEMORY_KIB at least {OWASP_MEMORY_KIB} (OWASP's minimum for "
                "argon2id) when ENVIRONMENT=production")
        if self.environment == "production" and not self.public_base_url.startswith("https://"):
            # its sessions' cookies would not be Secure, its emailed links and health cards'
            # issuer plain HTTP (a verifier fetches the card's key from https://<issuer> only)
            raise ValueError(
                "PUBLIC_BASE_URL must be the portal's https:// address (as people reach it, "
                "through the TLS proxy) when ENVIRONMENT=production")
        self.public_base_url = self.public_base_url.rstrip("/")
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def cookies_secure(self) -> bool:
        """Secure cookies whenever the portal is served over HTTPS."""
        return self.public_base_url.startswith("https://")

    @property
    def trusted_proxy_hosts(self) -> list[str]:
        return [host.strip() for host in self.trusted_proxies.split(",") if host.strip()]

    @property
    def mailbox_dir(self) -> Path:
        return self.data_dir / "mailbox"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'cvms.db').as_posix()}"

    def link(self, path: str) -> str:
        """An absolute URL for emailed links."""
        return f"{self.public_base_url}{path}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
