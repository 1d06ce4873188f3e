"""Help-desk records: cases, their conversation and attachments, imports, knowledge base."""

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import created_at_field, time_field, trigram_indexes
from models.helpdesk_rules import Category, Team
from models.recipient_rules import name_key
from models.types import enum_field

PUBLIC_KEY = "requester_user_id IS NULL AND request_key IS NOT NULL"


class CaseStatus:
    NEW = "new"
    IN_PROGRESS = "in_progress"
    AWAITING_REQUESTER = "awaiting_requester"
    RESOLVED = "resolved"
    CLOSED = "closed"
    OPEN = (NEW, IN_PROGRESS, AWAITING_REQUESTER)
    ACTIVE = (*OPEN, RESOLVED)  # a conversation may still go on

    @staticmethod
    def label(status: str) -> str:
        return status.replace("_", " ").capitalize()


class Case(SQLModel, table=True):
    __tablename__ = "help_case"
    # The console: open cases of a team (or all) by when they are due, or the newest first.
    __table_args__ = (Index("ix_help_case_status_due", "status", "sla_due_at", "id"),
                      Index("ix_help_case_due", "sla_due_at", "id"),  # every team, by due time
                      Index("ix_help_case_team_status_due", "team", "status", "sla_due_at", "id"),
                      Index("ix_help_case_status_created", "status", "created_at", "id"),
                      Index("ix_help_case_status_team", "status", "team"),
                      Index("ix_help_case_category_status_due", "category", "status",
                            "sla_due_at", "id"),
                      # A search scans this narrow index (not the wide rows) for both the count
                      # and the page's ids.
                      Index("ix_help_case_search", "search_text", "status", "team", "sla_due_at",
                            "created_at"),
                      # On Postgres a search finds its cases by their trigrams instead of
                      # reading every search text (20,000 cases: 21 ms to 5 ms).
                      *trigram_indexes("help_case", "search_text"),
                      # A requester's form sent twice (Back, then the button again) is one case.
                      UniqueConstraint("requester_user_id", "request_key",
                                       name="uq_help_case_request_key"),
                      # ... and a public question's (no requester: NULLs are all distinct)
                      Index("uq_help_case_public_request_key", "request_key", unique=True,
                            sqlite_where=text(PUBLIC_KEY), postgresql_where=text(PUBLIC_KEY)))

    id: int | None = Field(default=None, primary_key=True)
    requester_user_id: int | None = Field(default=None, foreign_key="user_account.id",
                                          index=True)
    requester_name: str = Field(max_length=170)
    requester_email: str | None = Field(default=None, max_length=254)
    requester_phone: str | None = Field(default=None, max_length=20)
    language: str = Field(default="en", max_length=5)  # of a public requester's pages, emails
    request_key: str | None = Field(default=None, max_length=64)  # the form's, when it sent one
    # Subject, requester name and email folded as a name is (`searched`), what the console
    # searches: one short indexed column is scanned instead of three in the wide rows.
    search_text: str = Field(default="", max_length=600)
    category: Category = enum_field(Category)
    team: Team = enum_field(Team, index=True)
    subject: str = Field(max_length=200)
    description: str = Field(sa_type=Text)
    location_id: int | None = Field(default=None, foreign_key="location.id")
    # A case opened as the follow-up of a closed one.
    related_case_id: int | None = Field(default=None, foreign_key="help_case.id")
    # The status projection the case workflow writes at every transition.
    status: str = Field(default=CaseStatus.NEW, max_length=30, index=True)
    status_seq: int = 0
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    sla_flag: str | None = Field(default=None, max_length=30)  # at_risk, breached
    # When the next service-level target is past (projected; None while paused or done).
    sla_due_at: datetime | None = time_field()
    created_at: datetime = created_at_field()
    first_response_at: datetime | None = time_field()
    resolved_at: datetime | None = time_field()
    closed_at: datetime | None = time_field()
    resolution_notes: str | None = Field(default=None, sa_type=Text)
    closed_reason: str | None = Field(default=None, max_length=200)
    # A public question's personal link's version (helpdesk_rules.requester_case_path): moved
    # on when an agent corrects the requester's email address, so the links sent to the
    # address before stop working.
    link_version: int = 0

    @property
    def number(self) -> str:
        return f"CS{self.id:07d}"

    @staticmethod
    def searchable(subject: str, name: str, email: str | None) -> str:
        return searched(f"{subject} | {name} | {email or ''}")[:600]


def searched(text: str) -> str:
    """A case's search text, and what is typed to search it, as they are compared: folded as a
    recipient's name is (`name_key`: no accents, apostrophes of any kind or hyphens, in lower
    case), so "Jose" finds "José" and "O’Brien" finds "O'Brien", either way round.
    (Migration 0011l refilled the cases stored before.)"""
    return name_key(text)


# A search made only of what folding leaves out (apostrophes, hyphens: "'''") searched for
# nothing, which every text holds: every case (or every person) was listed as found.
NOTHING_TO_SEARCH = ("Type letters or digits to search: apostrophes and hyphens alone are left "
                     "out of a search.")


def nothing_to_search(text: str) -> bool:
    """Something was typed, but nothing of it is left to search for once folded."""
    return bool(text.strip()) and not searched(text)


class CaseMessage(SQLModel, table=True):
    __tablename__ = "case_message"
    # A reply's form sent twice (Back, then the button again) is one message.
    __table_args__ = (UniqueConstraint("case_id", "request_key",
                                       name="uq_case_message_request_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="help_case.id", index=True)
    author_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    author_name: str = Field(max_length=170)
    author_kind: str = Field(max_length=20)  # requester, agent, system
    internal: bool = False
    kind: str = Field(default="comment", max_length=30)  # comment, info_request, resolution
    body: str = Field(sa_type=Text)
    request_key: str | None = Field(default=None, max_length=64)  # the form's, when it sent one
    created_at: datetime = created_at_field()
    # Set by the case's workflow when it accepts the message; unpublished ones stay hidden.
    posted_at: datetime | None = time_field(index=True)


class CaseAttachment(SQLModel, table=True):
    __tablename__ = "case_attachment"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="help_case.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="case_message.id")
    file_id: int = Field(foreign_key="stored_file.id")
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=120)
    size: int
    created_at: datetime = created_at_field()


class ProviderImport(SQLModel, table=True):
    """One import of a bulk-upload file; the unique attachment makes a repeat impossible."""

    __tablename__ = "provider_import"
    # The same file (by content) is imported into a location once, whatever case carries it.
    __table_args__ = (UniqueConstraint("location_id", "file_sha256",
                                       name="uq_provider_import_location_file"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="help_case.id", index=True)
    attachment_id: int = Field(foreign_key="case_attachment.id", unique=True)
    location_id: int = Field(foreign_key="location.id")
    file_sha256: str | None = Field(default=None, max_length=64)
    imported: int
    skipped: int
    imported_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = created_at_field()


class Article(SQLModel, table=True):
    __tablename__ = "kb_article"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, index=True)
    body: str = Field(sa_type=Text)
    category: Category | None = enum_field(Category, None, nullable=True)
    published: bool = True
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
