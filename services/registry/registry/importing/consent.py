"""The consent an imported row is registered with: one really given, never assumed.

Either the row's Persetujuan cell says yes (with its Tanggal and Bentuk Persetujuan where the file
has them), or the uploader declared at upload that signed forms exist, naming the form and the date;
the declaration is kept on the job with the uploader. A row with neither is refused.
"""
from __future__ import annotations

from datetime import date

from inklusi_platform.contracts.registry import CONSENT_FORMS
from registry import history
from registry.importing.rows import PersonDraft


def declaration(given, user_id: str, org_id: str | None) -> tuple[dict | None, dict]:
    """The uploader's declaration as stored on the job, or the reasons (by field) it cannot be accepted."""
    if given in (None, {}):
        return None, {}
    if not isinstance(given, dict):
        return None, {"consent_declaration": ["Pernyataan persetujuan tidak terbaca."]}
    errors: dict = {}
    form = given.get("form")
    if form not in CONSENT_FORMS:
        errors["consent_form"] = [f"Bentuk persetujuan wajib diisi, salah satu dari: {', '.join(CONSENT_FORMS)}."]
    given_on = None
    try:
        given_on = date.fromisoformat(given.get("given_on") or "")
    except (TypeError, ValueError):
        errors["consent_given_on"] = ["Tanggal persetujuan wajib diisi dengan format YYYY-MM-DD."]
    else:
        if given_on > history.today():
            errors["consent_given_on"] = ["Tanggal persetujuan belum terjadi."]
    if errors:
        return None, errors
    return {"form": form, "given_on": given_on.isoformat(), "declared_by": user_id, "declared_by_org": org_id,
            "declared_at": history.iso_time(history.now())}, {}


class ConsentRule:
    """Which consent a row is registered with: its own Persetujuan cell, else the uploader's declaration."""

    def __init__(self, declaration: dict | None):
        self.declaration = declaration

    def consent_for(self, draft: PersonDraft, today: date) -> tuple[dict, str] | None:
        """(the consent's form and date, its source), or None when no consent was given."""
        declared = self.declaration or {}
        if draft.consent:
            # The file's own date and form where it has them; else the declaration's; else the
            # pendataan sheet itself is the written record, as of the import.
            given_on = draft.consent_on or _iso_date(declared.get("given_on")) or today
            return {"form": draft.consent_form or declared.get("form") or "written", "given_on": given_on}, \
                "import_file"
        if draft.consent is None and self.declaration:
            return {"form": declared["form"], "given_on": _iso_date(declared["given_on"])}, "import_declaration"
        return None


def _iso_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
