"""Failed logins and reset emails counted per client and per account, for back-off (not a lock)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UtcDateTime, time_field


class LoginThrottle(SQLModel, table=True):
    """One counter: 'client:<ip>', 'account:<hash of the typed login>' or 'reset:<hash>'.

    Typed logins are stored only as a hash: the table never lists addresses people tried.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=100)
    count: int = 0
    window_started: datetime = Field(sa_type=UtcDateTime())
    blocked_until: datetime | None = time_field()
