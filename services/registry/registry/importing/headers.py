"""Which spreadsheet column holds which registry field, whatever the NGO called it."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

FIELD_LABELS = {
    "nik": "NIK",
    "kk": "No KK",
    "name": "Nama",
    "birth_date": "Tanggal Lahir",
    "sex": "Jenis Kelamin",
    "desa_code": "Desa/Kelurahan",
    "disability": "Ragam Disabilitas",
    "phone": "No HP",
    "guardian_name": "Nama Wali",
    "guardian_relation": "Hubungan Wali",
    "guardian_phone": "HP Wali",
    "business_sector": "Bidang Usaha",
    "consent": "Persetujuan",
    "consent_date": "Tanggal Persetujuan",
    "consent_form": "Bentuk Persetujuan",
}
REQUIRED = ("nik", "name", "birth_date", "sex", "desa_code", "disability")

# Header spellings per field, written as people write them; compared through header_key().
_SYNONYMS = {
    "nik": ["NIK", "No NIK", "Nomor NIK", "Nomor Induk Kependudukan", "No KTP", "Nomor KTP", "NIK KTP"],
    "kk": ["KK", "No KK", "Nomor KK", "Nomor Kartu Keluarga", "Kartu Keluarga"],
    "name": ["Nama", "Nama Lengkap", "Nama Peserta", "Nama Sesuai KTP", "Nama Penyandang Disabilitas"],
    "birth_date": ["Tanggal Lahir", "Tgl Lahir", "Tgl Lhr", "TTL", "Tempat Tanggal Lahir", "Tempat Tgl Lahir"],
    "sex": ["Jenis Kelamin", "JK", "L/P", "Kelamin", "Gender"],
    "desa_code": [
        "Desa/Kelurahan", "Desa/Kel", "Kode Desa", "Kode Desa/Kelurahan", "Kode Kelurahan",
        "Desa", "Kelurahan", "Kode Wilayah Desa",
    ],
    "disability": ["Ragam Disabilitas", "Jenis Disabilitas", "Disabilitas", "Kategori Disabilitas", "Ragam"],
    "phone": ["No HP", "Nomor HP", "No WA", "Nomor WA", "No HP/WA", "Telepon", "Telp", "No Telp", "HP", "WA"],
    "guardian_name": ["Nama Wali", "Wali", "Nama Orang Tua/Wali"],
    "guardian_relation": ["Hubungan Wali", "Hubungan", "Hubungan dengan Wali"],
    "guardian_phone": ["HP Wali", "No HP Wali", "Nomor HP Wali", "Telp Wali", "Telepon Wali", "No WA Wali"],
    "business_sector": ["Bidang Usaha", "Sektor Usaha", "Jenis Usaha", "Usaha"],
    "consent": ["Persetujuan", "Persetujuan Data", "Setuju", "Consent"],
    "consent_date": ["Tanggal Persetujuan", "Tgl Persetujuan", "Tanggal Setuju"],
    "consent_form": ["Bentuk Persetujuan", "Cara Persetujuan", "Media Persetujuan"],
}

# Abbreviations people mix freely in headers: "Nomor"/"No."/"Nmr", "Tanggal"/"Tgl", ...
_WORD_FORMS = {
    "nomor": "no", "nmr": "no", "nomer": "no",
    "tanggal": "tgl", "tangal": "tgl",
    "telepon": "telp", "telpon": "telp", "tlp": "telp", "handphone": "hp", "whatsapp": "wa",
    "kelurahan": "kel",
}


def header_key(header: object) -> str:
    """A header reduced to what identifies it: no case, accents, punctuation, spaces or (hints)."""
    text = unicodedata.normalize("NFKD", str(header or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)  # "Tanggal Lahir (DD/MM/YYYY)"
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return "".join(_WORD_FORMS.get(w, w) for w in words)


_BY_KEY = {header_key(spelling): name for name, spellings in _SYNONYMS.items() for spelling in spellings}


class Cell(NamedTuple):
    """A value together with the header it was found under, so errors can name the column."""

    header: str
    value: object


@dataclass
class HeaderMap:
    columns: dict[str, str]  # spreadsheet header -> field
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicated: dict[str, list[str]] = field(default_factory=dict)  # field -> headers

    @property
    def fields(self) -> dict[str, str]:
        """Field -> the spreadsheet header used for it."""
        return {name: header for header, name in self.columns.items()}

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicated

    def problems(self) -> list[str]:
        """Why the file cannot be imported, in Indonesian; empty when it can."""
        messages = []
        if self.missing:
            labels = ", ".join(FIELD_LABELS[name] for name in self.missing)
            messages.append(
                f"Kolom wajib tidak ditemukan: {labels}. Pastikan baris pertama berisi judul kolom."
            )
        for name, headers in self.duplicated.items():
            listed = ", ".join(f"'{h}'" for h in headers)
            messages.append(
                f"Beberapa kolom berisi {FIELD_LABELS[name]} ({listed}); sisakan satu kolom saja."
            )
        return messages

    def notices(self) -> list[str]:
        """What will be ignored, in Indonesian, so people can see nothing was lost silently."""
        if not self.unknown:
            return []
        return [f"Kolom yang tidak dikenali dan diabaikan: {', '.join(self.unknown)}."]

    def apply(self, row: Mapping[str, object]) -> dict[str, Cell]:
        """A raw spreadsheet row as {field: Cell(header, value)}, unknown columns left out."""
        return {name: Cell(header, row.get(header)) for header, name in self.columns.items()}


def map_headers(raw_headers: Iterable[object]) -> HeaderMap:
    columns: dict[str, str] = {}
    seen: dict[str, list[str]] = {}
    unknown = []
    for raw in raw_headers:
        header = "" if raw is None else str(raw)
        name = _BY_KEY.get(header_key(header))
        if name is None:
            if header.strip():
                unknown.append(header)
            continue
        seen.setdefault(name, []).append(header)
        if len(seen[name]) == 1:
            columns[header] = name
    return HeaderMap(
        columns=columns,
        unknown=unknown,
        missing=[name for name in REQUIRED if name not in seen],
        duplicated={name: headers for name, headers in seen.items() if len(headers) > 1},
    )
