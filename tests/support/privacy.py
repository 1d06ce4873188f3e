"""Recipients' personal data in a workflow history: each recipient's name, birth date, phone
and email as a history would hold them, looked for among every word, email address and date- or
phone-like run of the history's JSON with its payloads decoded. tests/support/replay.py scans
every history of each test process with it; tests/test_recipient_privacy.py checks the scanner."""

import base64
import contextlib
import json
import re
from datetime import date

from models.business_hours import holidays_of
from models.recipients import Recipient


def readable(history_json: str) -> str:
    """A history as text a person's data would show in: its JSON plus every payload decoded
    (payloads are base64 in the JSON)."""
    found = [history_json]

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), str) and "metadata" in node:
                with contextlib.suppress(ValueError):
                    found.append(base64.b64decode(node["data"]).decode("utf-8", "replace"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(history_json))
    return "\n".join(found).lower()


def traces(person: Recipient, holidays: set[date]) -> list[str]:
    """A recipient's name, birth date, phone and email, as a history would hold them. A birth
    date that is one of the help desk's holidays is not looked for: every case's input carries
    the desk's calendar (its `closed_on` dates), so a baby born on Thanksgiving could not be
    told from it (the point-of-care tests register one ten days before the run)."""
    born = person.date_of_birth
    digits = re.sub(r"\D", "", person.phone)
    dates = [] if born in holidays else [
        born.isoformat(), born.strftime("%m/%d/%Y")]
    found = [person.first_name, person.last_name, *dates, person.phone, digits]
    return [t.lower() for t in found + ([person.email] if person.email else [])]


WORD = re.compile(r"[^\W_]+")
EMAIL = re.compile(r"[\w.+-]+@[\w.-]+")
DIGITS = re.compile(r"[\d/-]{8,}")


def tokens(text: str) -> set[str]:
    """Every word, email address and date- or phone-like run of a history's text: a person's
    data shows as one of these (a trace of several words shows as all of its words)."""
    return set(WORD.findall(text)) | set(EMAIL.findall(text)) | set(DIGITS.findall(text))


def index(people: list[Recipient], holidays: str) -> dict[str, dict[tuple[str, ...], int]]:
    """Each trace as the tokens it is made of -> its recipient, filed under its longest token
    (the whole phone number, not its "919"): a history's tokens find the few traces that could
    be in it, rather than every trace of thousands of people being tried against each of a
    thousand histories."""
    found: dict[str, dict[tuple[str, ...], int]] = {}
    calendar = set(holidays_of(holidays, sorted({person.date_of_birth.year for person in people})))
    for person in people:
        for trace in traces(person, calendar):
            parts = tokens(trace) if EMAIL.fullmatch(trace) or DIGITS.fullmatch(trace) else None
            words = tuple(sorted(parts or set(WORD.findall(trace))))
            if words:
                found.setdefault(max(words, key=len), {})[words] = person.id
    return found


def leaks_in(text: str, traces_of: dict[str, dict[tuple[str, ...], int]]
             ) -> list[tuple[int, str]]:
    seen = tokens(text)
    return [(who, " ".join(words)) for key in seen & traces_of.keys()
            for words, who in traces_of[key].items() if all(word in seen for word in words)]
