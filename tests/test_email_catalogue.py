"""Every email in the catalogue: a one-line subject in sentence case, a next step, a link."""

import html
import re
import uuid
from datetime import date
from typing import get_args, get_origin

import pytest
from pydantic import BaseModel

from notifications.catalogue import (
    CONTEXTS,
    EmailKind,
    LocationDecisionContext,
    SigningLink,
)
from notifications.render import SUBJECT_MAX, render
from notifications.sender import OutgoingEmail, SmtpSender

BASE = "https://cvms.example.gov"
# Names that keep their capitals inside a sentence-case subject.
PROPER = {"NC", "CVMS", "COVID-19", "Vaccination", "Program", "Section", "A", "B", "CDC",
          "Primary", "Vaccine", "Coordinator", "Help", "Desk", "Provider", "Organization",
          "Portal"}


def _sample(field: str, annotation) -> object:
    if get_origin(annotation) is list:
        item = get_args(annotation)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return [SigningLink(title="sample document", url=f"{BASE}/sign/token")]
        return ["sample item"]
    kinds = {a for a in (get_args(annotation) or (annotation,))}
    if int in kinds:
        return 2
    if bool in kinds:
        return False
    if date in kinds:
        return date(2026, 12, 1)
    return f"{BASE}/{field}" if field.endswith("url") else "sample"


def sample_context(kind: EmailKind):
    model = CONTEXTS[kind]
    return model(**{name: _sample(name, f.annotation) for name, f in model.model_fields.items()})


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_email_has_a_sentence_case_subject_a_next_step_and_a_link(kind):
    rendered = render(kind, sample_context(kind), portal_url=BASE)
    subject = rendered.subject
    assert "\n" not in subject and len(subject) <= SUBJECT_MAX
    assert subject[0].isupper(), subject
    words = re.findall(r"[A-Za-z][\w-]*", subject)[1:]
    shouting = [w for w in words if w[0].isupper() and w not in PROPER]
    assert not shouting, f"{kind}: {subject!r} is not in sentence case ({shouting})"
    for part in (rendered.text, rendered.html):
        step = re.search(r"Next step:(?:</strong>)?\s*(\S.*)", part)
        assert step, f"{kind} names no next step"
    assert re.search(rf"{BASE}/\S+", rendered.text), f"{kind}: no link in the text part"
    assert f'href="{BASE}/' in rendered.html, f"{kind}: no link in the HTML part"
    title = re.search(r"<title>(.*?)</title>", rendered.html)
    assert title and html.unescape(title[1]) == subject, f"{kind}: its title is not its subject"


@pytest.mark.parametrize(("language", "one", "two"), [
    ("en", "Attached file: a.txt (open the case to see it).",
     "Attached files: a.txt, b.pdf (open the case to see them)."),
    ("es", "Archivo adjunto: a.txt (abra el caso para verlo).",
     "Archivos adjuntos: a.txt, b.pdf (abra el caso para verlos).")])
def test_one_attached_file_is_named_in_the_singular(language, one, two):
    case = sample_context(EmailKind.CASE_UPDATED).model_copy(update={"language": language})
    for kind in (EmailKind.CASE_UPDATED, EmailKind.CASE_RESOLVED, EmailKind.CASE_INFO_REQUESTED):
        for files, expected in ((["a.txt"], one), (["a.txt", "b.pdf"], two)):
            rendered = render(kind, case.model_copy(update={"files": files}), portal_url=BASE)
            assert expected in rendered.text and expected in rendered.html, (kind, files)


