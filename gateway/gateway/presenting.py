"""Turning a service's record into what this caller may see: masked by role, shaped by schema, tagged."""
from gateway.access.etags import etag_for, if_match_ok
from gateway.access.masking import mask_person
from gateway.bodies import json_response
from gateway.problems import HttpProblem
from gateway.schemas import shared
from gateway.schemas.registry import PersonOut


def etag_of(record: dict) -> str:
    # The version moves on every change, so id + version names one state of the record.
    return etag_for({"id": record["id"], "version": record["version"]})


def person_view(person: dict, caller) -> dict:
    masked = mask_person(person, caller.permissions, show_contact=caller.can("persons:read_contact"))
    return shared(PersonOut).dump(masked)


def record_response(view: dict, record: dict, status: int = 200, headers: dict | None = None):
    return json_response(view, status=status, headers={"ETag": etag_of(record), **(headers or {})})


def expected_version(request, record: dict) -> int:
    """The version an update may change: 428 without If-Match, 412 when the caller's copy is stale."""
    given = request.headers.get("If-Match")
    if not given:
        raise HttpProblem(428, "Sertakan header If-Match berisi ETag yang terakhir Anda baca.")
    if not if_match_ok(given, etag_of(record)):
        raise HttpProblem(412, "Data sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi.")
    return record["version"]
