"""What every form and API body a person sends is checked against before its own rules.

Text is stripped of surrounding whitespace. Text that holds nothing visible (spaces, zero-width
characters, a byte-order mark) is empty, so a required field still asks for it and an optional
one is left unset. Control characters (NUL and the other C0/C1 codes; tab and line breaks
excepted) are refused on the field: no keyboard types them, Postgres cannot store NUL in text,
and a CSV export or an email would carry them to others.
"""

import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# For a one-line query parameter read outside a model (a search): no control character at all.
NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f]*$"
CONTROL_MESSAGE = ("Remove the characters that cannot be typed (such as NUL or other control "
                   "characters) and enter it again.")


def visible(text: str) -> bool:
    """Whether the text shows anything: not only whitespace and format characters (Cf:
    zero-width spaces and joiners, the byte-order mark, direction marks)."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def clean_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if CONTROL.search(value):
        raise PydanticCustomError("control_characters", CONTROL_MESSAGE)
    return value if visible(value) else ""


class Input(BaseModel):
    """The base of every model that reads what a person sends (forms, API bodies, filters)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _typed_text(cls, value: Any) -> Any:
        return clean_text(value)
