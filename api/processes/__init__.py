"""The typed process gateway: the only part of the API that knows the workflows.

One module per process, one typed function per action; `gateway.Gateway` holds the Temporal
client and maps refusals and timeouts to HTTP answers. Routers and domain functions call
these functions and never build workflow ids or handles themselves.
"""

from api.processes.gateway import Gateway

__all__ = ["Gateway"]