@pytest.mark.parametrize("kind", list(EmailKind))
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_text_part_keeps_its_links_on_their_own_lines(kind, language):
    """A link run into the sentence before it ("...este correo.https://...") is not a link a
    mail program finds, nor is one with the sentence's stop or bracket after it; the help
    desk's address ends every text part on a line of its own."""
    context = sample_context(kind)
    if "language" in type(context).model_fields:
        context = context.model_copy(update={"language": language})
    text = render(kind, context, portal_url=BASE).text
    for url in re.findall(rf"\S*{re.escape(BASE)}\S*", text):
        # nothing glued before it, and no bracket or stop after it that a mail program (or the
        # dev mailbox) would take into the link: "(https://.../help)." opened ".../help)."
        assert url.startswith(BASE) and url[-1] not in ".,;:)]", \
            f"{kind} ({language}): {url!r} is glued"
    in_spanish = language == "es" and "language" in type(context).model_fields
    expected = f"{BASE}/language/{'es' if in_spanish else 'en'}?next=/help/ask" \
        if in_spanish or context.public_reader else f"{BASE}/help"
    assert text.rstrip().splitlines()[-1] == expected


@pytest.mark.parametrize("language", ["en", "es"])
def test_people_without_an_account_are_led_to_the_question_form_in_their_language(language):
    """A recipient, or someone who asked without an account, cannot open a case in the help
    centre (it needs a login): their emails' help line leads to the public question form, in
    English too (it led English readers to the help centre; found by the outside check)."""
    for kind in (EmailKind.RECIPIENT_INVITATION, EmailKind.SECOND_DOSE_REMINDER,
                 EmailKind.APPOINTMENT_NOTICE, EmailKind.RECIPIENT_REGISTERED):
        context = sample_context(kind).model_copy(update={"language": language})
        last = render(kind, context, portal_url=BASE).text.rstrip().splitlines()[-1]
        assert last == f"{BASE}/language/{language}?next=/help/ask", (kind, last)
    case = sample_context(EmailKind.CASE_RECEIVED).model_copy(update={"language": language})
    public = render(EmailKind.CASE_RECEIVED, case.model_copy(update={"public": True}),
                    portal_url=BASE).text.rstrip().splitlines()[-1]
    assert public == f"{BASE}/language/{language}?next=/help/ask"
    if language == "en":  # a provider's case: the help centre, where they log in
        provider = render(EmailKind.CASE_RECEIVED, case, portal_url=BASE).text
        assert provider.rstrip().splitlines()[-1] == f"{BASE}/help"


async def test_a_long_subject_is_one_line_on_the_wire_and_capped(system):
    reason = "The inside photo of the storage unit does not show a calibrated thermometer " * 5
    to = f"long-{uuid.uuid4().hex[:6]}@example.org"
    base = system.settings.public_base_url
    rendered = render(EmailKind.LOCATION_REJECTED, LocationDecisionContext(
        recipient_name="Ana", organization_name="Piedmont Health",
        location_name="Blue Ridge Mountains Regional Community Health Center", reason=reason,
        amendment=None, action_url=f"{base}/locations/1/section-b"), portal_url=base)
    await SmtpSender(system.settings).send(OutgoingEmail(
        to=(to,), subject=rendered.subject, text=rendered.text, html=rendered.html,
        message_id=f"<{uuid.uuid4().hex}@cvms.local>"))
    mail = await system.smtp.one(to=to)
    headers = mail.raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    subject = [line for line in headers if line.startswith(b"Subject:")]
    assert len(subject) == 1
    following = headers[headers.index(subject[0]) + 1]
    assert not following[:1].isspace(), "the subject was folded onto a second line"
    assert subject[0].decode() == f"Subject: {mail.subject}"
    assert len(mail.subject) <= SUBJECT_MAX and mail.subject.endswith("...")
    assert mail.subject.startswith("Blue Ridge Mountains Regional Community Health Center "
                                   "rejected: The inside photo")
    async with system.http() as http:
        help_link = re.search(r'href="([^"]+/help)"', mail.html)[1]
        assert (await http.get(help_link.removeprefix(base))).status_code == 200


