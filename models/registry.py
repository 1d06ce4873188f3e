"""Importing this module registers every table on SQLModel.metadata."""

from sqlmodel import SQLModel

from models import accounts, audit, outbox  # noqa: F401

metadata = SQLModel.metadata
