"""A location's decision email says the decision in its subject whatever the location's name:
a rejection's subject holds its reason (SPEC 8). A name near its 200 characters filled the
subject, which was cut before "rejected" and the reason."""

from notifications.catalogue import EmailKind, LocationDecisionContext
from notifications.render import SUBJECT_MAX, render

LONG_NAME = ("Atrium Health Wake Forest Baptist Davie Medical Center Outpatient Pharmacy and "
             "Infusion Services at the Bermuda Village Campus, Mocksville, Advance, North "
             "Carolina (Building C, Second Floor)")


def decision(reason: str | None, amendment: str | None = None) -> LocationDecisionContext:
    return LocationDecisionContext(
        recipient_name="Vic", organization_name="Atrium Health", location_name=LONG_NAME,
        reason=reason, amendment=amendment, action_url="http://127.0.0.1:8000/locations/1")


def test_a_long_location_name_leaves_the_decision_and_the_reason_in_the_subject():
    assert len(LONG_NAME) > 180
    reason = "The inside photo of the Helmer unit is blurry"
    for amendment in (None, "storage unit Helmer HPR120 (refrigerator)"):
        rejected = render(EmailKind.LOCATION_REJECTED, decision(reason, amendment))
        assert len(rejected.subject) <= SUBJECT_MAX
        assert "rejected: " + reason in rejected.subject, rejected.subject
        assert rejected.subject.startswith("Atrium Health Wake Forest")
        assert LONG_NAME in rejected.text, "the body names the location whole"
    approved = render(EmailKind.LOCATION_APPROVED, decision(None))
    assert "is approved for the COVID-19 Vaccination Program" in approved.subject
    assert LONG_NAME in approved.text
    short = render(EmailKind.LOCATION_REJECTED, decision(reason).model_copy(
        update={"location_name": "Charlie Main"}))
    assert short.subject == "Charlie Main rejected: " + reason
