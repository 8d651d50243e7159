"""The funding service's vocabulary, command inputs and events: defined once, used by gateway and service.

Events carry ids, area codes, states and amounts (rupiah, whole numbers); never a name, NIK or account.
"""
from dataclasses import dataclass

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from inklusi_platform.contracts import register
from inklusi_platform.contracts.registry import AREA

# --- vocabulary ------------------------------------------------------------------------------------

CASE_TYPES = ("UEP", "KUBE")
STATES = ("draft", "submitted", "verified", "recommended", "approved", "rejected", "disbursed", "monitoring",
          "closed", "withdrawn", "on_hold")
TERMINAL_STATES = ("rejected", "closed", "withdrawn")
OPEN_STATES = tuple(s for s in STATES if s not in TERMINAL_STATES)
OFFICER_ROLES = ("ketua", "sekretaris", "bendahara")
MEMBER_ROLES = OFFICER_ROLES + ("anggota",)
DOCUMENT_TYPES = ("business_plan", "ktp", "kk", "bank_book", "photo")
HOLD_REASONS = ("person_deceased", "consent_withdrawn", "persons_merged")
TRAINING_TOPICS = ("kewirausahaan", "paralegal", "advokasi", "keuangan", "administrasi", "pemasaran")
# A consent for one of these purposes lets a person apply.
CONSENT_PURPOSES = ("pendataan", "bantuan_usaha")
VISIT_CHECKLIST = ("business_exists", "members_met", "location_matches", "documents_checked")

# Defaults a programme may override (issue 12: configurable).
DEFAULT_MIN_AGE, DEFAULT_MAX_AGE = 18, 60
DEFAULT_MIN_MEMBERS, DEFAULT_MAX_MEMBERS = 5, 20
DEFAULT_REPORT_INTERVAL_DAYS, DEFAULT_REPORTS_REQUIRED = 90, 2

# Field limits.
MAX_TEXT = 2000
MAX_NAME = 200
MAX_BUDGET_LINES = 50
MAX_AMOUNT = 10_000_000_000  # rupiah; far above any programme, catches typos with extra zeros
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 20
MAX_MEMBERS = 100  # the schema's cap; a programme's max_members is the real rule


@dataclass(frozen=True)
class Action:
    """One transition: from which states, to which, who may do it (any of `permissions`)."""

    name: str
    sources: tuple[str, ...]
    target: str | None  # None: back to the state before the hold
    permissions: tuple[str, ...]
    event: str | None


WITHDRAWABLE = ("draft", "submitted", "verified", "recommended", "approved", "on_hold")

ACTIONS = {a.name: a for a in (
    Action("submit", ("draft",), "submitted", ("funding:propose", "funding:recommend"), "case_submitted"),
    Action("verify", ("submitted",), "verified", ("funding:verify",), "case_verified"),
    Action("recommend", ("verified",), "recommended", ("funding:recommend",), "case_recommended"),
    Action("approve", ("recommended",), "approved", ("funding:approve",), "case_approved"),
    Action("reject", ("submitted", "verified", "recommended"), "rejected", ("funding:approve",), "case_rejected"),
    Action("disburse", ("approved",), "disbursed", ("funding:disburse",), "funds_disbursed"),
    Action("start_monitoring", ("disbursed",), "monitoring", ("funding:verify", "funding:propose"), None),
    Action("close", ("monitoring",), "closed", ("funding:recommend", "funding:approve"), "case_closed"),
    Action("withdraw", WITHDRAWABLE, "withdrawn", ("funding:propose",), "case_withdrawn"),
    Action("resume", ("on_hold",), None, ("funding:propose", "funding:recommend"), "case_resumed"),
)}

# Permission to record an eligibility override; to manage programme settings.
OVERRIDE_PERMISSION = "funding:override"
PROGRAMMES_PERMISSION = "funding:programmes"

UNKNOWN_PERSON = "Orang dengan id ini tidak ditemukan."


def allowed_actions(state: str) -> list[str]:
    return [a.name for a in ACTIONS.values() if state in a.sources]


# --- command inputs (the gateway checks the HTTP shape with these; the service loads them again) -----

_REQUIRED = {"required": "Wajib diisi.", "null": "Tidak boleh kosong."}


class Strict(Schema):
    class Meta:
        unknown = RAISE


def _text(max_length: int, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=max_length, error=f"Isi 1 sampai {max_length} karakter."),
                         error_messages=_REQUIRED, **kwargs)


def _amount(metadata=None, **kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_AMOUNT,
                                                               error="Jumlah harus antara 1 dan 10 miliar rupiah."),
                          error_messages=_REQUIRED, metadata=metadata or {"description": "Rupiah, whole number."},
                          **kwargs)


