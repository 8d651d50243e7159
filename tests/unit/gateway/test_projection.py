"""The statistics answer is projected onto its schema instead of dumped: the same JSON, nothing more."""
from gateway.schemas import projection, shared
from gateway.schemas.groups import StatsOut


def figures(extra: bool = False) -> dict:
    row = {"kecamatan_code": "35.07.25", "kecamatan_name": "Lawang", "count": 7, "suppressed": False}
    cell = {**row, "sex": "P", "age_band": "18-29"}
    answer = {
        "threshold": 5,
        "total_persons": {"count": None, "suppressed": True},
        "kecamatan": [row],
        "totals": [cell],
        "persons": [{**cell, "category": "fisik"}, {**cell, "category": "ganda", "count": None, "suppressed": True}],
        "pokja_by_stage": [{"stage": "tumbuh", "count": 2}],
        "paguyuban": [],
    }
    if extra:  # what a service might add one day: it must not reach the caller unnamed by the schema
        answer["person_ids"] = ["p-1"]
        answer["persons"][0] = {**answer["persons"][0], "nik": "3507251234567890"}
    return answer


def test_projection_answers_what_the_schema_dump_answers():
    assert projection(StatsOut)(figures()) == shared(StatsOut).dump(figures())


def test_fields_the_schema_does_not_name_are_left_out():
    projected = projection(StatsOut)(figures(extra=True))
    assert "person_ids" not in projected
    assert "nik" not in projected["persons"][0]
    assert projected == shared(StatsOut).dump(figures())
