"""HTTP shapes of funding programmes, cases, eligibility, documents, reports and statistics.

Request bodies are the command inputs of contracts/funding.py, shared with the service; the
shapes here are what the gateway answers and the query strings it takes.
"""
from marshmallow import fields, validate

from gateway.schemas.common import AREA_CODE, AreaPageQuery, Strict
from inklusi_platform.contracts.funding import (
    CASE_TYPES,
    DOCUMENT_TYPES,
    HOLD_REASONS,
    STATES,
    BankAccountInput,
    BusinessPlanInput,
)

Nullable = {"allow_none": True, "required": True}


class ProgrammeOut(Strict):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    year = fields.Integer(required=True)
    budget = fields.Integer(required=True)
    committed = fields.Integer(required=True, metadata={"description": "Approved (or, once paid, disbursed)."})
    remaining = fields.Integer(required=True)
    uep_max_per_person = fields.Integer(**Nullable)
    kube_max_per_group = fields.Integer(**Nullable)
    kube_max_per_member = fields.Integer(**Nullable)
    required_training_topic = fields.String(**Nullable)
    min_age = fields.Integer(required=True)
    max_age = fields.Integer(required=True)
    min_members = fields.Integer(required=True)
    max_members = fields.Integer(required=True)
    report_interval_days = fields.Integer(required=True)
    reports_required = fields.Integer(required=True)


class CaseMemberOut(Strict):
    position = fields.Integer(required=True, metadata={"description": "'anggota 3' in explanations."})
    person_id = fields.String(required=True)
    role = fields.String(required=True)


class HoldReasonOut(Strict):
    person_id = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(HOLD_REASONS))
    at = fields.String(required=True)


class OverrideOut(Strict):
    rules = fields.List(fields.String(), required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)
    at = fields.String(required=True)


class CaseOut(Strict):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    case_type = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    programme_id = fields.String(required=True)
    year = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    allowed_actions = fields.List(fields.String(), required=True)
    state_before_hold = fields.String(**Nullable)
    hold_reasons = fields.List(fields.Nested(HoldReasonOut), required=True)
    kecamatan_code = fields.String(required=True)
    group_name = fields.String(**Nullable)
    members = fields.List(fields.Nested(CaseMemberOut), required=True)
    bank_account = fields.Nested(BankAccountInput, **Nullable)
    business_plan = fields.Nested(BusinessPlanInput, **Nullable)
    eligibility_override = fields.Nested(OverrideOut, **Nullable)
    approved_amount = fields.Integer(**Nullable)
    disbursed_amount = fields.Integer(**Nullable)
    disbursed_on = fields.String(**Nullable)
    submitted_by = fields.String(**Nullable)
    verified_by = fields.String(**Nullable)
    recommended_by = fields.String(**Nullable)
    approved_by = fields.String(**Nullable)
    state_entered_at = fields.String(required=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    created_by = fields.String(required=True)


class CaseQuery(AreaPageQuery):
    state = fields.String(validate=validate.OneOf(STATES))
    case_type = fields.String(validate=validate.OneOf(CASE_TYPES))
    programme_id = fields.String(validate=validate.Length(max=64))
    kecamatan_code = fields.String(validate=AREA_CODE)


class StepOut(Strict):
    action = fields.String(required=True)
    from_state = fields.String(**Nullable)
    to_state = fields.String(required=True)
    actor = fields.String(required=True)
    actor_org = fields.String(**Nullable)
    correlation_id = fields.String(**Nullable)
    data = fields.Dict(required=True)
    at = fields.String(required=True)


class RuleOut(Strict):
    rule = fields.String(required=True)
    passed = fields.Boolean(required=True)
    blocking = fields.Boolean(required=True, metadata={"description": "False: a flag to check, not a refusal."})
    reason = fields.String(required=True, metadata={"description": "Plain Indonesian."})


class EligibilityOut(Strict):
    eligible = fields.Boolean(required=True)
    may_submit = fields.Boolean(required=True, metadata={"description": "Eligible, or every failure overridden."})
    rules = fields.List(fields.Nested(RuleOut), required=True)
    override = fields.Nested(OverrideOut, **Nullable)


class DocumentQuery(Strict):
    doc_type = fields.String(required=True, validate=validate.OneOf(DOCUMENT_TYPES))


class DocumentOut(Strict):
    id = fields.String(required=True)
    case_id = fields.String(required=True)
    doc_type = fields.String(required=True, validate=validate.OneOf(DOCUMENT_TYPES))
    file_name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_by = fields.String(required=True)
    uploaded_at = fields.String(required=True)


class PhotoOut(Strict):
    file_name = fields.String(required=True)
    taken_on = fields.String()
    sha256 = fields.String()


class ReportOut(Strict):
    id = fields.String(required=True)
    period = fields.Integer(required=True)
    due_on = fields.String(required=True)
    business_running = fields.Boolean(required=True)
    revenue = fields.Integer(required=True)
    people_employed = fields.Integer(required=True)
    photos = fields.List(fields.Nested(PhotoOut), required=True)
    notes = fields.String(**Nullable)
    submitted_by = fields.String(required=True)
    submitted_at = fields.String(required=True)


class ScheduleOut(Strict):
    period = fields.Integer(required=True)
    due_on = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("upcoming", "due", "overdue", "received")))
    report = fields.Nested(ReportOut, **Nullable)


class FundingStatsOut(Strict):
    total = fields.Integer(required=True)
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_programme = fields.List(fields.Dict(), required=True)
    by_kecamatan = fields.List(fields.Dict(), required=True)
    amounts = fields.List(fields.Dict(), required=True, metadata={"description": "Per programme and year: budget, "
                                                                  "approved, disbursed, remaining."})
    monitoring_reports = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    median_days_in_state = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
