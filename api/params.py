"""Parameters shared by every route: one id type, for paths, queries, forms and JSON bodies.

`Id` is a positive 64-bit integer (see models.fields); routes annotate each id with it so a text
or oversized id answers 422 naming the field instead of reaching the database.
"""

from typing import Any

from pydantic import TypeAdapter, ValidationError

from core.errors import Invalid
from models.fields import MAX_ID, Id

__all__ = ["MAX_ID", "Id", "as_id", "form_id", "form_ids", "id_or_none", "page_number"]

_ID = TypeAdapter(Id)
_IDS = TypeAdapter(list[Id])


def as_id(raw: Any, field: str) -> int:
    """An id taken from a form value (or a button's value); a 422 on the field when not one."""
    try:
        return _ID.validate_python(raw, strict=False)
    except ValidationError:
        raise Invalid("Choose one of the options listed.",
                      field=field) from None


def form_id(values: dict[str, Any], field: str) -> int | None:
    """An optional id posted in a form; None when empty, a 422 on the field when not an id."""
    raw = values.get(field)
    return None if raw in (None, "") else as_id(raw, field)


def form_ids(values: dict[str, Any], field: str) -> list[int]:
    """Repeated ids from a form (a checkbox group); a 422 on the field when one is not an id."""
    raw = values.get(field) or []
    try:
        return _IDS.validate_python(raw if isinstance(raw, list) else [raw], strict=False)
    except ValidationError:
        raise Invalid("Choose from the options listed.", field=field) from None


def id_or_none(raw: Any) -> int | None:
    """An id from a value sent back as it was (a form's kept choice), or None when it is not
    one: letters, a sign, digits that are not ASCII ('²', which str.isdigit takes and int
    refuses), or past the largest id."""
    try:
        return _ID.validate_python(raw, strict=False)
    except ValidationError:
        return None


PAGE_DIGITS = 6  # no listing has a million pages: a longer number is no page of it


def page_number(raw: str | None) -> int:
    """A page number from the address (`?page=`); anything else is the first page: empty,
    letters, a sign, digits that are not ASCII ('²'), or a number longer than any listing's
    (thousands of digits, which int() refuses). A page past the last is for the listing to
    clamp (`state_lists.paged`)."""
    text = raw or ""
    if text.isascii() and text.isdigit() and len(text) <= PAGE_DIGITS:
        return int(text)
    return 1
