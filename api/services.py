"""What the app holds for its lifetime: settings, database sessions, the process gateway."""

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from api.processes import Gateway
from core.db import SessionFactory
from core.settings import Settings


@dataclass
class Services:
    settings: Settings
    sessions: SessionFactory
    processes: Gateway


def secret(connection: HTTPConnection) -> str:
    """The app's secret key: it signs CSRF tokens, kept files' references and emailed links."""
    return connection.app.state.services.settings.secret_key.get_secret_value()
