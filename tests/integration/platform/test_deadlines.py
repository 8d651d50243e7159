"""A request its caller gave up on is never applied later: expired in the queue, refused before it runs,
or rolled back when it finishes too late."""
import time

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy

from inklusi_platform.rpc_deadline import DEADLINE_KEY, DeadlinePassed
from tests.integration.platform.services import CallerService, LedgerService

pytestmark = pytest.mark.integration


def proxy(rabbit_config, service: str, deadline: float | None = None, timeout: float = 10):
    context = {DEADLINE_KEY: deadline} if deadline is not None else None
    return ServiceRpcProxy(service, {"AMQP_URI": rabbit_config["AMQP_URI"]}, context_data=context, timeout=timeout)


def test_a_call_that_timed_out_while_the_service_was_away_is_not_applied_when_it_returns(
        container_factory, make_config, databases, query, rabbit_config):
    ledger_config = make_config("ledger", databases["ledger"])
    first = container_factory(LedgerService, ledger_config)
    first.start()
    first.stop()  # the ledger's queue stays; nobody consumes it
    container_factory(CallerService, make_config("caller", databases["tally"])).start()

    with proxy(rabbit_config, "caller") as caller, pytest.raises(RemoteError) as timed_out:
        caller.record_through("late-1", 5, 1.0)
    assert timed_out.value.exc_type == "ServiceTimeout"

    container_factory(LedgerService, ledger_config).start()  # the ledger is back
    with proxy(rabbit_config, "ledger") as ledger:
        assert ledger.record("fresh-1", 1) == "fresh-1"  # it works, and had the old request to look at
    assert query("ledger", "SELECT id FROM ledger_entries") == [("fresh-1",)]


def test_a_request_whose_deadline_passed_is_refused_without_running(container_factory, make_config, databases,
                                                                    query, rabbit_config):
    container_factory(LedgerService, make_config("ledger", databases["ledger"])).start()
    with proxy(rabbit_config, "ledger", deadline=time.time() - 1) as ledger, pytest.raises(DeadlinePassed):
        ledger.record("stale-1", 5)
    assert query("ledger", "SELECT count(*) FROM ledger_entries") == [(0,)]
    assert query("ledger", "SELECT count(*) FROM outbox") == [(0,)]


def test_a_write_that_finishes_after_its_deadline_is_rolled_back(container_factory, make_config, databases,
                                                                 query, rabbit_config):
    container_factory(LedgerService, make_config("ledger", databases["ledger"])).start()
    with proxy(rabbit_config, "ledger", deadline=time.time() + 1) as ledger, pytest.raises(DeadlinePassed):
        ledger.record_slowly("slow-1", 5, 1.5)
    with proxy(rabbit_config, "ledger", deadline=time.time() + 5) as ledger:
        assert ledger.record_slowly("slow-2", 5, 0.1) == "slow-2"  # in time: committed
    assert query("ledger", "SELECT id FROM ledger_entries") == [("slow-2",)]
