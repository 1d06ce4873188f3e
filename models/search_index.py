"""SQLite's trigram index of the help-desk cases' search text (Postgres has pg_trgm's, declared
on the model by `trigram_indexes`).

An FTS5 table with the trigram tokenizer over `help_case.search_text` (external content: it
keeps only the index, the text stays in `help_case`), kept in step by three triggers, both made
by migration 0011h. A search of three characters or more asks it for the ids of the cases whose
text holds the phrase (api/domain/text_search.py `search_text_contains`) instead of reading every
case's text: at 20,000 cases the searched console was the one list past 25 ms with 20 people.

The triggers live on `help_case`: a migration that recreates that table on SQLite (a batch
migration) drops them and must create them again (tests/test_migrations.py checks that they
are there at head).

An SQLite without FTS5's trigram tokenizer (before 3.34, e.g. Ubuntu 20.04's) gets no table:
the migration leaves it out and the console's search reads the narrow search index instead
(`ready` asks once per database).
"""

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

TABLE = "help_case_search"
TRIGGERS = ("help_case_search_insert", "help_case_search_delete", "help_case_search_update")


def is_search_index_table(name: str) -> bool:
    """The FTS5 table or one of its shadow tables (`help_case_search_data`, ...): no model's."""
    return name == TABLE or name.startswith(f"{TABLE}_")


_ready: dict[str, bool] = {}


async def ready(session: AsyncSession) -> bool:
    """This SQLite database has the table (asked once per database; Postgres: False, it has
    pg_trgm's indexes instead)."""
    bind = session.bind
    if bind.dialect.name != "sqlite":
        return False
    key = str(bind.url)
    if key not in _ready:
        found = await session.exec(text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name").bindparams(
            name=TABLE))
        _ready[key] = found.first() is not None
    return _ready[key]
