"""Column types: enums are stored as their string values, so adding a value needs no migration."""

from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class EnumString(TypeDecorator):
    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum], length: int = 40) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, _dialect: Any) -> str | None:
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: Any, _dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum_cls(value)


def enum_field(enum_cls: type[StrEnum], default: Any = ..., *, index: bool = False,
               nullable: bool = False) -> Any:
    return Field(default=default, sa_type=EnumString(enum_cls), index=index, nullable=nullable)
