"""Eligibility reads a person's age on the day it is in North Carolina, not on the server's
UTC date, which is already tomorrow's from 7 or 8 PM Eastern (found by the outside check of
recipients: near midnight Eastern a birthday counted a few hours early)."""

from datetime import UTC, date, datetime

from core.timefmt import eastern_today
from models import eligibility


def test_the_day_is_north_carolinas():
    assert eastern_today(datetime(2026, 12, 6, 3, 0, tzinfo=UTC)) == date(2026, 12, 5)
    assert eastern_today(datetime(2026, 12, 6, 6, 0, tzinfo=UTC)) == date(2026, 12, 6)
    assert eastern_today(datetime(2026, 7, 4, 3, 59)) == date(2026, 7, 3)  # naive is UTC


def test_an_age_is_counted_on_north_carolinas_day(monkeypatch):
    """The minimum age reached on the state's day counts that day, and not the day before:
    the day is the state's (eastern_today), whatever the server's own date."""
    minimum = eligibility.rules().get("minimum_age", 16)
    born = date(2040 - minimum, 6, 1)
    monkeypatch.setattr(eligibility, "eastern_today", lambda: date(2040, 5, 31))
    assert eligibility.evaluate(born, "Other", {}).status == "not_eligible"
    monkeypatch.setattr(eligibility, "eastern_today", lambda: date(2040, 6, 1))
    assert eligibility.evaluate(born, "Other", {}).status != "not_eligible"


def test_a_date_of_birth_in_the_future_is_so_by_north_carolinas_day(monkeypatch):
    """A recipient file's date of birth is checked against the same day (it was the server's)."""
    from models import recipient_rules

    monkeypatch.setattr(recipient_rules, "eastern_today", lambda: date(2040, 6, 1))
    assert recipient_rules.birth_day("6/1/40") == date(2040, 6, 1), "a year that has come"
    assert recipient_rules.birth_day("6/2/40") == date(1940, 6, 2), "one not yet come"
    assert recipient_rules._birth_date("2040-05-31") == date(2040, 5, 31)
