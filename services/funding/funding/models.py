"""Tables owned by the funding service (its domain tables arrive with its own issue)."""
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
