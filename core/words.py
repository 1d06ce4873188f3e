"""Counted words in staff messages: "1 dose", "60 doses" (never "dose(s)")."""


def how_many(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"
