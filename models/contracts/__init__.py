"""Types that cross the workflow boundary: IDs and small values, never ORM rows.

Free of SQLModel/SQLAlchemy imports on purpose: workflows load these in the sandbox. One
module per area; everything is re-exported here.
"""

from models.contracts.accounts import *  # noqa: F403
from models.contracts.care import *  # noqa: F403
from models.contracts.enrollment import *  # noqa: F403
from models.contracts.helpdesk import *  # noqa: F403
from models.contracts.inventory import *  # noqa: F403
from models.contracts.portal import *  # noqa: F403
from models.contracts.recipients import *  # noqa: F403
from models.contracts.review import *  # noqa: F403
