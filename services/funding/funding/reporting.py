"""Aggregates for /v1/stats/funding: counts, money against budget, monitoring and time per state.

Counts and sums are computed by the database; only cases under monitoring and the state changes
(for the medians) are read row by row.
"""
from collections import Counter, defaultdict
from statistics import median

import sqlalchemy as sa

from funding import monitoring
from funding.cases import area_condition
from funding.models.cases import Case, CaseTransition, MonitoringReport
from funding.models.programmes import Programme
from inklusi_platform import clock


def _in_areas(areas):
    if areas is None:
        return sa.true()
    return sa.or_(*(area_condition(code) for code in areas)) if areas else sa.false()


def stay_durations(steps: list[tuple[str, str | None, str, object]]) -> dict[str, list[float]]:
    """Days each case spent in each state it has left. `steps` are (case id, from, to, at), in time order."""
    entered: dict[str, object] = {}
    durations: dict[str, list[float]] = defaultdict(list)
    for case_id, from_state, to_state, at in steps:
        if from_state == to_state:
            continue  # history lines that are not moves (updates, documents, reports)
        if from_state is not None and case_id in entered:
            durations[from_state].append((clock.aware(at) - clock.aware(entered[case_id])).total_seconds() / 86400)
        entered[case_id] = at
    return durations


def _counts(uow, where, *columns) -> list:
    return uow.session.execute(sa.select(*columns, sa.func.count()).where(where).group_by(*columns)
                               .order_by(*columns)).all()


def _amounts(uow, where, programmes: dict) -> list[dict]:
    sums = {row.programme_id: row for row in uow.session.execute(
        sa.select(Case.programme_id,
                  sa.func.sum(sa.case((Case.state != "withdrawn", Case.approved_amount), else_=0)).label("approved"),
                  sa.func.sum(Case.disbursed_amount).label("disbursed"))
        .where(where).group_by(Case.programme_id))}
    money = []
    for p in sorted(programmes.values(), key=lambda p: (-p.year, p.programme)):
        row = sums.get(p.id)
        approved, disbursed = int(row.approved or 0) if row else 0, int(row.disbursed or 0) if row else 0
        money.append({"programme_id": p.id, "programme": p.programme, "year": p.year, "budget": p.budget,
                      "approved": approved, "disbursed": disbursed, "remaining": p.budget - approved})
    return money


def _monitoring(uow, where, programmes: dict, today) -> dict:
    watched = uow.session.execute(sa.select(Case.id, Case.programme_id, Case.disbursed_on)
                                  .where(where, Case.state.in_(monitoring.REPORTING_STATES))).all()
    reported = defaultdict(set)
    for case_id, period in uow.session.execute(
            sa.select(MonitoringReport.case_id, MonitoringReport.period).join(Case, Case.id == MonitoringReport.case_id)
            .where(where, Case.state.in_(monitoring.REPORTING_STATES))):
        reported[case_id].add(period)
    counts = Counter()
    for case_id, programme_id, disbursed_on in watched:
        programme = programmes[programme_id]
        for period, due_on in monitoring.schedule(disbursed_on, programme.report_interval_days,
                                                  programme.reports_required):
            counts[monitoring.status_of(due_on, period in reported[case_id], today)] += 1
    return {status: counts.get(status, 0) for status in ("upcoming", "due", "overdue", "received")}


def funding_stats(uow, areas, today=None) -> dict:
    today = today or clock.today()
    where = _in_areas(areas)
    programmes = {p.id: p for p in uow.session.scalars(sa.select(Programme))}
    by_state = dict(_counts(uow, where, Case.state))
    steps = uow.session.execute(
        sa.select(CaseTransition.case_id, CaseTransition.from_state, CaseTransition.to_state, CaseTransition.at)
        .join(Case, Case.id == CaseTransition.case_id)
        .where(where, sa.or_(CaseTransition.from_state.is_(None), CaseTransition.from_state != CaseTransition.to_state))
        .order_by(CaseTransition.case_id, CaseTransition.id)
    ).all()
    durations = stay_durations([tuple(s) for s in steps])
    return {
        "total": sum(by_state.values()),
        "by_state": by_state,
        "by_programme": [{"programme": programmes[pid].programme, "year": programmes[pid].year, "state": state,
                          "count": n} for pid, state, n in _counts(uow, where, Case.programme_id, Case.state)],
        "by_kecamatan": [{"kecamatan_code": k, "state": s, "count": n}
                         for k, s, n in _counts(uow, where, Case.kecamatan_code, Case.state)],
        "amounts": _amounts(uow, where, programmes),
        "monitoring_reports": _monitoring(uow, where, programmes, today),
        "median_days_in_state": {state: round(median(values), 2) for state, values in sorted(durations.items())},
    }
