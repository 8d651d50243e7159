"""The needs inventory's vocabulary and events (in the training service, which owns programmes).

Problems (permasalahan) that persons with disabilities and their organisations raise, triaged by
the forum and linked to the programmes, trainings and advocacy actions that answer them. Events
carry ids, area codes and the field only: never who raised a problem.
"""
from marshmallow import Schema, fields, validate

from inklusi_platform.contracts import register

# FOMI's four fields of work, plus services (therapy, parenting support, accompaniment of elders).
FIELDS = ("pemberdayaan", "advokasi", "pendidikan", "penyadaran", "layanan")
STATUSES = ("baru", "dikaji", "diprogramkan", "selesai", "ditolak")
# Where a status may go next; `ditolak` needs a reason. A rejected problem may be reopened for review.
TRANSITIONS = {
    "baru": ("dikaji", "ditolak"),
    "dikaji": ("diprogramkan", "ditolak"),
    "diprogramkan": ("selesai", "dikaji"),
    "selesai": (),
    "ditolak": ("dikaji",),
}
OPEN_STATUSES = ("baru", "dikaji", "diprogramkan")  # not yet solved or rejected
# Who raised it: a pokja or paguyuban (registry id), a forum member organisation (by name), or a
# person (registry id, only with their consent for CONSENT_PURPOSE).
RAISER_KINDS = ("pokja", "paguyuban", "organisasi", "person")
SEVERITIES = ("ringan", "sedang", "berat")
LINK_KINDS = ("programme", "training", "advocacy_action")
EVIDENCE_KINDS = ("note", "attachment")
ADVOCACY_KINDS = ("audiensi", "surat_kebijakan", "dengar_pendapat", "lainnya")  # meeting, policy letter, hearing
# The registry consent purpose that lets a person be named as a problem's raiser.
CONSENT_PURPOSE = "inventarisasi_masalah"

# The priority score's parts (see training/priority.py); each explained with the numbers it came from.
SEVERITY_POINTS = {"ringan": 10, "sedang": 20, "berat": 30}
PEOPLE_POINTS = ((200, 40), (50, 30), (10, 20), (1, 10))  # at least N people affected -> points
POINTS_PER_RAISER = 10
RAISER_POINTS_MAX = 30

LIMITS = {
    "title": 200,
    "description": 4000,
    "organisation": 120,
    "reason": 500,
    "note": 2000,
    "filename": 200,
    "media_type": 100,
    "evidence": 20,
    "raisers": 20,
    "comment": 2000,
    "outcome": 2000,
    "people_affected": 1_000_000,
    "attachment_bytes": 50 * 1024 * 1024,
}

AREA = validate.Regexp(r"^\d{2}(\.\d{2}){1,2}(\.\d{4})?$")


class ProblemRef(Schema):
    problem_id = fields.String(required=True)
    area_code = fields.String(required=True, allow_none=True, validate=AREA)  # None: all of Malang Raya
    field = fields.String(required=True, validate=validate.OneOf(FIELDS))


class ProblemProgrammed(ProblemRef):
    link_kind = fields.String(required=True, validate=validate.OneOf(LINK_KINDS))
    target_id = fields.String(required=True)


register("training", "problem_raised", ProblemRef, description="A problem was added to the needs inventory.")
register("training", "problem_programmed", ProblemProgrammed,
         description="A problem is answered by a programme, training or advocacy action.")
register("training", "problem_resolved", ProblemRef, description="A problem of the needs inventory was resolved.")
