"""One spreadsheet row turned into a normalised person draft, or into the reasons it cannot be."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import NamedTuple

from registry.disability import derive_categories
from registry.importing.cells import (
    id_number,
    parse_consent,
    parse_consent_date,
    parse_consent_form,
    parse_date,
    parse_kk,
    parse_name,
    parse_phone,
    parse_sex,
    parse_text,
)
from registry.importing.desa import resolve_desa
from registry.importing.headers import FIELD_LABELS, Cell
from registry.importing.xlsx import FORMULA_WITHOUT_VALUE
from registry.nik import clean_number
from registry.schemas import nik_problems

ADULT_AGE = 18
FORMULA_MESSAGE = ("Sel ini berisi rumus tanpa nilai tersimpan. Buka berkas di Excel lalu simpan ulang, atau "
                   "salin kolomnya dan tempel sebagai nilai.")
DROPPED = "{message} Isian ini tidak disimpan; baris tetap diimpor."
MISSING_COLUMN = "{label} (kolom tidak ada)"


class RowError(NamedTuple):
    row: int
    column: str  # the header text in the uploaded spreadsheet
    message: str
    level: str = "error"  # a warning keeps the row


@dataclass(frozen=True)
class Guardian:
    name: str
    relation: str | None
    phone: str | None


@dataclass(frozen=True)
class PersonDraft:
    nik: str
    kk: str | None
    name: str
    birth_date: date
    sex: str
    desa_code: str
    kecamatan_code: str
    categories: tuple[str, ...]
    phone: str | None
    guardian: Guardian | None
    business_sector: str | None
    consent: bool | None
    consent_on: date | None = None
    consent_form: str | None = None

    def as_dict(self) -> dict:
        """Plain JSON-ready values (ISO date, lists)."""
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat()
        data["categories"] = list(self.categories)
        return data


def parse_row(
    row_number: int, mapped_values: Mapping[str, object], today: date | None = None
) -> tuple[PersonDraft | None, list[RowError]]:
    """The row as a PersonDraft (None when it has an error) and every problem found in it.

    An invalid optional phone is a warning: the row is kept without it.

    `mapped_values` is {field: Cell(header, value)} as HeaderMap.apply gives; bare values are
    accepted too and reported under the field's usual Indonesian label.
    """
    today = today or date.today()
    row = _Row(row_number, mapped_values)

    birth_date = row.parse("birth_date", lambda v: parse_date(v, today), required=True)
    sex = row.parse("sex", parse_sex, required=True)
    if row.value("nik") is FORMULA_WITHOUT_VALUE:
        row.error("nik", FORMULA_MESSAGE)
        nik = ""
    else:
        nik = id_number(row.value("nik"))
        for problem in nik_problems(nik, birth_date, sex, today):
            row.error("nik", problem.message)
    kk = row.parse("kk", parse_kk)
    name = row.parse("name", parse_name, required=True)
    desa = row.parse("desa_code", resolve_desa, required=True)
    categories = row.parse("disability", derive_categories, required=True)
    phone = row.parse("phone", parse_phone, warn=True)
    guardian = _parse_guardian(row, birth_date, today)
    business_sector = row.parse("business_sector", parse_text)
    consent = row.parse("consent", parse_consent)
    consent_on = row.parse("consent_date", lambda v: parse_consent_date(v, today))
    consent_form = row.parse("consent_form", parse_consent_form)

    if any(problem.level == "error" for problem in row.errors):
        return None, row.errors
    return PersonDraft(
        nik=clean_number(nik),
        kk=kk,
        name=name,
        birth_date=birth_date,
        sex=sex,
        desa_code=desa.code,
        kecamatan_code=desa.parent_code,
        categories=tuple(categories),
        phone=phone,
        guardian=guardian,
        business_sector=business_sector,
        consent=consent,
        consent_on=consent_on,
        consent_form=consent_form,
    ), row.errors


class _Row:
    """The row's cells and the errors found so far; a bad field never stops the others being checked."""

    def __init__(self, row_number: int, mapped_values: Mapping[str, object]):
        self.number = row_number
        self.cells = {
            name: v if isinstance(v, Cell) else Cell(FIELD_LABELS.get(name, name), v)
            for name, v in mapped_values.items()
        }
        self.errors: list[RowError] = []
        # Cells carry their headers when the row came from a file; a field absent then is a missing column.
        self.from_file = any(isinstance(v, Cell) for v in mapped_values.values())

    def value(self, field: str) -> object:
        cell = self.cells.get(field)
        value = cell.value if cell else None
        return value.strip() if isinstance(value, str) else value

    def column(self, field: str) -> str:
        # A column the file lacks is named as missing, so nobody looks for it in the sheet.
        if field in self.cells or not self.from_file:
            return self.cells[field].header if field in self.cells else FIELD_LABELS[field]
        return MISSING_COLUMN.format(label=FIELD_LABELS[field])

    def error(self, field: str, message: str, level: str = "error") -> None:
        self.errors.append(RowError(self.number, self.column(field), message, level))

    def parse(self, field: str, parser: Callable[[object], object], required: bool = False, warn: bool = False):
        """The parsed value or None; `warn`: a bad value is a warning and left out, not an error."""
        value = self.value(field)
        if value is FORMULA_WITHOUT_VALUE:
            self.error(field, FORMULA_MESSAGE)
            return None
        if value is None or value == "":
            if required:
                self.error(field, f"{FIELD_LABELS[field]} wajib diisi.")
            return None
        try:
            return parser(value)
        except ValueError as exc:
            if warn:
                self.error(field, DROPPED.format(message=str(exc)), "warning")
            else:
                self.error(field, str(exc))
            return None


def _parse_guardian(row: _Row, birth_date: date | None, today: date) -> Guardian | None:
    name = row.parse("guardian_name", parse_name)
    relation = row.parse("guardian_relation", parse_text)
    phone = row.parse("guardian_phone", parse_phone, warn=True)
    if name is None and row.value("guardian_name") in (None, ""):
        if birth_date is not None and _age(birth_date, today) < ADULT_AGE:
            row.error("guardian_name", f"Peserta berusia di bawah {ADULT_AGE} tahun; Nama Wali wajib diisi.")
        elif relation or phone:
            row.error("guardian_name", "Nama Wali wajib diisi bila Hubungan Wali atau HP Wali diisi.")
        return None
    return Guardian(name, relation, phone) if name else None


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
