"""How big an upload may be: bytes, rows, columns, and what an XLSX may unpack to. Refused, never truncated."""
from __future__ import annotations

import os
from dataclasses import dataclass

MIB = 1024 * 1024


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


class LimitExceeded(SpreadsheetError):
    """The file is over a limit; the message says which."""


@dataclass(frozen=True)
class Limits:
    # Below the gateway's 10 MiB body limit, so the uploader hears this message rather than a bare 413.
    max_bytes: int = 8 * MIB
    max_rows: int = 300_000
    max_columns: int = 100
    # What the XLSX zip may expand to, and how many shared strings its sharedStrings.xml may hold.
    # A 300,000-row field sheet unpacks to about 150 MB and needs well under 2 million strings.
    max_unpacked_bytes: int = 256 * MIB
    max_shared_strings: int = 2_000_000

    @classmethod
    def from_env(cls, env=os.environ) -> Limits:
        default = cls()
        return cls(**{name: int(env.get(f"IMPORT_{name.upper()}", getattr(default, name)))
                      for name in ("max_bytes", "max_rows", "max_columns", "max_unpacked_bytes",
                                   "max_shared_strings")})

    def check_bytes(self, size: int) -> None:
        if size > self.max_bytes:
            raise LimitExceeded(f"Berkas terlalu besar ({_mb(size)}); batasnya {_mb(self.max_bytes)}. "
                                "Bagi data menjadi beberapa berkas.")

    def check_rows(self, rows: int) -> None:
        if rows > self.max_rows:
            raise LimitExceeded(f"Berkas berisi lebih dari {self.max_rows:,} baris data; bagi menjadi beberapa "
                                "berkas.".replace(",", "."))

    def check_columns(self, columns: int) -> None:
        if columns > self.max_columns:
            raise LimitExceeded(f"Berkas berisi {columns} kolom; paling banyak {self.max_columns}. "
                                "Hapus kolom yang tidak dipakai.")

    def check_unpacked(self, size: int) -> None:
        if size > self.max_unpacked_bytes:
            raise LimitExceeded(f"Isi berkas .xlsx terlalu besar setelah dibuka (lebih dari "
                                f"{_mb(self.max_unpacked_bytes)}); bagi data menjadi beberapa berkas.")

    def check_shared_strings(self, count: int) -> None:
        if count > self.max_shared_strings:
            raise LimitExceeded(f"Berkas .xlsx berisi terlalu banyak teks berbeda ({count:,}); paling banyak "
                                f"{self.max_shared_strings:,}. Bagi data menjadi beberapa berkas.".replace(",", "."))


def _mb(size: int) -> str:
    return f"{size / MIB:.1f} MB".replace(".", ",")
