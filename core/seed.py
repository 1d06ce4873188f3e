"""Demo accounts for a newcomer's first login (development only)."""

import logging

from sqlmodel import select

from core.db import create_engine, session_factory, transaction
from core.security import hash_password, use_password_hashing
from core.settings import Settings
from models.accounts import User
from models.enums import Role

log = logging.getLogger("cvms.seed")

DEMO_PASSWORD = "Demo-password-2026"  # noqa: S105 - development demo accounts only
DEMO_ACCOUNTS = [
    ("reviewer@state.demo.example.org", "Rita", "Reviewer", Role.REVIEWER),
    ("agent@helpdesk.demo.example.org", "Andy", "Agent", Role.HELPDESK_AGENT),
    ("lead@helpdesk.demo.example.org", "Lena", "Lead", Role.HELPDESK_LEAD),
    ("admin@demo.example.org", "Olivia", "Administrator", Role.ORG_ADMIN),
]


async def seed_demo(settings: Settings) -> None:
    if not settings.is_development:
        raise SystemExit("Demo accounts are only created in development.")
    use_password_hashing(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    engine = create_engine(settings.resolved_database_url)
    async with transaction(session_factory(engine)) as session:
        for email, first, last, role in DEMO_ACCOUNTS:
            found = (await session.exec(select(User).where(User.email == email))).first()
            if found is None:
                team = "general" if role in (Role.HELPDESK_AGENT, Role.HELPDESK_LEAD) else None
                session.add(User(email=email, first_name=first, last_name=last, role=role,
                                 team=team, password_hash=hash_password(DEMO_PASSWORD)))
                log.info("demo account %s (%s)", email, role.label)
    await engine.dispose()
