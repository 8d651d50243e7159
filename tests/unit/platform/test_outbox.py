import json

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.outbox import OutboxRelay, RelayBlocked
from inklusi_platform.publishing import BatchNotConfirmed
from inklusi_platform.unit_of_work import UnitOfWork, already_processed


def payload(n):
    return {"person_id": f"p{n}", "kecamatan_code": "35.07.25", "desa_code": "35.07.25.2001", "categories": ["fisik"]}


class RecordingPublisher:
    """Publishes a batch; with `fail_on`, the broker confirms the messages before that person's event and
    then the connection dies (what it had sent after that is lost or not: either way unconfirmed)."""

    def __init__(self, fail_on=None, confirmed_before_failure=True):
        self.sent = []
        self.batches = 0
        self.fail_on = fail_on
        self.confirmed_before_failure = confirmed_before_failure

    def publish_batch(self, messages):
        self.batches += 1
        for index, message in enumerate(messages):
            envelope = json.loads(message.body)
            if self.fail_on is not None and envelope["payload"]["person_id"] == self.fail_on:
                raise BatchNotConfirmed(index if self.confirmed_before_failure else 0,
                                        ConnectionError("broker unreachable"))
            self.sent.append((message.exchange.name, message.routing_key, envelope, message.headers))


@pytest.fixture
def sessions(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    tables.metadata.create_all(engine)
    return sessionmaker(engine)


def outbox_rows(sessions):
    with sessions() as session:
        return session.execute(sa.select(tables.outbox).order_by(tables.outbox.c.id)).all()


def test_emit_writes_the_event_in_the_same_transaction(sessions):
    uow = UnitOfWork(sessions(), "registry", "corr-1")
    uow.emit("person_registered", payload(1))
    uow.rollback()
    assert outbox_rows(sessions) == []

    uow.emit("person_registered", payload(2))
    uow.commit()
    rows = outbox_rows(sessions)
    assert len(rows) == 1
    assert rows[0].event_type == "registry.person_registered"
    assert rows[0].correlation_id == "corr-1"
    assert json.loads(rows[0].body)["payload"]["person_id"] == "p2"


def test_relay_publishes_in_order_and_marks_sent(sessions):
    uow = UnitOfWork(sessions(), "registry")
    for n in range(5):
        uow.emit("person_registered", payload(n))
    uow.commit()
    publisher = RecordingPublisher()
    relay = OutboxRelay(sessions, publisher, batch_size=3)
    assert relay.publish_pending() == 3
    assert relay.publish_pending() == 2
    assert relay.publish_pending() == 0
    assert publisher.batches == 2  # one confirm wait per batch, not per event
    assert [env["payload"]["person_id"] for _, _, env, _ in publisher.sent] == ["p0", "p1", "p2", "p3", "p4"]
    assert {exchange for exchange, *_ in publisher.sent} == {"registry.events"}
    assert all(row.published_at is not None for row in outbox_rows(sessions))


def test_relay_stops_at_first_unconfirmed_event_and_keeps_what_was_confirmed(sessions):
    uow = UnitOfWork(sessions(), "registry")
    for n in range(4):
        uow.emit("person_registered", payload(n))
    uow.commit()
    relay = OutboxRelay(sessions, RecordingPublisher(fail_on="p2"))
    with pytest.raises(RelayBlocked) as blocked:
        relay.publish_pending()
    assert blocked.value.published == 2
    rows = outbox_rows(sessions)
    assert [r.published_at is not None for r in rows] == [True, True, False, False]
    assert rows[2].attempts == 1 and "broker unreachable" in rows[2].last_error

    # Once the broker is back the rest goes out, still in order, and nothing twice.
    publisher = RecordingPublisher()
    relay.publisher = publisher
    assert relay.publish_pending() == 2
    assert [env["payload"]["person_id"] for _, _, env, _ in publisher.sent] == ["p2", "p3"]


def test_a_batch_whose_confirm_fails_is_republished_whole_and_nothing_is_lost(sessions):
    uow = UnitOfWork(sessions(), "registry")
    for n in range(4):
        uow.emit("person_registered", payload(n))
    uow.commit()
    relay = OutboxRelay(sessions, RecordingPublisher(fail_on="p3", confirmed_before_failure=False))
    with pytest.raises(RelayBlocked) as blocked:
        relay.publish_pending()
    assert blocked.value.published == 0
    rows = outbox_rows(sessions)
    assert [r.published_at for r in rows] == [None] * 4
    assert rows[0].attempts == 1 and "broker unreachable" in rows[0].last_error

    publisher = RecordingPublisher()
    relay.publisher = publisher
    assert relay.publish_pending() == 4
    assert [env["payload"]["person_id"] for _, _, env, _ in publisher.sent] == ["p0", "p1", "p2", "p3"]
    assert all(row.published_at is not None for row in outbox_rows(sessions))


def test_relay_sends_correlation_id_as_nameko_context_header(sessions):
    uow = UnitOfWork(sessions(), "registry", "req-42")
    uow.emit("person_registered", payload(1))
    uow.commit()
    publisher = RecordingPublisher()
    OutboxRelay(sessions, publisher).publish_pending()
    headers = publisher.sent[0][3]
    assert headers["nameko.correlation_id"] == "req-42"


def test_processed_marker_is_transactional(sessions):
    uow = UnitOfWork(sessions(), "notify")
    uow.mark_processed("q", "e1")
    uow.rollback()
    with sessions() as session:
        assert not already_processed(session, "q", "e1")
    uow.mark_processed("q", "e1")
    uow.commit()
    with sessions() as session:
        assert already_processed(session, "q", "e1")


def test_an_event_is_claimed_once_per_consumer_and_a_rolled_back_claim_is_no_claim(sessions):
    first = UnitOfWork(sessions(), "notify")
    assert first.claim_event("q", "e1")
    first.commit()
    again = UnitOfWork(sessions(), "notify")
    assert not again.claim_event("q", "e1")
    assert again.claim_event("other-q", "e1")  # another consumer handles it on its own
    again.rollback()
    with sessions() as session:
        assert not already_processed(session, "other-q", "e1")
    retried = UnitOfWork(sessions(), "notify")
    assert retried.claim_event("other-q", "e1")
    retried.commit()
