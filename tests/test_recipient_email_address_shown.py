"""Found by the outside check of the recipient side: every email to staff shows its link's
address under its button ("If the button does not work, copy this address into your
browser:"), but a recipient's did not. Their personal link is their only way in (no account),
and the HTML part hid it behind a button: a mail reader that blocks or rewrites the button
left the recipient with no address to copy. Each recipient email now shows it under the
button, in the recipient's language."""

from datetime import date

import pytest

from notifications.catalogue import (
    AppointmentNoticeContext,
    EmailKind,
    RecipientInvitationContext,
    RecipientRegisteredContext,
    SecondDoseReminderContext,
)
from notifications.render import render

LINK = "http://cvms.test/r/7/0123456789abcdef"
COPY = {"en": "If the button does not work, copy this address into your browser:",
        "es": "Si el botón no funciona, copie esta dirección en su navegador:"}


def emails(language: str):
    common = {"recipient_name": "Ana", "language": language}
    yield EmailKind.RECIPIENT_INVITATION, RecipientInvitationContext(
        location_name="Clinic", register_url=LINK, **common)
    for reason in ("registered", "readdressed", "asked"):
        yield EmailKind.RECIPIENT_REGISTERED, RecipientRegisteredContext(
            location_name="Clinic", portal_url=LINK, reason=reason, **common)
    yield EmailKind.SECOND_DOSE_REMINDER, SecondDoseReminderContext(
        product_name="Moderna COVID-19 Vaccine", location_name="Clinic",
        first_dose_on=date(2026, 12, 1), due_on=date(2026, 12, 29), portal_url=LINK, **common)
    for change in ("booked", "moved", "cancelled", "released"):
        yield EmailKind.APPOINTMENT_NOTICE, AppointmentNoticeContext(
            change=change, location_name="Clinic", when_text="December 9, 2026, 9:30 AM EST",
            dose_number=1, portal_url=LINK + "/appointments", **common)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_recipients_email_shows_their_links_address_to_copy(language):
    for kind, context in emails(language):
        html = render(kind, context).html
        url = context.model_dump().get("register_url") or context.model_dump()["portal_url"]
        assert COPY[language] in html, (kind, language)
        # the address written out as the link's text, not only in a button's href
        assert f">{url}</a>" in html, (kind, language)
