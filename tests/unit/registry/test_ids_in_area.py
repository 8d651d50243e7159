"""Ids a caller names in a body are checked against the caller's areas in the registry too (issue 8 item 2).

The gateway checks them before the call; the registry checks again inside the transaction, so a
person who moved meanwhile, or another caller of the RPC, cannot link across the area line. A person
outside the areas is refused exactly like an unknown one.
"""
from datetime import date

import pytest

from inklusi_platform.errors import NotFound, ValidationFailed
from registry import merging, paguyuban, pokja
from tests.unit.registry.test_pokja import add_person, fixed_today  # noqa: F401  (fixture)

LAWANG = ["35.07.25"]
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def refusal(call) -> dict:
    with pytest.raises((ValidationFailed, NotFound)) as refused:
        call()
    return {"type": type(refused.value).__name__, "message": refused.value.message, "details": refused.value.details}


def test_a_pokja_member_outside_the_callers_areas_reads_like_an_unknown_one(uow, actor):
    group = pokja.form_pokja(uow, {"name": "Pokja Lawang", "area_code": "35.07.25", "formed_on": "2024-02-01"},
                             actor)
    batu = add_person(uow, 1, desa="35.79.01.1001")
    member = {"role": "anggota", "joined_on": "2025-01-01"}
    outside = refusal(lambda: pokja.add_member(uow, group["id"], member | {"person_id": batu}, actor, LAWANG))
    unknown = refusal(lambda: pokja.add_member(uow, group["id"], member | {"person_id": UNKNOWN}, actor, LAWANG))
    assert outside == unknown
    lawang = add_person(uow, 2)
    assert pokja.add_member(uow, group["id"], member | {"person_id": lawang}, actor, LAWANG)["person_id"] == lawang
    assert pokja.add_member(uow, group["id"], member | {"person_id": batu}, actor)["person_id"] == batu  # unlimited


def test_cares_for_outside_the_callers_areas_reads_like_unknown(uow, actor):
    made = paguyuban.create_paguyuban(uow, {"kecamatan_code": "35.07.25", "name": "Paguyuban Lawang",
                                            "formed_on": "2024-02-01"}, actor)
    batu = add_person(uow, 1, desa="35.79.01.1001", born=date(2015, 1, 1))
    member = {"name": "Ibu Sumi", "relation": "ibu"}
    outside = refusal(lambda: paguyuban.add_member(uow, made["id"], member | {"cares_for": [batu]}, actor, LAWANG))
    unknown = refusal(lambda: paguyuban.add_member(uow, made["id"], member | {"cares_for": [UNKNOWN]}, actor,
                                                   LAWANG))
    assert outside["details"]["cares_for"] == [m.replace(UNKNOWN, batu) for m in unknown["details"]["cares_for"]]


def test_a_merge_target_outside_the_callers_areas_reads_like_an_unknown_one(uow, actor):
    keep, batu = add_person(uow, 1), add_person(uow, 2, desa="35.79.01.1001")
    outside = refusal(lambda: merging.merge_persons(uow, keep, batu, actor, LAWANG))
    unknown = refusal(lambda: merging.merge_persons(uow, keep, UNKNOWN, actor, LAWANG))
    assert outside == unknown
