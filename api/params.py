"""Parameters shared by every route: one id type, for paths, queries, forms and JSON bodies.

`Id` is a positive 64-bit integer (see models.fields); routes annotate each id with it so a text
or oversized id answers 422 naming the field instead of reaching the database.
"""

from typing import Any

from pydantic import TypeAdapter, ValidationError

from core.errors import Invalid
from models.fields import MAX_ID, Id

__all__ = ["MAX_ID", "Id", "as_id", "form_id", "form_ids"]

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
