"""What every form and API body a person sends is checked against before its own rules.

Text is stripped of surrounding whitespace. Text that holds nothing visible (spaces, zero-width
characters, a byte-order mark) is empty, so a required field still asks for it and an optional
one is left unset. Control characters (NUL and the other C0/C1 codes; tab and line breaks
excepted) are refused on the field: no keyboard types them, Postgres cannot store NUL in text,
and a CSV export or an email would carry them to others.
"""

import re
import types
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
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


@cache
def _kinds(annotation: Any) -> frozenset[type]:
    """The plain types a field's annotation allows (`int | None` -> {int, NoneType})."""
    if get_origin(annotation) is Annotated:
        return _kinds(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return frozenset().union(*(_kinds(arg) for arg in get_args(annotation)))
    return frozenset([annotation]) if isinstance(annotation, type) else frozenset([object])


def _as_sent(value: Any, kinds: frozenset[type]) -> Any:
    """What pydantic's lax mode would quietly convert, refused: JSON's true or false for a number
    (taken as 1 or 0) and a date and time for a day (its time dropped)."""
    if isinstance(value, bool) and kinds & {int, float} and not kinds & {bool, object}:
        raise PydanticCustomError("number_type", "Enter a number, not true or false.")
    if (isinstance(value, str) and date in kinds and not kinds & {datetime, object}
            and len(value.strip()) > 10):
        raise PydanticCustomError("date_type", "Enter a date as YYYY-MM-DD, without a time.")
    return value


class Input(BaseModel):
    """The base of every model that reads what a person sends (forms, API bodies, filters)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _typed_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and isinstance(value, bool | str):
            value = _as_sent(value, _kinds(field.annotation))
        return clean_text(value)


def valid_fields(model: type[BaseModel], data: Mapping[str, Any],
                 errors: Mapping[str, str]) -> dict[str, Any]:
    """The fields of a refused form that passed (not in `errors`), each as the model reads it
    (stripped, typed): what a rule between fields, or one that asks the database, can still
    check, so a page names every problem at once, not one batch per try."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in errors or name not in data:
            continue
        raw = data[name]
        raw = clean_text(raw.strip()) if isinstance(raw, str) else raw
        kind = Annotated[field.annotation, *field.metadata] if field.metadata else \
            field.annotation
        try:
            values[name] = TypeAdapter(kind).validate_python(raw)
        except (ValidationError, ValueError):
            continue
    return values
