"""Times shown to people: North Carolina (Eastern) time with its zone, from UTC."""

from datetime import UTC, date, datetime, timedelta, timezone

from api.pages import templates
from core import i18n
from core.i18n import local_when
from core.timefmt import day, when
from models.enrollment_enums import LocationStatus
from models.helpdesk_rules import case_status_label
from models.inventory_rules import TransferStatus


def test_a_utc_time_is_shown_in_eastern_time_with_its_zone():
    assert when(datetime(2026, 12, 1, 20, 5, tzinfo=UTC)) == "December 1, 2026, 3:05 PM EST"
    assert when(datetime(2026, 7, 1, 20, 5, tzinfo=UTC)) == "July 1, 2026, 4:05 PM EDT"


def test_a_naive_database_time_is_utc_and_other_zones_convert():
    assert when(datetime(2026, 12, 1, 4, 30)) == "November 30, 2026, 11:30 PM EST"
    pacific = timezone(timedelta(hours=-8))
    assert when(datetime(2026, 12, 1, 12, 5, tzinfo=pacific)) == "December 1, 2026, 3:05 PM EST"


def test_the_day_is_the_eastern_day_and_a_plain_date_stays_as_it_is():
    assert day(datetime(2026, 12, 2, 3, 0, tzinfo=UTC)) == "December 1, 2026"
    assert day(date(2026, 1, 31)) == "January 31, 2026"
    assert when(None) == day(None) == "-"


def test_pages_format_times_through_the_filters():
    rendered = templates.env.from_string("{{ t|when }} / {{ t|day }}").render(
        t=datetime(2026, 3, 8, 7, 30, tzinfo=UTC))  # the morning clocks spring forward
    assert rendered == "March 8, 2026, 3:30 AM EDT / March 8, 2026"


def test_status_words_are_human_never_enum_names():
    assert LocationStatus.AWAITING_SIGNATURES.label == "Waiting for the officers' signatures"
    assert LocationStatus.PENDING_REVIEW.label == "Waiting for review"
    assert case_status_label("awaiting_requester") == "Waiting for the requester"
    for status in [*LocationStatus, *TransferStatus]:
        assert "_" not in status.label and status.label != status.value


def test_a_spanish_moment_reads_as_the_spanish_pages_write_hours():
    """As the desk's hours are written in Spanish ("de 7 a. m. a 7 p. m. (hora del Este)"):
    not "7:17 a.m. EST"."""
    with i18n.language("es"):
        assert local_when(datetime(2026, 12, 3, 12, 17, tzinfo=UTC)) == \
            "3 de diciembre de 2026, 7:17 a.\u00a0m. (hora del Este)"
        assert local_when(datetime(2026, 7, 1, 20, 5)) == \
            "1 de julio de 2026, 4:05 p.\u00a0m. (hora del Este)"
    assert local_when(datetime(2026, 12, 3, 12, 17, tzinfo=UTC)) == "December 3, 2026, 7:17 AM EST"
