"""Tables owned by the gateway."""
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
