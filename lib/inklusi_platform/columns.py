"""Column types and helpers every service's models use: ids made before flushing, codes, enumerations."""
import uuid

import sqlalchemy as sa

# Ids are generated in Python rather than by the database so that events and history can name a
# record before it is flushed.
ID = sa.String(36)
USER_ID = sa.String(64)
AREA = sa.String(13)  # the longest code: a desa, 35.07.25.2001


def new_id() -> str:
    return str(uuid.uuid4())


def one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{table}_{column}")
