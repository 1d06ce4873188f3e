"""The one Temporal client factory: every client shares the pydantic data converter."""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from core.settings import Settings

DATA_CONVERTER = pydantic_data_converter


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
    )
