"""A case's service-level clock: active time runs while the case is with the help desk and
pauses while it waits on the requester. Pure, so the case workflow carries it across
continue-as-new and pages can reason about it too."""

from datetime import datetime, timedelta

from pydantic import BaseModel


class ServiceClock(BaseModel):
    consumed: timedelta = timedelta(0)
    running_since: datetime | None = None

    def active(self, now: datetime) -> timedelta:
        running = now - self.running_since if self.running_since else timedelta(0)
        return self.consumed + running

    def pause(self, now: datetime) -> None:
        if self.running_since is not None:
            self.consumed += now - self.running_since
            self.running_since = None

    def resume(self, now: datetime) -> None:
        if self.running_since is None:
            self.running_since = now

    def due_at(self, target: timedelta, now: datetime) -> datetime | None:
        """When active time reaches the target (None while paused)."""
        return now + (target - self.active(now)) if self.running_since else None
