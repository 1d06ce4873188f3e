"""Free text in an HL7 v2 message. hl7apy escapes a value given to a field as one of its
datatypes (a plain string is read as ER7, so its | ^ & ~ would split the field); `Text` is
hl7apy's ST with two faults of its escaping mended (hl7apy 1.3.5): a backslash that looks like
part of an escape sequence ("\\T\\" typed as text) was left as is, and CR and LF, which end a
segment, were not escaped at all. `text_of` is the reader's side: hl7apy reads a message
without unescaping it, and writes a value it read escaped again in its own way."""

import re

from hl7apy import get_default_encoding_chars
from hl7apy.v2_5_1 import ST

# hl7apy's ST holds at most 199 characters, counted escaped when a message is read back.
MAX_ESCAPED = 199
_HEX = {"\r": "X0D", "\n": "X0A"}
_SEQUENCE = re.compile(r"\\(F|S|T|R|E|X(?:[0-9A-Fa-f]{2})+)\\")
_SEPARATORS = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\"}


class Text(ST):
    """Any text (HL7 v2.5.1 §2.7): the escape character first, then | ^ & ~, CR and LF; cut
    short, never inside an escape sequence, when the escaped text is longer than ST allows."""

    def __init__(self, value: str):
        self.highlights = None
        value = value[:MAX_ESCAPED]
        while len(self._escape_value(value, get_default_encoding_chars("2.5.1"))) > MAX_ESCAPED:
            value = value[:-1]
        super().__init__(value)

    @property
    def classname(self) -> str:
        return "ST"  # the datatype hl7apy checks against the message structure

    def _get_translations(self, encoding_chars):
        escape = encoding_chars["ESCAPE"]
        return ((escape, f"{escape}E{escape}"), *super()._get_translations(encoding_chars),
                *((char, f"{escape}{code}{escape}") for char, code in _HEX.items()))

    def _get_escape_char_regex(self, escape_char):
        return r"(?!)"  # matches nothing: the escape character went first, with the others


def text_of(element) -> str:
    """The text of a parsed field, component or subcomponent (its first, going down)."""
    while getattr(element, "children", None):
        element = element.children[0]
    return unescape(element.value.value) if getattr(element, "value", None) else ""


def unescape(er7: str) -> str:
    """The text an escaped ER7 value carries."""
    def one(match: re.Match) -> str:
        code = match[1]
        return _SEPARATORS.get(code) or bytes.fromhex(code[1:]).decode("utf-8", "replace")
    return _SEQUENCE.sub(one, er7)
