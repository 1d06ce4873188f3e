"""Form handling shared by pages and JSON: one pydantic model validates both.

Input models refuse unknown fields (`extra="forbid"`): a misspelt field in an API body is a 422
naming it, never silently ignored. A page's form also carries its buttons and other controls the
page itself renders, so `parse` and `validated_form` (for pages) keep only the model's fields;
`validated` (for the API) is strict."""

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, get_args, get_origin

from fastapi import Request
from pydantic import BaseModel, ValidationError

from core import i18n
from core.errors import Invalid
from core.i18n import N_
from models.input import valid_fields

M = TypeVar("M", bound=BaseModel)

_FRIENDLY = {
    "missing": "This field is required.",
    "string_too_short": "This field is required.",
    "int_parsing": "Enter a whole number.",
    "float_parsing": "Enter a number.",
    "bool_parsing": "Choose yes or no.",
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "time_parsing": "Enter a time as HH:MM.",
    "enum": "Choose one of the options.",
    "literal_error": "Choose one of the options.",
    "greater_than_equal": N_("Enter a number of at least {ge}."),
    "less_than_equal": N_("Enter a number no larger than {le}."),
    "too_long": "Too many entries.",
    "string_too_long": N_("Use at most {max_length} characters."),
    "string_pattern_mismatch": "This is not in the expected format.",
    "too_short": "Choose at least one.",
    "list_type": "Choose at least one.",
    "extra_forbidden": "This field is not accepted here: check its spelling.",
    "timezone_aware": "Give the time with its time zone, like 2026-03-01T09:00:00-05:00.",
    # a number or a moment sent for a day (20270621, 2027-06-21T10:00)
    "date_from_datetime_inexact": N_("Enter a date as YYYY-MM-DD."),
}
# A JSON value of another type (a list, an object, a number) where a field of each kind belongs:
# said as the field's own problem is, not in the validator's words ("Input should be a valid
# string", "dates before 0000 are not supported as unix timestamps"). Only the validator's own
# messages: a model's check may raise one of these types with words of its own.
A_DATETIME = "Enter a date and time like 2026-03-01T09:00:00-05:00."
AN_OBJECT = "Send these fields as a JSON object."
_WRONG_TYPE = {
    "string_type": "Send this as text.",
    **dict.fromkeys(("int_type", "int_from_float", "int_parsing_size"), _FRIENDLY["int_parsing"]),
    **dict.fromkeys(("float_type", "finite_number"), _FRIENDLY["float_parsing"]),
    "bool_type": _FRIENDLY["bool_parsing"],
    **dict.fromkeys(("date_type", "date_from_datetime_parsing_size"), _FRIENDLY["date_parsing"]),
    **dict.fromkeys(("datetime_type", "datetime_parsing", "datetime_from_date_parsing",
                     "datetime_object_invalid"), A_DATETIME),
    "time_type": _FRIENDLY["time_parsing"],
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), AN_OBJECT),
}
AT_LEAST = N_("Use at least {min_length} characters.")
i18n.filled_in(_FRIENDLY["greater_than_equal"], _FRIENDLY["less_than_equal"],
               _FRIENDLY["string_too_long"], AT_LEAST)
NO_SUCH_DAY = N_("Enter a real date: there is no such day (check the month and the day).")
A_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


UNION_MEMBER = re.compile(r"[a-z-]+\[.*\]")  # pydantic's name for a union's member
WHERE = ("body", "query", "path", "form", "header", "cookie")  # FastAPI's first element


def _field_name(loc: Iterable[Any]) -> str:
    """The field an error is about: FastAPI says where first ("body", "query", ...), a model
    validated directly does not, and a field may itself be called "body" (a message's)."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in WHERE:
        parts = parts[1:]
    # A value that may be one of several types (Team | Literal["all"]) is refused once per
    # type, each named after its type ("team.str-enum[Team]"): the field is still "team".
    parts = [p for p in parts if not UNION_MEMBER.fullmatch(p)]
    return ".".join(parts) or "form"


# A blank box or an unchosen list sends "" (a form) or null (JSON): that is a field left empty,
# whatever the type it was to hold ("Product: Enter a whole number." said nothing useful).
_EMPTY_MEANS_MISSING = {"int_parsing", "int_type", "float_parsing", "float_type", "string_type",
                        "date_parsing", "date_from_datetime_parsing", "date_type",
                        "time_parsing", "time_type", "datetime_parsing", "datetime_type",
                        "enum", "literal_error", "bool_parsing", "bool_type"}


def _message(error: Mapping[str, Any]) -> str:
    if error.get("type") in _EMPTY_MEANS_MISSING and error.get("input") in ("", None):
        return _FRIENDLY["bool_parsing" if error["type"].startswith("bool") else "missing"]
    min_length = (error.get("ctx") or {}).get("min_length", 1)
    if error.get("type") == "string_too_short" and min_length > 1 and str(
            error.get("input") or "").strip():  # typed, but too little of it
        return AT_LEAST.format(min_length=min_length)
    if error.get("type") in ("date_parsing", "date_from_datetime_parsing") and A_DAY.fullmatch(
            str(error.get("input", ""))):  # 2027-02-29: written right, a day that is not
        return NO_SUCH_DAY
    template = _FRIENDLY.get(error.get("type", ""))
    if template:
        try:
            return template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            return template
    message = str(error.get("msg", "This value is not valid."))
    if message.startswith("Input should") and error.get("type") in _WRONG_TYPE:
        return _WRONG_TYPE[error["type"]]
    if "valid email address" in message:
        return "Enter an email address like name@example.org."
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def error_messages(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Field name -> a message a person can act on (first error per field)."""
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(_field_name(error.get("loc", ())), _message(error))
    return messages


