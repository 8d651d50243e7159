"""RPC deadlines as plain arithmetic: when a caller stops waiting, what the service is told, when it refuses."""
import json

from nameko.exceptions import deserialize, serialize

from inklusi_platform import rpc_deadline
from inklusi_platform.errors import Unavailable


def test_a_call_waits_its_own_timeout_unless_its_caller_stops_sooner():
    assert rpc_deadline.call_deadline(10, None, now=1000.0) == 1010.0
    assert rpc_deadline.call_deadline(10, 1004.0, now=1000.0) == 1004.0
    assert rpc_deadline.call_deadline(3, 1004.0, now=1000.0) == 1003.0


def test_the_service_must_finish_a_commit_margin_before_the_caller_stops_waiting():
    assert rpc_deadline.service_deadline(1010.0) == 1010.0 - rpc_deadline.COMMIT_MARGIN_SECONDS


def test_a_deadline_has_passed_only_once_it_is_reached():
    context = {rpc_deadline.DEADLINE_KEY: 1000.0}
    assert not rpc_deadline.has_passed(context, now=999.9)
    assert rpc_deadline.has_passed(context, now=1000.0)


def test_no_or_unreadable_deadline_never_refuses():
    assert not rpc_deadline.has_passed({}, now=1e12)
    assert not rpc_deadline.has_passed(None, now=1e12)
    assert not rpc_deadline.has_passed({rpc_deadline.DEADLINE_KEY: "soon"}, now=1e12)


def test_the_refusal_crosses_rpc_as_unavailable_with_a_retry_hint():
    error = deserialize(json.loads(json.dumps(serialize(rpc_deadline.deadline_passed_error()))))
    assert isinstance(error, rpc_deadline.DeadlinePassed) and isinstance(error, Unavailable)
    assert str(error.details["retry_after"]) == "1"  # nameko sends error args as text
    assert "tidak ada yang berubah" in error.message
