"""Programme settings per programme and year: limits, budget, required training, schedule."""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from funding import budget
from funding.models.programmes import Programme
from funding.schemas import load, refuse
from inklusi_platform import clock
from inklusi_platform.contracts.funding import ProgrammeInput
from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed

SETTINGS = ("budget", "uep_max_per_person", "kube_max_per_group", "kube_max_per_member", "required_training_topic",
            "min_age", "max_age", "min_members", "max_members", "report_interval_days", "reports_required")


STALE = "Program sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi."


def programme_dict(programme: Programme, committed: int | None = None) -> dict:
    view = {"id": programme.id, "version": programme.version, "programme": programme.programme,
            "year": programme.year, **{name: getattr(programme, name) for name in SETTINGS}}
    if committed is not None:
        view["committed"] = committed
        view["remaining"] = programme.budget - committed
    return view


def load_programme(uow, programme_id, lock: bool = False) -> Programme:
    programme = uow.session.get(Programme, programme_id, with_for_update=lock or None) \
        if isinstance(programme_id, str) else None
    if programme is None:
        raise NotFound("Program bantuan ini tidak ditemukan.")
    return programme


def create_programme(uow, data: dict, actor: dict) -> dict:
    values = load(ProgrammeInput(), data)
    at = clock.now()
    programme = Programme(version=1, created_at=at, updated_at=at, created_by=actor["user_id"], **values)
    try:
        with uow.savepoint():
            uow.session.add(programme)
    except IntegrityError:
        raise Conflict(f"Program {values['programme']} tahun {values['year']} sudah ada.") from None
    return programme_dict(programme, 0)


def get_programme(uow, programme_id: str) -> dict:
    programme = load_programme(uow, programme_id)
    return programme_dict(programme, budget.committed(uow, programme.id))


def list_programmes(uow) -> list[dict]:
    rows = uow.session.scalars(sa.select(Programme).order_by(Programme.year.desc(), Programme.programme)).all()
    committed = budget.committed_by_programme(uow)
    return [programme_dict(p, committed.get(p.id, 0)) for p in rows]


def update_programme(uow, programme_id: str, changes: dict, expected_version, actor: dict) -> dict:
    """Change a year's settings. Programme and year name the row and stay; the budget never drops below
    what is already committed. Cases already decided keep what they were given."""
    programme = load_programme(uow, programme_id, lock=True)
    if expected_version is not None and programme.version != expected_version:
        raise PreconditionFailed(STALE)
    if not isinstance(changes, dict) or not changes or {"programme", "year"} & set(changes):
        raise refuse("_schema", "Ubah pengaturan saja; program dan tahun tidak dapat diubah.")
    current = {name: getattr(programme, name) for name in SETTINGS}
    values = load(ProgrammeInput(), {"programme": programme.programme, "year": programme.year,
                                     **{k: v for k, v in current.items() if v is not None}, **changes})
    already = budget.committed(uow, programme.id)
    if values["budget"] < already:
        raise Conflict(f"Anggaran tidak boleh kurang dari yang sudah terikat ({budget.rupiah(already)}).")
    for name in SETTINGS:
        setattr(programme, name, values.get(name))
    programme.updated_at = clock.now()
    try:
        uow.session.flush()
    except StaleDataError:
        raise PreconditionFailed(STALE) from None
    return programme_dict(programme, already)
