"""A case's service-level clock: active time runs while the case is with the help desk and
pauses while it waits on the requester. Given the desk's hours of operation it counts only the
hours the desk is open (nights, Sundays and holidays do not count). Pure, so the case workflow
carries it across continue-as-new and pages can reason about it too."""

from datetime import datetime, timedelta

from pydantic import BaseModel

from models.business_hours import BusinessHours


class ServiceClock(BaseModel):
    consumed: timedelta = timedelta(0)
    running_since: datetime | None = None

    @staticmethod
    def _between(start: datetime, end: datetime, hours: BusinessHours | None) -> timedelta:
        return hours.open_between(start, end) if hours else end - start

    def active(self, now: datetime, hours: BusinessHours | None = None) -> timedelta:
        running = (self._between(self.running_since, now, hours) if self.running_since
                   else timedelta(0))
        return self.consumed + running

    def pause(self, now: datetime, hours: BusinessHours | None = None) -> None:
        if self.running_since is not None:
            self.consumed += self._between(self.running_since, now, hours)
            self.running_since = None

    def resume(self, now: datetime) -> None:
        if self.running_since is None:
            self.running_since = now

    def due_at(self, target: timedelta, now: datetime,
               hours: BusinessHours | None = None) -> datetime | None:
        """When active time reaches the target (None while paused)."""
        if not self.running_since:
            return None
        remaining = target - self.active(now, hours)
        return hours.add(now, remaining) if hours else now + remaining
