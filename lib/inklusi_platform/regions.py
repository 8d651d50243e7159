"""Indonesian administrative regions (Kemendagri codes): lookup, hierarchy and area coverage."""
from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

PROVINSI = "provinsi"
KABUPATEN_KOTA = "kabupaten_kota"
KECAMATAN = "kecamatan"
DESA_KELURAHAN = "desa_kelurahan"
LEVELS = (PROVINSI, KABUPATEN_KOTA, KECAMATAN, DESA_KELURAHAN)

# Kabupaten Malang, Kota Malang, Kota Batu.
MALANG_RAYA = ("35.07", "35.73", "35.79")

REFERENCE_FILES = ("wilayah_kecamatan.csv", "wilayah_malang_raya_desa.csv")

_NIK_PREFIX = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent_code: str | None


def covers(area_code: str, target_code: str) -> bool:
    """True when target is the area itself or lies beneath it.

    Compared per dotted segment, so 35.7 does not cover 35.73.
    """
    return target_code == area_code or target_code.startswith(area_code + ".")


def in_areas(code: str | None, areas: list[str] | None) -> bool:
    """Whether a record whose own area is `code` lies in one of `areas`; None means unrestricted."""
    return areas is None or any(covers(area, code) for area in areas if code)


def name_key(name: str) -> str:
    """Comparable form of a place name: accents, case, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# Field sheets write "Desa Sidorejo" or "Kel. Polowijen"; the register only holds the name.
_DESA_PREFIX = re.compile(r"^(?:desa|ds|kelurahan|kel)\s+")


class Regions:
    """Every known region, indexed by code, by parent and (for desa/kelurahan) by name."""

    def __init__(self, regions: Iterable[Region]):
        self._by_code: dict[str, Region] = {}
        self._children: dict[str, list[Region]] = {}
        self._desa_by_name: dict[str, list[Region]] = {}
        for region in regions:
            if region.level not in LEVELS:
                raise ValueError(f"unknown region level {region.level!r} for {region.code}")
            self._by_code[region.code] = region
            if region.parent_code:
                self._children.setdefault(region.parent_code, []).append(region)
            if region.level == DESA_KELURAHAN:
                self._desa_by_name.setdefault(name_key(region.name), []).append(region)
        for siblings in self._children.values():
            siblings.sort(key=lambda r: r.code)
        for namesakes in self._desa_by_name.values():
            namesakes.sort(key=lambda r: r.code)

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code.strip()) if isinstance(code, str) else None

    def children(self, parent_code: str) -> list[Region]:
        return list(self._children.get(parent_code, ()))

    def kecamatan_of(self, code: str) -> Region:
        """The kecamatan a desa/kelurahan lies in (a kecamatan code returns itself).

        Raises KeyError for an unknown code and ValueError for a code above kecamatan level.
        """
        region = self.get(code)
        if region is None:
            raise KeyError(code)
        if region.level == KECAMATAN:
            return region
        if region.level == DESA_KELURAHAN and region.parent_code in self._by_code:
            return self._by_code[region.parent_code]
        raise ValueError(f"{code} is a {region.level}, not a desa/kelurahan")

    def from_nik_prefix(self, prefix: str) -> Region | None:
        """The kecamatan whose undotted code is the six-digit prefix (`350725` -> 35.07.25)."""
        if not isinstance(prefix, str) or not _NIK_PREFIX.match(prefix):
            return None
        region = self._by_code.get(f"{prefix[0:2]}.{prefix[2:4]}.{prefix[4:6]}")
        return region if region is not None and region.level == KECAMATAN else None

    def is_area_code(self, code: str) -> bool:
        # Every loaded region has one of LEVELS (checked on load), so existing is enough.
        return self.get(code) is not None

    @staticmethod
    def covers(area_code: str, target_code: str) -> bool:
        return covers(area_code, target_code)

    def malang_raya_kecamatan(self) -> list[Region]:
        return [kec for area in MALANG_RAYA for kec in self.children(area) if kec.level == KECAMATAN]

    def desa_named(self, name: str, within: Iterable[str] = MALANG_RAYA) -> list[Region]:
        """Desa/kelurahan with this name inside the given areas, sorted by code.

        More than one result means the name is ambiguous and the caller must ask for a code.
        """
        key = _DESA_PREFIX.sub("", name_key(name))
        areas = tuple(within)
        return [r for r in self._desa_by_name.get(key, ()) if any(covers(a, r.code) for a in areas)]


def _read_reference(filename: str) -> Iterable[Region]:
    data = resources.files("inklusi_platform").joinpath("reference", filename).read_bytes()
    for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        yield Region(
            code=row["code"].strip(),
            name=row["name"].strip(),
            level=row["level"].strip(),
            parent_code=(row["parent_code"] or "").strip() or None,
        )


@functools.cache
def regions() -> Regions:
    """The reference regions, loaded on first use and shared afterwards."""
    return Regions(region for filename in REFERENCE_FILES for region in _read_reference(filename))


def is_area_code(code: str) -> bool:
    return regions().is_area_code(code)


def malang_raya_kecamatan() -> list[Region]:
    return regions().malang_raya_kecamatan()
