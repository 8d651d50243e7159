"""Two small services built only from platform parts, to test its guarantees end to end."""
import eventlet
import sqlalchemy as sa
from marshmallow import Schema, fields
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inklusi_platform import contracts
from inklusi_platform.consumer import event_handler
from inklusi_platform.database import Database
from inklusi_platform.entrypoints import rpc
from inklusi_platform.errors import ValidationFailed
from inklusi_platform.rpc_client import ServiceClient
from inklusi_platform.service import ServiceBase


class EntryRecorded(Schema):
    entry_id = fields.String(required=True)
    amount = fields.Integer(required=True)


contracts.register("ledger", "entry_recorded", EntryRecorded)


class Base(DeclarativeBase):
    pass


class Entry(Base):
    __tablename__ = "ledger_entries"
    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    amount: Mapped[int]


class Effect(Base):
    __tablename__ = "tally_effects"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(36))
    entry_id: Mapped[str] = mapped_column(sa.String(40))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))


class LedgerService(ServiceBase):
    name = "ledger"

    @rpc
    def record(self, entry_id: str, amount: int, refuse_after_emit: bool = False) -> str:
        self.db.session.add(Entry(id=entry_id, amount=amount))
        self.db.emit("entry_recorded", {"entry_id": entry_id, "amount": amount})
        if refuse_after_emit:
            raise ValidationFailed("ditolak", {"amount": ["ditolak"]})
        return entry_id

    @rpc
    def unencodable(self) -> object:
        return {"when": object()}

    @rpc
    def record_slowly(self, entry_id: str, amount: int, seconds: float) -> str:
        self.db.session.add(Entry(id=entry_id, amount=amount))
        self.db.session.flush()
        eventlet.sleep(seconds)
        return entry_id


class CallerService(ServiceBase):
    """Calls the ledger over the platform's RPC client, as the gateway calls the services."""

    name = "caller"
    db = Database(relay=False)
    ledger = ServiceClient("ledger")

    @rpc
    def record_through(self, entry_id: str, amount: int, timeout: float) -> str:
        return self.ledger.record(entry_id, amount, timeout=timeout)


class Switches:
    """Lets a test 'deploy a fix' for a handler that kept failing."""

    accept_negative = False


class TallyService(ServiceBase):
    name = "tally"

    @event_handler("ledger", "entry_recorded")
    def on_entry_recorded(self, event):
        self.db.session.add(Effect(event_id=event.event_id, entry_id=event.payload["entry_id"],
                                   correlation_id=event.correlation_id))
        if event.payload["amount"] < 0 and not Switches.accept_negative:
            raise ValueError("negative amount")
