"""A person's search typed into a list: a case-insensitive "contains" over text columns.

Postgres: `column ILIKE '%text%'`, which a trigram index (pg_trgm) on the column answers
without reading every row. SQLite: `column LIKE '%text%'`: its LIKE already ignores ASCII case
(and its lower() folds only ASCII too), while lower() per row and column tripled a scan (a
search of the state's 10,000 locations took 12.7 ms with it and 4.0 ms without).
"""

from sqlalchemy import Boolean, ColumnElement, String, bindparam, literal_column, or_, select, table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from core.wording import without_accents
from models.helpdesk import searched
from models.search_index import TABLE as SEARCH_TABLE


class contains_text(GenericFunction):  # noqa: N801 - a SQL construct's name
    """contains_text(column, pattern): the column matches the LIKE pattern, ignoring case."""

    type = Boolean()
    inherit_cache = True


def _operands(element: contains_text, compiler, **kw) -> tuple[str, str]:
    column, pattern = (compiler.process(clause, **kw) for clause in element.clauses.clauses)
    return column, pattern


@compiles(contains_text)
def _contains_ilike(element: contains_text, compiler, **kw) -> str:
    column, pattern = _operands(element, compiler, **kw)
    return f"({column} ILIKE {pattern} ESCAPE '\\')"


@compiles(contains_text, "sqlite")
def _contains_like(element: contains_text, compiler, **kw) -> str:
    column, pattern = _operands(element, compiler, **kw)
    return f"({column} LIKE {pattern} ESCAPE '\\')"


class contains_folded(contains_text):  # noqa: N801 - a SQL construct's name
    """contains_text for a search that is not ASCII: SQLite's LIKE ignores only ASCII case, so
    both sides are case-folded by `cvms_casefold` (core/db.py gives every SQLite connection
    Python's str.casefold); "ñandú" finds "Ñandú". ASCII searches keep the cheaper LIKE."""

    inherit_cache = True


@compiles(contains_folded)
def _folded_ilike(element: contains_folded, compiler, **kw) -> str:
    return _contains_ilike(element, compiler, **kw)


@compiles(contains_folded, "sqlite")
def _folded_like(element: contains_folded, compiler, **kw) -> str:
    column, pattern = _operands(element, compiler, **kw)
    return f"(cvms_casefold({column}) LIKE cvms_casefold({pattern}) ESCAPE '\\')"


def like_pattern(text: str) -> str:
    """`%text%` in lower case, with LIKE's wildcards and the escape character escaped."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(text: str, *columns) -> ColumnElement[bool]:
    """Any of the columns (or expressions) contains the text, ignoring case; the text's %, _
    and \\ are literal characters, so `%%%` finds only names holding three percent signs."""
    pattern = like_pattern(text)
    kind = contains_text if text.isascii() else contains_folded
    return or_(*(kind(c, pattern) for c in columns))


class unaccented(GenericFunction):  # noqa: N801 - a SQL construct's name
    """unaccented(column): the column's text without its accents, as core.wording's
    without_accents strips them from what is typed (Wałęsa is found by "walesa"): the database's
    `cvms_unaccent`, on SQLite Python's own (core/db.py gives every connection it), on Postgres
    a SQL function of translate() and replace() (migration 0011y, core.wording.unaccent_sql;
    the unaccent extension need not be installed), which an expression index can hold: the
    employers' names are searched by the trigrams of their unaccented names. (A column's accent
    written as a combining mark apart from its letter stays on Postgres.)"""

    type = String()
    inherit_cache = True


@compiles(unaccented)
def _unaccent(element: unaccented, compiler, **kw) -> str:
    (column,) = (compiler.process(clause, **kw) for clause in element.clauses.clauses)
    return f"cvms_unaccent({column})"


def contains_plain(text: str, *columns) -> ColumnElement[bool]:
    """`contains`, ignoring accents on both sides too: garcia finds García, García finds
    Garcia. (A column's own trigram index does not answer it: meant for lists a manager's
    scope already narrows, and the employers, whose unaccented names have theirs.)"""
    return contains(without_accents(text), *(unaccented(c) for c in columns))


def search_text_contains(row_id, column, text: str, indexed: bool) -> ColumnElement[bool]:
    """The help desk's search text holds `text`, both folded alike (`searched`: "Jose" finds
    José, "O’Brien" O'Brien; its %, _, \\ and " literal).

    `indexed` (SQLite with its FTS5 trigram table, models/search_index.py): the ids the table
    finds for the quoted phrase, `id IN (SELECT rowid ... MATCH ...)`, which SQLite answers
    by looking each match up by its id. (Written as a function of Boolean type it became
    `(id IN (...)) = 1` on SQLite, which the planner answers by testing every case: 16 ms
    instead of 3 at 20,000 cases.) Otherwise, and under three characters, which no trigram can
    answer: LIKE, which pg_trgm's index answers on Postgres and the narrow search index on
    SQLite."""
    text = searched(text)
    if len(text) < 3 or not indexed:
        return column.like(like_pattern(text), escape="\\")
    phrase = '"' + text.replace('"', '""') + '"'
    matches = select(literal_column("rowid")).select_from(table(SEARCH_TABLE)).where(
        literal_column(SEARCH_TABLE).op("MATCH")(bindparam("phrase", phrase, unique=True)))
    return row_id.in_(matches)
