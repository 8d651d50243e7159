"""Monitoring after disbursement: the report schedule, recording reports, and due/overdue announcements."""
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from funding import cases, duties, programmes
from funding.models.cases import Case, MonitoringNotice, MonitoringReport
from funding.schemas import load
from inklusi_platform import clock
from inklusi_platform.contracts.funding import ReportInput, allowed_actions
from inklusi_platform.errors import Conflict

REPORTING_STATES = ("disbursed", "monitoring")
REPORT_PERMISSIONS = ("funding:verify", "funding:propose")
DUE_WINDOW_DAYS = 7  # announce a report as due this many days ahead


def schedule(disbursed_on: date | None, interval_days: int, count: int) -> list[tuple[int, date]]:
    """(period, due date) of each report owed after the transfer."""
    if disbursed_on is None:
        return []
    return [(period, disbursed_on + timedelta(days=interval_days * period)) for period in range(1, count + 1)]


def status_of(due_on: date, reported: bool, today: date) -> str:
    if reported:
        return "received"
    if today > due_on:
        return "overdue"
    if today >= due_on - timedelta(days=DUE_WINDOW_DAYS):
        return "due"
    return "upcoming"


def _reports(uow, case_id: str) -> dict[int, MonitoringReport]:
    rows = uow.session.scalars(sa.select(MonitoringReport).where(MonitoringReport.case_id == case_id))
    return {row.period: row for row in rows}


def report_dict(report: MonitoringReport) -> dict:
    return {"id": report.id, "period": report.period, "due_on": report.due_on.isoformat(),
            "business_running": report.business_running, "revenue": report.revenue,
            "people_employed": report.people_employed, "photos": report.photos, "notes": report.notes,
            "submitted_by": report.submitted_by, "submitted_at": clock.iso_time(report.submitted_at)}


def case_schedule(uow, case: Case, programme, today: date | None = None) -> list[dict]:
    today = today or clock.today()
    reports = _reports(uow, case.id)
    return [{"period": period, "due_on": due_on.isoformat(),
             "status": status_of(due_on, period in reports, today),
             "report": report_dict(reports[period]) if period in reports else None}
            for period, due_on in schedule(case.disbursed_on, programme.report_interval_days,
                                           programme.reports_required)]


def list_reports(uow, case_id: str) -> list[dict]:
    case = cases.load_case(uow, case_id)
    return case_schedule(uow, case, programmes.load_programme(uow, case.programme_id))


def missing_reports(uow, case: Case, programme) -> list[int]:
    reports = _reports(uow, case.id)
    return [period for period, _ in schedule(case.disbursed_on, programme.report_interval_days,
                                              programme.reports_required) if period not in reports]


def record_report(uow, case_id: str, data: dict, actor: dict) -> dict:
    """The next report owed, in order; a report beyond the schedule is refused."""
    values = load(ReportInput(), data)
    duties.check_any(actor, REPORT_PERMISSIONS, "mencatat laporan monitoring")
    case = cases.load_case(uow, case_id, lock=True)
    if case.state not in REPORTING_STATES:
        raise Conflict("Laporan monitoring hanya dicatat setelah dana dicairkan.",
                       {"state": case.state, "allowed_actions": allowed_actions(case.state)})
    programme = programmes.load_programme(uow, case.programme_id)
    missing = missing_reports(uow, case, programme)
    if not missing:
        raise Conflict("Semua laporan monitoring yang dijadwalkan sudah masuk.", {"state": case.state})
    period = missing[0]
    due_on = dict(schedule(case.disbursed_on, programme.report_interval_days, programme.reports_required))[period]
    values["photos"] = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in photo.items()}
                        for photo in values.get("photos", [])]
    report = MonitoringReport(case_id=case.id, period=period, due_on=due_on, submitted_by=actor["user_id"],
                              submitted_at=clock.now(), **values)
    try:
        with uow.savepoint():
            uow.session.add(report)
    except IntegrityError:
        raise Conflict("Laporan untuk periode ini baru saja dicatat orang lain; muat ulang.") from None
    cases.record_step(uow, case, "report", case.state, case.state, actor, {"period": period})
    return report_dict(report)


def announce(uow, today: date | None = None) -> list[tuple[str, str, int]]:
    """Announce each report that falls due within a week, and each that is overdue, once.

    Returns (kind, case id, period) for what was announced. Run by the service's timer.
    """
    today = today or clock.today()
    announced = []
    sent = {(n.case_id, n.period, n.kind) for n in uow.session.scalars(sa.select(MonitoringNotice))}
    rows = uow.session.scalars(sa.select(Case).where(Case.state.in_(REPORTING_STATES)))
    programmes_by_id = {}
    for case in rows:
        programme = programmes_by_id.setdefault(case.programme_id,
                                                programmes.load_programme(uow, case.programme_id))
        for entry in case_schedule(uow, case, programme, today):
            kind = entry["status"]
            if kind not in ("due", "overdue") or (case.id, entry["period"], kind) in sent:
                continue
            uow.session.add(MonitoringNotice(case_id=case.id, period=entry["period"], kind=kind, sent_at=clock.now()))
            uow.emit(f"monitoring_report_{kind}", cases.event_payload(case, programme, period=entry["period"],
                                                                       due_on=entry["due_on"]))
            announced.append((kind, case.id, entry["period"]))
    uow.session.flush()
    return announced
