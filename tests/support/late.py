"""A request whose transaction commits a moment after it told its process: in production the
commit follows the process's start or acceptance by milliseconds, and a process's first step
can look at the database in between. Tests widen that moment to see the step wait for the
change it was told of instead of reading the row as it was."""

import asyncio


def commit_late(monkeypatch, module, name: str, seconds: float) -> None:
    """`module.name` (an api.processes function that starts or tells a process, called before
    the request commits) returns `seconds` later, so the commit comes that much after."""
    told = getattr(module, name)

    async def late(*args, **kwargs):
        result = await told(*args, **kwargs)
        await asyncio.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, late)
