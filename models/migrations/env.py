"""Alembic environment: the URL comes from settings unless the caller passes one."""

import warnings

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.exc import SAWarning

from core.db import sync_url
from core.settings import get_settings
from models.registry import metadata
from models.search_index import is_search_index_table
from models.types import EnumString

config = context.config


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().resolved_database_url


def render_item(type_: str, obj, _autogen_context):
    """Render our enum columns as the plain strings they are stored as."""
    if type_ == "type" and isinstance(obj, EnumString):
        return f"sa.String(length={obj.impl.length})"
    return False


def _uncompared_indexes() -> set[str]:
    """Expression indexes: the database rewrites their expression (Postgres casts and
    parenthesizes it), so a textual comparison would always differ. tests/test_list_plans.py
    checks that the lists use them."""
    return {index.name for table in metadata.tables.values() for index in table.indexes
            if index.info.get("expression")}


def include_object(obj, name: str, type_: str, _reflected: bool, _compare_to) -> bool:
    """An index meant for one database (`info={"only_on": dialect}`) exists only there; SQLite's
    search index of the help desk's cases (models/search_index.py) is no model's table."""
    if type_ == "table":
        return not (_reflected and is_search_index_table(name))
    if type_ != "index":
        return True
    if name in _uncompared_indexes():
        return False
    only_on = obj.info.get("only_on")
    return only_on is None or only_on == context.get_bind().dialect.name


def run_offline() -> None:
    context.configure(url=sync_url(_url()), target_metadata=metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    # SQLite's batch migrations recreate a table by reflecting it and the tables it refers to;
    # reflecting `location` skips its expression index (which the recreated table does not
    # carry either: no batch migration recreates `location` after 0009c), and says so.
    warnings.filterwarnings("ignore", category=SAWarning,
                            message="Skipped unsupported reflection of expression-based index")
    engine = create_engine(sync_url(_url()), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          compare_type=True, render_item=render_item,
                          include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
