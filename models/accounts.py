"""People who log in, their server-side sessions, and the single-use links emailed to them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import UtcDateTime, as_utc, created_at_field, time_field, utcnow
from models.enums import AccountStatus, Role
from models.types import enum_field


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    # Login and every "is it free?" check read lower(username): unique so, or two saves at one
    # instant could store "Jo.X" and "jo.x" and login pick one of two people (migration 0011x).
    __table_args__ = (Index("ix_user_account_username_lower", text("lower(username)"),
                            unique=True, info={"expression": True}),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=254)
    username: str | None = Field(default=None, unique=True, max_length=80)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    title: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=20)
    role: Role = enum_field(Role, index=True)
    status: AccountStatus = enum_field(AccountStatus, AccountStatus.ACTIVE)
    password_hash: str | None = Field(default=None, max_length=255)
    must_change_password: bool = False
    # A help-desk registrant's emailed temporary password stops working at this time (with
    # must_change_password): left unused, it is refused at login, not usable for ever.
    temporary_password_expires_at: datetime | None = time_field()
    organization_id: int | None = Field(default=None, index=True)
    team: str | None = Field(default=None, max_length=30)  # help-desk staff only
    # The location a portal user works on now (switched in the header); kept across logins.
    active_location_id: int | None = Field(default=None)
    registration_code: str | None = Field(default=None, max_length=10)  # help-desk requesters
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = time_field()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def audit_name(self) -> str:
        """Who an audit event names: "Pat Provider <pat@example.org>"."""
        return f"{self.full_name} <{self.email}>"

    @property
    def temporary_password_expired(self) -> bool:
        """A help-desk registrant's emailed password, still unchanged past its time."""
        expires = self.temporary_password_expires_at
        return self.must_change_password and expires is not None and utcnow() >= as_utc(expires)

    @property
    def can_log_in(self) -> bool:
        return self.status == AccountStatus.ACTIVE and bool(self.password_hash)


class WebSession(SQLModel, table=True):
    """A login. The cookie holds a random key; only its hash is stored."""

    __tablename__ = "web_session"

    key_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UtcDateTime())
    # the browser's last request, kept to the minute (api/sessions.py): a browser's session
    # also ends after SESSION_IDLE_MINUTES without one
    last_seen_at: datetime | None = Field(default=None, sa_type=UtcDateTime())
    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=400)


class AccessLink(SQLModel, table=True):
    """An emailed single-use link. The purpose and key make it idempotent per workflow step."""

    __tablename__ = "access_link"
    __table_args__ = (UniqueConstraint("purpose", "step_key"),)

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=40)
    step_key: str = Field(max_length=200)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    # With the secret key, derives the token (never stored): a retried step resends one link.
    token_nonce: str | None = Field(default=None, max_length=32)
    subject_id: int = Field(index=True)
    bound_to: str | None = Field(default=None, max_length=254)  # an email address
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UtcDateTime())
    used_at: datetime | None = time_field()
    revoked_at: datetime | None = time_field()


@dataclass(frozen=True)
class Viewer:
    """What a page needs to know about who is looking, safe to use after the session closes.

    `portal` is api.domain.scope.Portal: the person's portal locations, the active one and
    the profile held there (which picks the tabs)."""

    id: int
    first_name: str
    last_name: str
    role: Role
    organization_id: int | None
    must_change_password: bool
    portal: Any = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def profile(self) -> Role | None:
        return self.portal.profile if self.portal is not None else None

    @property
    def role_label(self) -> str:
        return self.profile.label if self.profile else self.role.label

    @classmethod
    def of(cls, user: User, portal: Any = None) -> "Viewer":
        return cls(id=user.id, first_name=user.first_name, last_name=user.last_name,
                   role=user.role, organization_id=user.organization_id,
                   must_change_password=user.must_change_password, portal=portal)
