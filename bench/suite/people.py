"""Generated persons for the benchmark: valid NIKs, allocated mobile prefixes, homes spread over Malang Raya's desa.

A NIK is the kecamatan code of the person's region, the birth date (day + 40 for women) and a serial.
The loaded persons, the write benchmark's and the event benchmark's draw serials from separate ranges,
so a posted NIK is never one already registered (a 409 would measure the conflict path, not the write).
"""
from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from inklusi_platform.regions import regions

# Mobile prefixes allocated to Indonesian operators (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
MOBILE_PREFIXES = (
    "0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853",
    "0814", "0815", "0816", "0855", "0856", "0857", "0858",
    "0817", "0818", "0819", "0859", "0877", "0878",
    "0831", "0832", "0833", "0838",
    "0895", "0896", "0897", "0898", "0899",
    "0881", "0882", "0883", "0884", "0885", "0886", "0887", "0888", "0889",
)
FIRST = ("Siti", "Budi", "Agus", "Sri", "Dewi", "Eko", "Wahyu", "Nur", "Rina", "Joko", "Ayu", "Hadi", "Lestari",
         "Bambang", "Yuli", "Teguh", "Indah", "Slamet", "Fitri", "Rudi")
LAST = ("Aminah", "Santoso", "Wahyuni", "Prasetyo", "Rahayu", "Hidayat", "Susanti", "Setiawan", "Kurniawan",
        "Handayani", "Saputra", "Lestari", "Purnomo", "Maulana", "Anggraini", "Firmansyah")
IMPORT_CATEGORIES = ("fisik", "tuna netra", "tuli", "mental", "intelektual", "daksa, rungu", "autis")
API_CATEGORIES = ("fisik", "intelektual", "mental", "sensorik")
CSV_HEADERS = ("NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Ragam Disabilitas", "No HP",
               "Nama Wali", "Hubungan Wali", "HP Wali", "Persetujuan")
ADULT_MARGIN_YEARS = 19  # a margin over 18, so that nobody turns adult during a run
LOADED_SERIALS = range(1, 5000)
WRITE_SERIALS = range(5000, 7500)  # the write path
EVENT_SERIALS = range(7500, 10000)  # the writes that time events end to end


def kecamatan_codes() -> list[str]:
    return [k.code for k in regions().malang_raya_kecamatan()]


@dataclass(frozen=True)
class Person:
    nik: str
    name: str
    born: date
    sex: str
    kecamatan_code: str
    desa_code: str
    phone: str

    @property
    def minor(self) -> bool:
        return (date.today().year - self.born.year) < ADULT_MARGIN_YEARS


class Generator:
    """Deterministic persons for one seed; every NIK unique within its serial range."""

    def __init__(self, seed: int, serials: range, adults_only: bool = False):
        self.rng = random.Random(seed)
        self.serials = serials
        self.adults_only = adults_only
        self.kecamatan = kecamatan_codes()
        self.desa = {code: [d.code for d in regions().children(code)] for code in self.kecamatan}
        self._next_serial: dict[str, int] = {}
        self.today = date.today()

    def phone(self) -> str:
        return f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(10_000_000, 99_999_999)}"

    def person(self) -> Person:
        rng = self.rng
        while True:
            kecamatan = rng.choice(self.kecamatan)
            youngest = 20 if self.adults_only else 8
            born = self.today - timedelta(days=rng.randint(youngest * 365, 75 * 365))
            sex = rng.choice("LP")
            stem = f"{kecamatan.replace('.', '')}{born.day + (40 if sex == 'P' else 0):02d}{born.month:02d}" \
                   f"{born.year % 100:02d}"
            serial = self._next_serial.get(stem, self.serials.start)
            if serial < self.serials.stop:  # else this stem is full: draw another
                break
        self._next_serial[stem] = serial + 1
        return Person(nik=f"{stem}{serial:04d}", name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", born=born,
                      sex=sex, kecamatan_code=kecamatan, desa_code=rng.choice(self.desa[kecamatan]),
                      phone=self.phone())

    def persons(self, count: int) -> Iterator[Person]:
        for _ in range(count):
            yield self.person()


def write_import_files(folder: Path, count: int, rows_per_file: int, seed: int = 7) -> list[tuple[Path, int]]:
    """CSV files of `count` persons in all, at most `rows_per_file` each (the upload limit is per file)."""
    generator = Generator(seed, LOADED_SERIALS)
    files = []
    written = 0
    while written < count:
        rows = min(rows_per_file, count - written)
        path = folder / f"persons_{len(files) + 1:03d}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(CSV_HEADERS)
            for person in generator.persons(rows):
                minor = person.minor
                writer.writerow([
                    person.nik, person.name, person.born.strftime("%d/%m/%Y"), person.sex, person.desa_code,
                    generator.rng.choice(IMPORT_CATEGORIES), person.phone,
                    f"{generator.rng.choice(FIRST)} {generator.rng.choice(LAST)}" if minor else "",
                    "ibu" if minor else "", generator.phone() if minor else "", "Ya",
                ])
        files.append((path, rows))
        written += rows
    return files


def registration_body(person: Person, rng: random.Random) -> dict:
    """POST /v1/persons for an adult registering with their own consent."""
    return {
        "nik": person.nik, "name": person.name, "birth_date": person.born.isoformat(), "sex": person.sex,
        "desa_code": person.desa_code, "phone": person.phone,
        "disability": {"categories": [rng.choice(API_CATEGORIES)], "functional_limitations": ["berjalan jauh"]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud",
                    "given_on": date.today().isoformat()},
        "communication": {"channels": ["whatsapp", "sms"], "language": "id", "format": "plain_text",
                          "copy_guardian": False},
    }


def write_registration_bodies(path: Path, count: int, serials: range, seed: int = 11) -> Path:
    """One JSON body a line, with NIKs from `serials` (a range no other part of the run uses)."""
    generator = Generator(seed, serials, adults_only=True)
    with path.open("w", encoding="utf-8") as out:
        for person in generator.persons(count):
            out.write(json.dumps(registration_body(person, generator.rng), separators=(",", ":")) + "\n")
    return path
