"""Importing this module registers every table on SQLModel.metadata."""

from sqlmodel import SQLModel

from models import accounts, audit, enrollment, outbox, review, signatures  # noqa: F401

metadata = SQLModel.metadata
