"""Renders a catalogue email into a subject, a plain-text part and an HTML part.

Every email ends with its next step (`<kind>/next_step.txt`) and a link to the help desk; a
subject is one line, in sentence case, at most SUBJECT_MAX characters (the body has it all).
"""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from core import i18n
from core.timefmt import day, when
from core.wording import counted, thousands
from models.care_rules import product_name
from notifications.catalogue import EmailContext, EmailKind, context_type

TEMPLATES = Path(__file__).parent / "templates"
SUBJECT_MAX = 200

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates change only with a release: no file check per email
)
_env.filters["when"] = when
# A person's text (a rejection's reason) with its line breaks kept in the HTML part.
_env.filters["lines"] = lambda text: Markup("<br>").join(escape(line)
                                                         for line in str(text).splitlines())
_env.filters["day"] = day
_env.filters["thousands"] = thousands
_env.filters["local_day"] = i18n.local_day  # a date in the language of the moment
_env.filters["local_when"] = i18n.local_when
_env.filters["vaccine"] = product_name  # its brand kept, the rest in their language
_env.globals["counted"] = counted  # "1 dose", "1,200 doses"
i18n.install(_env)  # emails to recipients are in their language ({% trans %})


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _subject(text: str) -> str:
    subject = " ".join(text.split())
    subject = subject[:1].upper() + subject[1:]
    if len(subject) <= SUBJECT_MAX:
        return subject
    return subject[:SUBJECT_MAX - 3].rsplit(" ", 1)[0] + "..."


def render(kind: EmailKind, context: EmailContext,
           portal_url: str = "http://127.0.0.1:8000") -> RenderedEmail:
    expected = context_type(kind)
    if not isinstance(context, expected):
        raise TypeError(f"{kind} needs a {expected.__name__}, got {type(context).__name__}")
    with i18n.language(getattr(context, "language", None)):
        return _render(kind, context, portal_url)


def help_url(portal_url: str, language: str | None = None, public: bool = False) -> str:
    """Where an email's help line leads: for organizations and staff, the help centre (they log
    in to open a case; it is in English); for a reader with no account (`public`: a recipient,
    a person who asked without one) or an email in another language, the public question form
    in the email's language."""
    base = portal_url.rstrip("/")
    if public or (language and language != "en"):
        return f"{base}/language/{language or 'en'}?next=/help/ask"
    return f"{base}/help"


def _render(kind: EmailKind, context: EmailContext, portal_url: str) -> RenderedEmail:
    values = {**context.model_dump(),
              "help_url": help_url(portal_url, getattr(context, "language", None),
                                   context.public_reader)}
    values["next_step_text"] = " ".join(
        _env.get_template(f"{kind}/next_step.txt").render(values).split())
    subject = _subject(_env.get_template(f"{kind}/subject.txt").render(values))
    return RenderedEmail(
        subject=subject,
        text=_env.get_template(f"{kind}/body.txt").render(values),
        # the HTML part's <title> (what a mail reader or a screen reader names the message by)
        html=_env.get_template(f"{kind}/body.html").render({**values, "email_subject": subject}),
    )
