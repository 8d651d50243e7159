"""The training service's declarative base and the column types its tables share."""
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

# Ids are made here, not by the database, so events can name a record before it is flushed.
ID = sa.String(36)
USER_ID = sa.String(64)
AREA = sa.String(13)  # the longest code: a desa, 35.07.25.2001
WHEN = sa.DateTime(timezone=True)  # always UTC


def new_id() -> str:
    return str(uuid.uuid4())


def one_of(table: str, column: str, values) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{table}_{column}")


class Base(DeclarativeBase):
    pass