async def form_values(request: Request) -> dict[str, Any]:
    """The posted form's text as a dict. Fields named "x[]" (every field a page posts more than
    once: multiple selects, the files a form keeps) are lists, as "x"; any other is one value:
    sent more than once (no page does), the last one counts, as a browser's own form would have
    it, so no handler meets a list where it reads text. Files are left out (a page reads the
    files it takes by their own parameters): a file sent for a text field leaves that field
    unanswered."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        items = [item for item in form.getlist(key) if isinstance(item, str)]
        if key == "csrf_token" or not items:
            continue
        values[key] = items if key.endswith("[]") else items[-1]
    return {k.removesuffix("[]"): v for k, v in values.items()}


def _field_names(model: type[BaseModel]) -> set[str]:
    return {name for key, field in model.model_fields.items()
            for name in (key, field.alias) if name}


def _strict(model: type[M], data: Mapping[str, Any]) -> tuple[M | None, dict[str, str]]:
    try:
        return model.model_validate(dict(data)), {}
    except ValidationError as error:
        errors = error_messages(error.errors())
    # A model may name problems validation stopped short of (pydantic validates a field only
    # when the fields it depends on passed): all are said at once.
    also = getattr(model, "also_refused", None)
    return None, {**(also(data, errors) if also else {}), **errors}


def parse(model: type[M], data: Mapping[str, Any]) -> tuple[M | None, dict[str, str]]:
    """A page's form: the model's fields, validated (the page's buttons are not answers). A
    yes-or-no question left unanswered says so, not that "this field is required", and so
    does a list of boxes with none ticked (a form sends nothing for it): "Choose at least
    one."."""
    names = _field_names(model)
    parsed, errors = _strict(model, {k: v for k, v in data.items() if k in names})
    for name, message in errors.items():
        field = model.model_fields.get(name)
        if message == _FRIENDLY["missing"] and field is not None and _yes_or_no(field.annotation):
            errors[name] = _FRIENDLY["bool_parsing"]
        elif message == _FRIENDLY["missing"] and field is not None and _a_list(field.annotation):
            errors[name] = _FRIENDLY["too_short"]
    return parsed, errors


def one_field(model: type[BaseModel], name: str, data: Mapping[str, Any]) -> Any:
    """One of a form's fields read on its own (None when it is absent or wrong): what a rule
    between fields needs when other fields are wrong, so the page says every mistake at once."""
    return valid_fields(model, {name: data[name]} if name in data else {}, {}).get(name)


def _a_list(annotation: Any) -> bool:
    return get_origin(annotation) is list


def _yes_or_no(annotation: Any) -> bool:
    kinds = {a for a in (get_args(annotation) or (annotation,)) if a is not type(None)}
    return kinds == {bool}


def refuse_fields(errors: dict[str, str]) -> None:
    if errors:
        raise Invalid("Check these fields: " + ", ".join(errors) + ".", errors=errors)


def validated(model: type[M], data: Mapping[str, Any]) -> M:
    """An API body: parse strictly, or refuse with a 422 naming every field that needs attention
    (an unknown field included)."""
    parsed, errors = _strict(model, data)
    refuse_fields(errors)
    return parsed


def validated_form(model: type[M], data: Mapping[str, Any]) -> M:
    """A page's form, or a 422 naming every field that needs attention."""
    parsed, errors = parse(model, data)
    refuse_fields(errors)
    return parsed


async def refuse_unknown_fields(request: Request, known: Iterable[str]) -> None:
    """Multipart API forms (declared with Form()/File()) refuse a field they do not declare."""
    form = await request.form()
    allowed = set(known)
    refuse_fields({key: _FRIENDLY["extra_forbidden"] for key in form if key not in allowed})
