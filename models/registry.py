"""Importing this module registers every table on SQLModel.metadata."""

from sqlmodel import SQLModel

from models import (  # noqa: F401
    accounts,
    administrations,
    audit,
    employers,
    enrollment,
    helpdesk,
    inventory,
    outbox,
    recipients,
    review,
    signatures,
    throttle,
)

metadata = SQLModel.metadata
