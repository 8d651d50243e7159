"""Which desa/kelurahan in Malang Raya a spreadsheet cell names, by code or by name."""
from __future__ import annotations

import re

from inklusi_platform.regions import DESA_KELURAHAN, MALANG_RAYA, Region, covers, name_key, regions

_DESA_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})$")
_KECAMATAN_WORD = re.compile(r"^(?:kecamatan|kec)\s+")


def resolve_desa(value: object) -> Region:
    """A desa/kelurahan in Malang Raya from its code or, when unambiguous, its name.

    "Sidorejo, Jabung" (desa, kecamatan) settles a name shared by several kecamatan.
    """
    text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
    if code := _DESA_CODE.match(text):
        region = regions().get(".".join(code.groups()))
        if region is None or region.level != DESA_KELURAHAN or not any(covers(a, region.code) for a in MALANG_RAYA):
            raise ValueError(f"Kode desa/kelurahan '{text}' tidak ditemukan di Malang Raya.")
        return region
    desa_name, _, kecamatan_name = text.partition(",")
    matches = regions().desa_named(desa_name)
    if kecamatan_name.strip():
        wanted = _KECAMATAN_WORD.sub("", name_key(kecamatan_name))
        matches = [m for m in matches if name_key(regions().get(m.parent_code).name) == wanted]
    if not matches:
        raise ValueError(
            f"Desa/kelurahan '{text}' tidak ditemukan di Malang Raya; isi kode desa "
            "(misalnya 35.07.25.2001)."
        )
    if len(matches) > 1:
        options = "; ".join(f"{m.code} (Kec. {regions().get(m.parent_code).name})" for m in matches[:6])
        raise ValueError(
            f"Nama desa/kelurahan '{text}' ada di beberapa tempat: {options}. "
            "Isi kode desanya, atau tulis 'nama desa, nama kecamatan'."
        )
    return matches[0]
