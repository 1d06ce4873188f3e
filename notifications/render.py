"""Renders a catalogue email into a subject, a plain-text part and an HTML part."""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications.catalogue import EmailContext, EmailKind, context_type

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(kind: EmailKind, context: EmailContext) -> RenderedEmail:
    expected = context_type(kind)
    if not isinstance(context, expected):
        raise TypeError(f"{kind} needs a {expected.__name__}, got {type(context).__name__}")
    values = context.model_dump()
    subject = _env.get_template(f"{kind}/subject.txt").render(values)
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_env.get_template(f"{kind}/body.txt").render(values),
        html=_env.get_template(f"{kind}/body.html").render(values),
    )
