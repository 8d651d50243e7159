"""The status machine baru -> dikaji -> diprogramkan -> selesai (or ditolak with a reason)."""
from __future__ import annotations

from datetime import datetime

from inklusi_platform.contracts.problems import STATUSES, TRANSITIONS
from inklusi_platform.errors import Conflict, ValidationFailed

LABELS = {"baru": "baru", "dikaji": "sedang dikaji", "diprogramkan": "sudah diprogramkan",
          "selesai": "selesai", "ditolak": "ditolak"}


def check_step(current: str, wanted: str, reason: str | None, has_action: bool) -> None:
    """Refuse a step the machine does not allow; ditolak needs a reason, diprogramkan something that answers."""
    if wanted not in STATUSES:
        raise ValidationFailed("Status tidak dikenali.", {"status": [f"Pilih salah satu: {', '.join(STATUSES)}."]})
    if wanted not in TRANSITIONS[current]:
        allowed = ", ".join(TRANSITIONS[current]) or "tidak ada"
        raise Conflict(f"Status {LABELS[current]} tidak bisa diubah menjadi {wanted}. Yang boleh: {allowed}.",
                       {"status": current, "allowed": list(TRANSITIONS[current])})
    if wanted == "ditolak" and not reason:
        raise ValidationFailed("Penolakan wajib disertai alasan.", {"reason": ["Alasan wajib diisi."]})
    if wanted == "diprogramkan" and not has_action:
        raise Conflict("Tautkan dulu program, pelatihan atau aksi advokasi yang menjawab masalah ini.")


def apply_step(problem, wanted: str, reason: str | None, at: datetime) -> None:
    """Move the problem; the first time it is programmed or resolved is kept for the reports."""
    problem.status = wanted
    problem.reject_reason = reason if wanted == "ditolak" else None
    if wanted == "diprogramkan" and problem.programmed_at is None:
        problem.programmed_at = at
    if wanted == "selesai":
        problem.resolved_at = at