def _one_of(values, **kwargs):
    return fields.String(validate=validate.OneOf(values, error=f"Pilih salah satu: {', '.join(values)}."),
                         error_messages=_REQUIRED, **kwargs)


class BudgetLineInput(Strict):
    item = _text(MAX_NAME, required=True)
    amount = _amount(required=True)


class BusinessPlanInput(Strict):
    sector = _text(MAX_NAME, required=True)
    description = _text(MAX_TEXT, required=True)
    budget_lines = fields.List(fields.Nested(BudgetLineInput), required=True,
                               validate=validate.Length(min=1, max=MAX_BUDGET_LINES,
                                                        error=f"Isi 1 sampai {MAX_BUDGET_LINES} baris anggaran."))
    requested_amount = _amount(required=True)


class BankAccountInput(Strict):
    bank = _text(MAX_NAME, required=True)
    account_number = fields.String(required=True, error_messages=_REQUIRED, validate=validate.Regexp(
        r"^\d{5,30}$", error="Nomor rekening hanya angka, 5 sampai 30 digit."))
    holder = _text(MAX_NAME, required=True, metadata={"description": "The group's name as the bank holds it."})


class MemberInput(Strict):
    person_id = _text(64, required=True)
    role = _one_of(MEMBER_ROLES, required=True)


class CaseInput(Strict):
    """A new case. UEP names an applicant; KUBE names its group, members with roles and bank account."""

    case_type = _one_of(CASE_TYPES, required=True)
    programme_id = _text(64, required=True)
    applicant_id = _text(64, metadata={"description": "UEP: the registered person applying."})
    group_name = _text(MAX_NAME, metadata={"description": "KUBE: the group's name."})
    members = fields.List(fields.Nested(MemberInput), validate=validate.Length(max=MAX_MEMBERS))
    bank_account = fields.Nested(BankAccountInput)
    business_plan = fields.Nested(BusinessPlanInput)

    @validates_schema
    def _by_type(self, data, **_):
        errors = {}
        if data.get("case_type") == "UEP":
            if not data.get("applicant_id"):
                errors["applicant_id"] = ["Wajib diisi untuk UEP."]
            for name in ("members", "group_name", "bank_account"):
                if name in data:
                    errors[name] = ["Hanya untuk KUBE."]
        elif data.get("case_type") == "KUBE":
            if "applicant_id" in data:
                errors["applicant_id"] = ["Hanya untuk UEP; KUBE memakai daftar anggota."]
            if not data.get("members"):
                errors["members"] = ["Wajib diisi untuk KUBE."]
        if errors:
            raise ValidationError(errors)


class CaseChanges(Strict):
    """What a draft (or a case on hold, to replace a member) may change."""

    group_name = _text(MAX_NAME)
    members = fields.List(fields.Nested(MemberInput), validate=validate.Length(min=1, max=MAX_MEMBERS))
    bank_account = fields.Nested(BankAccountInput)
    business_plan = fields.Nested(BusinessPlanInput)


class TransitionInput(Strict):
    """One step of the workflow. Which fields are required depends on `action` (see the README)."""

    action = _one_of(tuple(ACTIONS), required=True)
    visit_date = fields.Date(metadata={"description": "verify: date of the field visit."})
    findings = _text(MAX_TEXT, metadata={"description": "verify: what the companion found."})
    checklist = fields.Dict(keys=fields.String(validate=validate.OneOf(VISIT_CHECKLIST)), values=fields.Boolean(),
                            metadata={"description": "verify: each of " + ", ".join(VISIT_CHECKLIST)})
    note = _text(MAX_TEXT, metadata={"description": "recommend, close: a note for the record."})
    amount = _amount(metadata={"description": "approve, disburse: rupiah."})
    reason = _text(MAX_TEXT, metadata={"description": "reject, withdraw: why."})
    transfer_reference = _text(100, metadata={"description": "disburse: the bank's transfer reference."})
    disbursed_on = fields.Date(metadata={"description": "disburse: date of the transfer."})
    resolution = _text(MAX_TEXT, metadata={"description": "resume: how the hold was resolved."})


REQUIRED_FIELDS = {
    "verify": ("visit_date", "findings", "checklist"),
    "recommend": ("note",),
    "approve": ("amount",),
    "reject": ("reason",),
    "disburse": ("transfer_reference", "amount", "disbursed_on"),
    "close": ("note",),
    "withdraw": ("reason",),
    "resume": ("resolution",),
}


class OverrideInput(Strict):
    reason = _text(MAX_TEXT, required=True)


