"""The funding service's declarative base, id and column types."""
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

ID = sa.String(36)
USER_ID = sa.String(64)
AREA = sa.String(13)


def new_id() -> str:
    return str(uuid.uuid4())


def one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{table}_{column}")


class Base(DeclarativeBase):
    pass
