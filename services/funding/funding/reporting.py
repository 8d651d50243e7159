"""Aggregates for /v1/stats/funding: counts, money against budget, monitoring and time per state."""
from collections import Counter, defaultdict
from statistics import median

import sqlalchemy as sa

from funding import monitoring
from funding.cases import area_condition
from funding.models.cases import Case, CaseTransition, MonitoringReport
from funding.models.programmes import Programme
from inklusi_platform import clock


def _cases_query(areas):
    query = sa.select(Case)
    if areas is not None:
        query = query.where(sa.or_(*(area_condition(code) for code in areas))) if areas else query.where(sa.false())
    return query


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


def funding_stats(uow, areas, today=None) -> dict:
    today = today or clock.today()
    rows = uow.session.scalars(_cases_query(areas)).all()
    programmes = {p.id: p for p in uow.session.scalars(sa.select(Programme))}
    ids = [c.id for c in rows]

    by_state = Counter(c.state for c in rows)
    by_programme = Counter((programmes[c.programme_id].programme, programmes[c.programme_id].year, c.state)
                           for c in rows)
    by_kecamatan = Counter((c.kecamatan_code, c.state) for c in rows)

    money = {p.id: {"programme_id": p.id, "programme": p.programme, "year": p.year, "budget": p.budget,
                    "approved": 0, "disbursed": 0} for p in programmes.values()}
    for case in rows:
        if case.approved_amount is not None and case.state != "withdrawn":
            money[case.programme_id]["approved"] += case.approved_amount
        if case.disbursed_amount is not None:
            money[case.programme_id]["disbursed"] += case.disbursed_amount
    for entry in money.values():
        entry["remaining"] = entry["budget"] - entry["approved"]

    reported = defaultdict(set)
    if ids:
        for case_id, period in uow.session.execute(sa.select(MonitoringReport.case_id, MonitoringReport.period)
                                                   .where(MonitoringReport.case_id.in_(ids))):
            reported[case_id].add(period)
    reports = Counter()
    for case in rows:
        if case.state not in monitoring.REPORTING_STATES:
            continue
        programme = programmes[case.programme_id]
        for period, due_on in monitoring.schedule(case.disbursed_on, programme.report_interval_days,
                                                  programme.reports_required):
            reports[monitoring.status_of(due_on, period in reported[case.id], today)] += 1

    steps = uow.session.execute(
        sa.select(CaseTransition.case_id, CaseTransition.from_state, CaseTransition.to_state, CaseTransition.at)
        .where(CaseTransition.case_id.in_(ids)).order_by(CaseTransition.case_id, CaseTransition.id)
    ).all() if ids else []
    durations = stay_durations([tuple(s) for s in steps])

    return {
        "total": len(rows),
        "by_state": dict(sorted(by_state.items())),
        "by_programme": [{"programme": p, "year": y, "state": s, "count": n}
                         for (p, y, s), n in sorted(by_programme.items())],
        "by_kecamatan": [{"kecamatan_code": k, "state": s, "count": n} for (k, s), n in sorted(by_kecamatan.items())],
        "amounts": sorted(money.values(), key=lambda m: (-m["year"], m["programme"])),
        "monitoring_reports": {status: reports.get(status, 0) for status in ("upcoming", "due", "overdue", "received")},
        "median_days_in_state": {state: round(median(values), 2) for state, values in sorted(durations.items())},
    }