class ProgrammeInput(Strict):
    """Settings of one programme in one year."""

    programme = _one_of(CASE_TYPES, required=True)
    year = fields.Integer(strict=True, required=True, validate=validate.Range(min=2000, max=2100))
    budget = _amount(required=True)
    uep_max_per_person = _amount(metadata={"description": "UEP: most a person may receive."})
    kube_max_per_group = _amount(metadata={"description": "KUBE: most a group may receive."})
    kube_max_per_member = _amount(metadata={"description": "KUBE: most per member (times the members)."})
    required_training_topic = fields.String(allow_none=True, load_default=None,
                                            validate=validate.OneOf(TRAINING_TOPICS))
    min_age = fields.Integer(strict=True, load_default=DEFAULT_MIN_AGE, validate=validate.Range(min=0, max=120))
    max_age = fields.Integer(strict=True, load_default=DEFAULT_MAX_AGE, validate=validate.Range(min=0, max=120))
    min_members = fields.Integer(strict=True, load_default=DEFAULT_MIN_MEMBERS, validate=validate.Range(min=2,
                                                                                                         max=100))
    max_members = fields.Integer(strict=True, load_default=DEFAULT_MAX_MEMBERS, validate=validate.Range(min=2,
                                                                                                         max=100))
    report_interval_days = fields.Integer(strict=True, load_default=DEFAULT_REPORT_INTERVAL_DAYS,
                                          validate=validate.Range(min=1, max=366))
    reports_required = fields.Integer(strict=True, load_default=DEFAULT_REPORTS_REQUIRED,
                                      validate=validate.Range(min=0, max=24))

    @validates_schema
    def _consistent(self, data, **_):
        errors = {}
        if data.get("min_age", 0) > data.get("max_age", 120):
            errors["max_age"] = ["Usia maksimal harus tidak kurang dari usia minimal."]
        if data.get("min_members", 0) > data.get("max_members", 100):
            errors["max_members"] = ["Jumlah anggota maksimal harus tidak kurang dari minimal."]
        if data.get("programme") == "UEP" and not data.get("uep_max_per_person"):
            errors["uep_max_per_person"] = ["Wajib diisi untuk UEP."]
        if data.get("programme") == "KUBE" and not (data.get("kube_max_per_group") or data.get("kube_max_per_member")):
            errors["kube_max_per_group"] = ["Isi batas per kelompok atau per anggota untuk KUBE."]
        if errors:
            raise ValidationError(errors)


class ProgrammeChanges(ProgrammeInput):
    """Settings a programme's year may change; programme and year name it and stay."""

    class Meta:
        exclude = ("programme", "year")


class PhotoInput(Strict):
    file_name = _text(MAX_NAME, required=True)
    taken_on = fields.Date()
    sha256 = fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$", error="SHA-256 dalam 64 huruf heksadesimal."))


class ReportInput(Strict):
    """A periodic monitoring report."""

    business_running = fields.Boolean(required=True, error_messages=_REQUIRED)
    revenue = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=MAX_AMOUNT),
                             metadata={"description": "Rupiah over the period."})
    people_employed = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10_000))
    photos = fields.List(fields.Nested(PhotoInput), load_default=list, validate=validate.Length(max=MAX_PHOTOS))
    notes = _text(MAX_TEXT)


# --- events ----------------------------------------------------------------------------------------

class CaseRef(Schema):
    case_id = fields.String(required=True)
    case_type = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    programme_id = fields.String(required=True)
    year = fields.Integer(required=True)
    kecamatan_code = fields.String(required=True, validate=AREA)
    state = fields.String(required=True, validate=validate.OneOf(STATES))


class CaseAmount(CaseRef):
    amount = fields.Integer(required=True)


class CaseOnHold(CaseRef):
    reason = fields.String(required=True, validate=validate.OneOf(HOLD_REASONS))
    previous_state = fields.String(required=True, validate=validate.OneOf(STATES))


class MonitoringReportDue(CaseRef):
    period = fields.Integer(required=True)
    due_on = fields.Date(required=True)


for _name, _schema, _description in (
    ("case_submitted", CaseRef, "A funding case was submitted for verification."),
    ("case_verified", CaseRef, "A PPD companion verified a case after a field visit."),
    ("case_recommended", CaseRef, "Dinas Sosial recommended a case."),
    ("case_approved", CaseAmount, "Kemensos approved a case, with the approved amount."),
    ("case_rejected", CaseRef, "Kemensos rejected a case."),
    ("funds_disbursed", CaseAmount, "Funds were transferred, with the amount."),
    ("case_on_hold", CaseOnHold, "A case was put on hold because of a registry event about a member."),
    ("case_resumed", CaseRef, "A case on hold was resumed."),
    ("case_withdrawn", CaseRef, "A case was withdrawn."),
    ("case_closed", CaseRef, "A case was closed after monitoring."),
    ("monitoring_report_due", MonitoringReportDue, "A monitoring report falls due within a week."),
    ("monitoring_report_overdue", MonitoringReportDue, "A monitoring report is past its due date."),
):
    register("funding", _name, _schema, description=_description)
