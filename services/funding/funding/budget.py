"""Money: what a programme has committed, what remains, and the most a case may be given."""
import sqlalchemy as sa

from funding.models.cases import Case
from inklusi_platform.errors import Conflict

# Money stays committed once approved, unless the case is withdrawn before it was paid.
_RELEASED = ("withdrawn",)


def _commitment():
    # What was actually paid counts once paid; until then, what was approved.
    return sa.func.coalesce(Case.disbursed_amount, Case.approved_amount)


def committed_by_programme(uow) -> dict[str, int]:
    rows = uow.session.execute(
        sa.select(Case.programme_id, sa.func.sum(_commitment()))
        .where(Case.approved_amount.is_not(None), Case.state.not_in(_RELEASED))
        .group_by(Case.programme_id)
    )
    return {programme_id: int(total or 0) for programme_id, total in rows}


def committed(uow, programme_id: str) -> int:
    return committed_by_programme(uow).get(programme_id, 0)


def case_limit(programme, case_type: str, member_count: int) -> int | None:
    """The most one case may receive under the programme's settings (None: no limit set)."""
    if case_type == "UEP":
        return programme.uep_max_per_person
    limits = [programme.kube_max_per_group]
    if programme.kube_max_per_member:
        limits.append(programme.kube_max_per_member * member_count)
    limits = [limit for limit in limits if limit]
    return min(limits) if limits else None


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def check_approval(programme, case_type: str, member_count: int, requested: int | None, amount: int,
                   already_committed: int) -> None:
    """Refuse an approval above the case's limit, above what was asked, or above the remaining budget."""
    limit = case_limit(programme, case_type, member_count)
    if limit is not None and amount > limit:
        raise Conflict(f"Jumlah {rupiah(amount)} melebihi batas program {rupiah(limit)}.")
    if requested is not None and amount > requested:
        raise Conflict(f"Jumlah {rupiah(amount)} melebihi yang diajukan ({rupiah(requested)}).")
    remaining = programme.budget - already_committed
    if amount > remaining:
        raise Conflict(f"Jumlah {rupiah(amount)} melebihi sisa anggaran program {programme.programme} "
                       f"{programme.year} ({rupiah(max(remaining, 0))}).")
