"""Which of Malang Raya's kecamatan have at least one pokja: the programme's reach, from the reference data."""
from __future__ import annotations

import sqlalchemy as sa

from inklusi_platform.regions import regions
from registry.models.groups import Pokja


def coverage(uow) -> dict:
    """Every Malang Raya kecamatan with its pokja count; a pokja formed in a desa counts for its kecamatan.

    The list comes from regions.malang_raya_kecamatan(), so a kecamatan with no pokja is still
    listed (covered: false) and the total follows the reference data.
    """
    counts = dict(uow.session.execute(
        sa.select(Pokja.kecamatan_code, sa.func.count()).group_by(Pokja.kecamatan_code)).all())
    items = []
    for kecamatan in regions().malang_raya_kecamatan():
        kabupaten = regions().get(kecamatan.parent_code)
        pokja_count = counts.get(kecamatan.code, 0)
        items.append({
            "code": kecamatan.code,
            "name": kecamatan.name,
            "kabupaten_code": kecamatan.parent_code,
            "kabupaten_name": kabupaten.name if kabupaten else None,
            "pokja_count": pokja_count,
            "covered": pokja_count > 0,
        })
    covered = sum(item["covered"] for item in items)
    return {"total": len(items), "covered": covered, "not_covered": len(items) - covered, "kecamatan": items}
