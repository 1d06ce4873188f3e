"""The one Temporal client factory: every client shares the pydantic data converter."""

import functools
from datetime import timedelta

from pydantic import TypeAdapter
from temporalio.client import Client, RetryConfig
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)

from core.settings import Settings

_TYPE_ADAPTERS = functools.lru_cache(maxsize=1024)(TypeAdapter)


class _SharedJSONConverter(PydanticJSONPlainPayloadConverter):
    """The SDK's pydantic JSON converter with one cache of type adapters per process.

    The worker makes a payload converter for every workflow instance it runs, and the SDK's
    converter keeps its own cache of type adapters: each type a workflow sends or receives
    was compiled again per cached run (~1.7 KiB and a few microseconds each, bench/cases.py).
    A type adapter holds no state of a run, and the workflow modules' types are the same
    objects in every run (they pass through the sandbox), so one cache serves them all."""

    def __init__(self) -> None:
        super().__init__(max_cached_type_adapters=0)
        self._type_adapter = _TYPE_ADAPTERS


_JSON = _SharedJSONConverter()


class PayloadConverter(CompositePayloadConverter):
    """The SDK's pydantic payload converter (`pydantic_data_converter`), sharing one JSON
    converter, and so one cache of type adapters, among every instance."""

    def __init__(self) -> None:
        super().__init__(*(
            _JSON if isinstance(c, JSONPlainPayloadConverter) else c
            for c in DefaultPayloadConverter.default_encoding_payload_converters
        ))


DATA_CONVERTER = DataConverter(payload_converter_class=PayloadConverter)


async def connect(settings: Settings, *, give_up_after: timedelta | None = None) -> Client:
    """A client. The SDK retries a call the server is not there for (connection refused) for up
    to 10 s; `give_up_after` bounds that, so the API's first action after Temporal went away
    answers "not done" within the action's timeout instead of ~10 s later (the gateway then
    refuses the next ones at once for a few seconds)."""
    retry = RetryConfig() if give_up_after is None else RetryConfig(
        max_elapsed_time_millis=int(give_up_after.total_seconds() * 1000))
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
        retry_config=retry,
    )