@pytest.mark.parametrize("amendment", [None, "Storage unit replaced"])
def test_the_location_approval_tells_each_reader_what_to_open_in_plain_english(amendment):
    """The approval, sent to the site and its Organization Administrator at once, read
    "Location Manager, open the inventory:" (and "Location Manager, open the location:" for a
    change): a role's name as if it were a person's. Each link now says whose it is as an
    instruction a person reads."""
    context = LocationDecisionContext(
        recipient_name="Ana", organization_name="Piedmont Health", location_name="Elm Clinic",
        reason=None, amendment=amendment, action_url=f"{BASE}/inventory/1",
        admin_url=f"{BASE}/organization")
    mail = render(EmailKind.LOCATION_APPROVED, context, portal_url=BASE)
    what = "page" if amendment else "inventory"
    assert f"As the location's manager, open its {what}:\n{BASE}/inventory/1" in mail.text
    assert (f"As the organization's administrator, open its enrollment (the inventory is the "
            f"location manager's):\n{BASE}/organization") in mail.text
    assert "Location Manager, open" not in mail.text
    assert "As the location's manager:" in mail.html
    assert "As the organization's administrator, <a" in mail.html
    alone = render(EmailKind.LOCATION_APPROVED, context.model_copy(update={"admin_url": None}),
                   portal_url=BASE).text
    assert f"Open the location's {what}:\n{BASE}/inventory/1" in alone
    assert "administrator" not in alone


@pytest.mark.parametrize("language", ["en", "es"])
def test_counts_are_written_by_babel_in_the_language_of_the_moment(language):
    """Pages and emails write a count with its thousands separator as the reader's language
    does (Babel's format_decimal): NC's Spanish (es_US) groups as English does, 10,000."""
    from babel.numbers import format_decimal

    from api.pages import templates
    from core import i18n
    from notifications.catalogue import TransferNoticeContext

    with i18n.language(language):
        expected = format_decimal(10000, locale=i18n.locale())
        shown = templates.env.from_string(
            "{{ 10000|thousands }} {{ -1200|thousands(signed=True) }} {{ 0|thousands(true) }}"
        ).render()
    assert expected == "10,000" and shown == f"{expected} -1,200 0"
    notice = sample_context(EmailKind.TRANSFER_NOTICE).model_copy(update={"doses": 10000})
    assert isinstance(notice, TransferNoticeContext)
    mail = render(EmailKind.TRANSFER_NOTICE, notice, portal_url=BASE)
    assert "Doses:      10,000" in mail.text and "<td>10,000</td>" in mail.html
    # a reason of several lines stays in its column (found by an outside check: its second
    # line started the row below at the margin)
    denied = notice.model_copy(update={"decision_reason": "Too few doses.\r\nAsk again."})
    text = render(EmailKind.TRANSFER_NOTICE, denied, portal_url=BASE).text
    assert "  Reason for the denial:  Too few doses.\n" + " " * 26 + "Ask again." in text, text


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_email_is_signed_the_same_way(kind):
    """Found by walking the help desk: the credentials email was signed "... Management System
    (CVMS), NC Immunization Branch." on its own line, the case emails that followed it (the
    requester's footer, which may be Spanish) "... Management System, NC Immunization Branch.
    Questions? ..." run together. One signature, in each language."""
    context = sample_context(kind)
    for language in ("en", "es") if "language" in type(context).model_fields else ("en",):
        if language == "es":
            context = context.model_copy(update={"language": "es"})
        lines = render(kind, context, portal_url=BASE).text.rstrip().splitlines()
        signature = lines[lines.index("--") + 1:-1]
        # staff's emails about a Spanish case (an agent's) stay English, signature and all
        written_in = "es" if any(line.startswith("Próximo paso:") for line in lines) else "en"
        assert signature == SIGNATURE[written_in], (kind, language, signature)


SIGNATURE = {
    "en": ["NC COVID-19 Vaccine Management System (CVMS), NC Immunization Branch.",
           "Questions? Open a case at the CVMS Help Desk. Please do not reply to this email."],
    "es": ["Sistema de Gestión de Vacunas contra el COVID-19 de Carolina del Norte (CVMS), "
           "Sección de Inmunización.",
           "¿Preguntas? Abra un caso en la mesa de ayuda de CVMS. Por favor, no responda a este "
           "correo."]}
