"""Fingerprints that let a re-imported file or row be recognised, so it creates nothing new."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import date
from typing import IO

_CHUNK = 1024 * 1024


def row_fingerprint(draft: object) -> str:
    """sha256 of the draft's normalised content; the same person data gives the same value.

    Takes a PersonDraft (or any dataclass) or a plain dict. The row number is not part of it,
    so moving a row within the file does not change its fingerprint.
    """
    if hasattr(draft, "as_dict"):
        data = draft.as_dict()
    elif dataclasses.is_dataclass(draft) and not isinstance(draft, type):
        data = dataclasses.asdict(draft)
    else:
        data = dict(draft)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_value)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_fingerprint(fileobj: IO[bytes] | str | os.PathLike) -> str:
    """sha256 of the file's bytes, read in chunks; a seekable file is rewound to where it was."""
    if isinstance(fileobj, (str, os.PathLike)):
        with open(fileobj, "rb") as opened:
            return file_fingerprint(opened)
    start = fileobj.tell() if fileobj.seekable() else None
    digest = hashlib.sha256()
    while chunk := fileobj.read(_CHUNK):
        digest.update(chunk)
    if start is not None:
        fileobj.seek(start)
    return digest.hexdigest()


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")
