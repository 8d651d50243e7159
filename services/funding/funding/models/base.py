"""The funding service's declarative base."""
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
