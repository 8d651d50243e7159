"""Many rows into one table at once: PostgreSQL's COPY, else one INSERT executed for all of them.

COPY skips building and parsing a multi-row INSERT; values go through the columns' own bind
processing first (sealing, JSON), so what is stored is what an INSERT would store. It runs on
the session's connection, inside its transaction and savepoint.
"""
from __future__ import annotations

import io
from datetime import date, datetime

import psycopg2
import psycopg2.extensions
import sqlalchemy as sa

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def insert_rows(session, table: sa.Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg2":
        session.execute(sa.insert(table), rows)
        return
    names = list(rows[0])
    columns = [(name, _formatter(table.c[name].type._cached_bind_processor(connection.dialect)))
               for name in names]
    text = io.StringIO()
    for row in rows:
        text.write("\t".join([format_(row[name]) for name, format_ in columns]))
        text.write("\n")
    text.seek(0)
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
    cursor = connection.connection.driver_connection.cursor()
    # psycopg2 refuses COPY under a green wait callback (eventlet's, in the import worker). Without
    # it the COPY blocks the process for its few milliseconds; no other green thread runs meanwhile,
    # so none sees the callback missing.
    waiting = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    statement = f"COPY {table.name} ({quoted}) FROM STDIN"
    try:
        cursor.copy_expert(statement, text)
    except psycopg2.Error as error:  # as SQLAlchemy would raise it: a NIK taken is an IntegrityError
        raise sa.exc.DBAPIError.instance(statement, None, error, psycopg2.Error) from error
    finally:
        psycopg2.extensions.set_wait_callback(waiting)
        cursor.close()


def _formatter(process):
    if process is None:
        return _copy_text
    return lambda value: _copy_text(process(value))


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value.__class__ is str:  # most values: first, and most need no escaping (translate costs ten times more)
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).translate(_ESCAPES)
