"""Personal data sealed at the application layer: AES-GCM with rotatable keys, and keyed hashes for lookups.

A sealed value reads `s1.<key id>.<base64 of nonce + ciphertext + tag>`. The column it belongs to
is bound in as associated data, so a value copied into another column (a phone into the NIK) does
not open. The key id names the key that sealed it, so keys can be rotated: a new key seals, the
old ones still open, and `rekey` re-seals old values. Exact lookups and uniqueness go through a
blind index: an HMAC-SHA256 of the normalised value under a separate key, never the value itself.

Keys come from configuration (`FIELD_KEYS`, `BLIND_INDEX_KEY`); on a developer machine, when none
are set, one of each is generated into `DATA_DIR` (0600, written atomically) like the JWT secret.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "s1"
KEY_FILE = "field-keys"


class SealingError(Exception):
    """A value that cannot be opened: unknown key id, altered bytes, or sealed for another column."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # key id -> 32-byte AES key
    current: str  # the id that seals new values
    index_key: bytes

    @classmethod
    def parse(cls, field_keys: str, index_key: str) -> Keyring:
        """`FIELD_KEYS` is `id:base64key,...`, newest first; `BLIND_INDEX_KEY` is base64."""
        keys: dict[str, bytes] = {}
        for part in (p.strip() for p in field_keys.split(",") if p.strip()):
            key_id, sep, encoded = part.partition(":")
            if not sep or not key_id.isalnum():
                raise ValueError("FIELD_KEYS: each key is written id:base64 (id of letters and digits)")
            key = _unb64(encoded.strip())
            if len(key) != 32:
                raise ValueError(f"FIELD_KEYS: key {key_id} must be 32 bytes")
            keys[key_id] = key
        if not keys:
            raise ValueError("FIELD_KEYS holds no key")
        index = _unb64(index_key.strip()) if index_key else b""
        if len(index) < 32:
            raise ValueError("BLIND_INDEX_KEY must be at least 32 bytes")
        return cls(keys=keys, current=next(iter(keys)), index_key=index)

    @cached_property
    def _ciphers(self) -> dict[str, AESGCM]:
        return {key_id: AESGCM(key) for key_id, key in self.keys.items()}

    def seal(self, value: str | None, column: str) -> str | None:
        if value is None:
            return None
        nonce = os.urandom(12)
        sealed = self._ciphers[self.current].encrypt(nonce, value.encode(), column.encode())
        return f"{PREFIX}.{self.current}.{_b64(nonce + sealed)}"

    def open(self, token: str | None, column: str) -> str | None:
        if token is None:
            return None
        prefix, key_id, body = (token.split(".", 2) + ["", ""])[:3]
        if prefix != PREFIX:
            raise SealingError(f"not a sealed value in {column}")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SealingError(f"value in {column} sealed with unknown key {key_id!r}")
        data = _unb64(body)
        try:
            return cipher.decrypt(data[:12], data[12:], column.encode()).decode()
        except (InvalidTag, ValueError):
            raise SealingError(f"value in {column} does not open (altered, or from another column)") from None

    def key_id_of(self, token: str | None) -> str | None:
        return token.split(".", 2)[1] if token and token.startswith(PREFIX + ".") else None

    def blind_index(self, value: str | None, column: str) -> str | None:
        """Same value, same column -> same hash; without the key, a hash cannot be tested against guesses."""
        if value is None:
            return None
        return hmac.new(self.index_key, f"{column}\x00{value}".encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return _b64(secrets.token_bytes(32))


def _local_keys(data_dir: str) -> tuple[str, str]:
    """Keys kept in DATA_DIR for local runs: created once, 0600 from the start, never half-written."""
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(f"FIELD_KEYS=local1:{generate_key()}\nBLIND_INDEX_KEY={generate_key()}\n")
        try:
            os.link(tmp, path)  # fails if another process got there first: then theirs is used
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    values = dict(line.split("=", 1) for line in path.read_text().split() if "=" in line)
    return values["FIELD_KEYS"], values["BLIND_INDEX_KEY"]


_keyring: Keyring | None = None


def configure(env=os.environ) -> Keyring:
    """The process's keyring, from FIELD_KEYS and BLIND_INDEX_KEY, or the local key file."""
    global _keyring
    field_keys, index_key = env.get("FIELD_KEYS", ""), env.get("BLIND_INDEX_KEY", "")
    if not field_keys and not index_key:
        field_keys, index_key = _local_keys(env.get("DATA_DIR", "./data"))
    elif not (field_keys and index_key):
        raise ValueError("set both FIELD_KEYS and BLIND_INDEX_KEY, or neither (local keys)")
    _keyring = Keyring.parse(field_keys, index_key)
    return _keyring


def keyring() -> Keyring:
    return _keyring or configure()


class Sealed(sa.types.TypeDecorator):
    """A text column stored sealed; the model reads and writes plain text. Not comparable in SQL."""

    impl = sa.Text
    cache_ok = True

    def __init__(self, column: str):
        super().__init__()
        self.column = column

    class comparator_factory(sa.types.TypeDecorator.Comparator):
        def operate(self, op, *other, **kwargs):
            # Each sealing is different: `nik == x` would quietly match nothing.
            raise TypeError("a sealed column cannot be compared in SQL; compare its blind index")

    def process_bind_param(self, value, dialect):
        return keyring().seal(value, self.column)

    def process_result_value(self, value, dialect):
        return keyring().open(value, self.column)
