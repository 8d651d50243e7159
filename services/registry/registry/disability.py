"""Which disability categories (ragam disabilitas, UU 8/2016) a person is registered under.

The four categories of Pasal 4 are recorded; `ganda` (multiple) is derived when more than one
applies, never chosen, so counts per category stay honest.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from inklusi_platform.contracts.registry import CHOSEN_CATEGORIES as CATEGORIES
from inklusi_platform.contracts.registry import GANDA

# Terms found in field spreadsheets, compared with spaces, hyphens and case removed.
# Mental includes psikososial and developmental disabilities such as autism (penjelasan Pasal 4).
SYNONYMS = {
    "fisik": "fisik",
    "daksa": "fisik",
    "tunadaksa": "fisik",
    "intelektual": "intelektual",
    "grahita": "intelektual",
    "tunagrahita": "intelektual",
    "mental": "mental",
    "psikososial": "mental",
    "autis": "mental",
    "autisme": "mental",
    "sensorik": "sensorik",
    "netra": "sensorik",
    "tunanetra": "sensorik",
    "rungu": "sensorik",
    "tunarungu": "sensorik",
    "tuli": "sensorik",
    "wicara": "sensorik",
    "tunawicara": "sensorik",
    "runguwicara": "sensorik",
    "tunarunguwicara": "sensorik",
}
_GANDA_TERMS = {"ganda", "tunaganda", "multi", "majemuk"}
_SEPARATORS = re.compile(r"[,;/+&\n]|\bdan\b", re.IGNORECASE)


def _key(term: str) -> str:
    key = re.sub(r"[^a-z]", "", term.casefold())
    # "Penyandang Disabilitas Netra" and "ragam fisik" name the same categories.
    stripped = key
    for prefix in ("penyandang", "ragam", "disabilitas"):
        stripped = stripped.removeprefix(prefix)
    return stripped or key


def split_categories(text: str) -> list[str]:
    """The terms in one spreadsheet cell: "Tuna Netra, tuli" or "fisik dan mental"."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def derive_categories(categories: Iterable[str] | str) -> list[str]:
    """The person's categories in canonical order, plus `ganda` when there are several.

    Raises ValueError (Indonesian message) naming unknown terms, or when none is given.
    """
    terms = split_categories(categories) if isinstance(categories, str) else [
        t.strip() for t in categories if t is not None and str(t).strip()
    ]
    if not terms:
        raise ValueError("Ragam disabilitas wajib diisi (fisik, intelektual, mental, dan/atau sensorik).")
    found, unknown = set(), []
    for term in terms:
        key = _key(str(term))
        if key in _GANDA_TERMS:
            raise ValueError(
                f"'{term}' tidak bisa dipilih langsung; sebutkan setiap ragamnya "
                "(misalnya 'fisik, sensorik'), maka 'ganda' ditambahkan otomatis."
            )
        if key in SYNONYMS:
            found.add(SYNONYMS[key])
        else:
            unknown.append(str(term))
    if unknown:
        names = ", ".join(f"'{u}'" for u in unknown)
        raise ValueError(
            f"Ragam disabilitas tidak dikenal: {names}. Pilihan: {', '.join(CATEGORIES)}."
        )
    ordered = [c for c in CATEGORIES if c in found]
    return ordered + [GANDA] if len(ordered) > 1 else ordered
