"""Settings validate themselves; production refuses a default secret."""

import pytest
from pydantic import ValidationError

from core.db import async_url, sync_url
from core.settings import Settings


def test_production_refuses_the_default_secret():
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key="short")
    ok = Settings(_env_file=None, environment="production", secret_key="k" * 40,
                  public_base_url="https://cvms.nc.gov")
    assert ok.environment == "production" and ok.cookies_secure


def test_production_refuses_a_plain_http_address():
    """Served over plain HTTP its session cookies would not be Secure, and a verifier would not
    take its health cards (the issuer's key is fetched from an https:// issuer only)."""
    for address in ("http://127.0.0.1:8000", "http://cvms.nc.gov", "cvms.nc.gov"):
        with pytest.raises(ValidationError, match="PUBLIC_BASE_URL must be the portal's https"):
            Settings(_env_file=None, environment="production", secret_key="k" * 40,
                     public_base_url=address)
    assert Settings(_env_file=None, environment="test", secret_key="k" * 40,
                    public_base_url="http://127.0.0.1:8000").public_base_url


def test_development_defaults_run_embedded():
    settings = Settings(_env_file=None)
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.temporal_address == "127.0.0.1:7233"
    assert not settings.cookies_secure
    assert Settings(_env_file=None, public_base_url="https://cvms.nc.gov/").link("/x") == \
        "https://cvms.nc.gov/x"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/cvms")
    monkeypatch.setenv("SMTP_PORT", "2525")
    settings = Settings(_env_file=None)
    assert settings.smtp_port == 2525
    assert async_url(settings.resolved_database_url) == "postgresql+psycopg://u:p@db:5432/cvms"
    assert sync_url("sqlite:///data/x.db") == "sqlite:///data/x.db"
    with pytest.raises(ValueError, match="unsupported"):
        async_url("mysql://x/y")
