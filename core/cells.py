"""Cells of the spreadsheets people download: one that a spreadsheet program would run as a
formula (= + - @, or a tab or carriage return before one) is given back as text."""

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: Any) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_START)


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula is prefixed with an
    apostrophe (OWASP's advice)."""
    if not isinstance(value, str):  # a number (-3 too) or a date is no formula
        return "" if value is None else str(value)
    return "'" + value if looks_like_formula(value) else value
