"""Counting the active members of groups (pokja, paguyuban), where leaving sets left_on."""
import sqlalchemy as sa


def active_counts(uow, group_column, left_on_column, group_ids: list[str]) -> dict[str, int]:
    if not group_ids:
        return {}
    rows = uow.session.execute(
        sa.select(group_column, sa.func.count())
        .where(group_column.in_(group_ids), left_on_column.is_(None))
        .group_by(group_column)
    )
    return dict(rows.all())
