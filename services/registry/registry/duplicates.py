"""Whether a new registration is probably a person already in the register.

NIKs alone do not catch this: people are registered without one, or with a mistyped one. The
same person shows up as a similar name with the same birth date in the same kecamatan.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from rapidfuzz import fuzz

DEFAULT_THRESHOLD = 88

# Forms of address and religious/academic titles written before a name.
_LEADING_TITLES = {
    "bapak", "bpk", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari", "mas", "mbak", "mbk",
    "tn", "tuan", "ny", "nyonya", "nn", "nona", "h", "hj", "haji", "hajah", "hajjah", "kh",
    "ust", "ustad", "ustadz", "ustadzah", "dr", "drs", "dra", "ir", "prof",
}
# Degrees written after a name without the customary comma, with their dots removed.
_TRAILING_DEGREES = {
    "spd", "spdi", "se", "sh", "st", "ssi", "ssos", "sag", "sip", "skom", "skep", "sked", "spsi",
    "ak", "amd", "amk", "mpd", "msi", "mm", "mkes", "mh", "mt", "mba", "phd",
}
# East Javanese spellings of one common name; without this "Moch. Ali" and "Muhammad Ali" differ.
_VARIANTS = {
    v: "muhammad"
    for v in ("moh", "muh", "moch", "much", "mhd", "mohammad", "mohamad", "muhamad", "mochammad", "mochamad")
}


@dataclass(frozen=True)
class PersonKey:
    name: str
    birth_date: date | None
    kecamatan_code: str | None


def normalise_name(name: str) -> str:
    """Lowercase name without titles, degrees, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.split(",", 1)[0]  # degrees follow a comma: "Siti Aminah, S.Pd."
    text = re.sub(r"['`’]", "", text)  # Nur'aini = Nuraini
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    original = list(tokens)
    while tokens and tokens[0] in _LEADING_TITLES:
        tokens.pop(0)
    while tokens:
        if len(tokens) >= 2 and tokens[-2] + tokens[-1] in _TRAILING_DEGREES:
            del tokens[-2:]
        elif tokens[-1] in _TRAILING_DEGREES and len(tokens) > 1:
            tokens.pop()
        else:
            break
    tokens = tokens or original  # a name that is nothing but titles is still a name
    return " ".join(_VARIANTS.get(t, t) for t in tokens)


def name_similarity(a: str, b: str) -> float:
    """0-100; word order is ignored ("Aminah Siti" = "Siti Aminah")."""
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_sort_ratio(left, right))


def is_likely_duplicate(candidate: object, existing: object, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Similar name AND same birth date AND same kecamatan; missing data never matches."""
    a, b = _key(candidate), _key(existing)
    if a.birth_date is None or a.birth_date != b.birth_date:
        return False
    if not a.kecamatan_code or a.kecamatan_code != b.kecamatan_code:
        return False
    return name_similarity(a.name, b.name) >= threshold


def likely_duplicates(
    candidate: object, existing: Iterable[object], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[object, float]]:
    """The existing records the candidate probably duplicates, most similar first, with scores."""
    a = _key(candidate)
    found = []
    for record in existing:
        if is_likely_duplicate(candidate, record, threshold):
            found.append((record, name_similarity(a.name, _key(record).name)))
    found.sort(key=lambda pair: pair[1], reverse=True)
    return found


def _key(person: object) -> PersonKey:
    if isinstance(person, Mapping):
        get = person.get
    else:
        def get(field, default=None):
            return getattr(person, field, default)
    return PersonKey(
        name=get("name") or "",
        birth_date=_as_date(get("birth_date")),
        kecamatan_code=get("kecamatan_code"),
    )


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
