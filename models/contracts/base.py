"""What every command into a workflow carries."""

from datetime import datetime

from pydantic import BaseModel


class Command(BaseModel):
    """A person's action delivered as an update. The gateway sets `deadline` to when it stops
    waiting; the workflow refuses the command after that (see workflows/guard.py)."""

    deadline: datetime | None = None
