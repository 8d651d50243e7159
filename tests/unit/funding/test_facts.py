"""Facts from other services: both shapes of training completions, and an absent service as 503."""
import pytest
from nameko.exceptions import UnknownService

from funding import facts
from inklusi_platform.errors import Unavailable

DONE = {"training_id": "t1", "programme_id": "tp1", "topic": "keuangan", "completed_at": "2026-10-01T09:00:00+00:00"}


class Training:
    def __init__(self, answer):
        self.answer = answer

    def completions_of(self, person_ids, timeout=None):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_completions_as_the_agreed_list_and_as_the_training_service_answers_them():
    listed = [{**DONE, "person_id": "a"}]
    assert facts.completions(Training(listed), ["a"]) == listed
    assert facts.completions(Training({"a": [DONE], "b": []}), ["a", "b"]) == listed
    assert facts.completions(Training(None), []) == []


def test_an_absent_service_is_unavailable_not_a_crash():
    with pytest.raises(Unavailable):
        facts.completions(Training(UnknownService("training")), ["a"])
