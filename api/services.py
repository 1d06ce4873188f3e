"""What the app holds for its lifetime: settings, database sessions, the process gateway."""

from dataclasses import dataclass

from api.processes import Gateway
from core.db import SessionFactory
from core.settings import Settings


@dataclass
class Services:
    settings: Settings
    sessions: SessionFactory
    processes: Gateway
