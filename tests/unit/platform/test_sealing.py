"""Sealed personal data: AES-GCM per value with its key id, keys rotated, blind index for lookups."""
import os
import stat

import pytest

from inklusi_platform import sealing
from inklusi_platform.sealing import Keyring, SealingError, generate_key

INDEX = generate_key()


def ring(*keys):
    return Keyring.parse(",".join(keys), INDEX)


def test_a_sealed_value_opens_only_with_its_key_and_in_its_column():
    old = ring(f"k1:{generate_key()}")
    sealed = old.seal("3507255203900001", "persons.nik")
    assert "3507255203900001" not in sealed and sealed.startswith("s1.k1.")
    assert sealed != old.seal("3507255203900001", "persons.nik")  # a fresh nonce each time
    assert old.open(sealed, "persons.nik") == "3507255203900001"
    with pytest.raises(SealingError):
        old.open(sealed, "persons.phone")  # copied into another column: does not open
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(SealingError):
        old.open(tampered, "persons.nik")
    assert old.seal(None, "persons.nik") is None and old.open(None, "persons.nik") is None


def test_rotation_new_key_seals_old_keys_still_open():
    first = f"k1:{generate_key()}"
    before = ring(first).seal("+6281234567890", "persons.phone")
    rotated = ring(f"k2:{generate_key()}", first)
    assert rotated.open(before, "persons.phone") == "+6281234567890"
    assert rotated.key_id_of(rotated.seal("x", "persons.phone")) == "k2"
    with pytest.raises(SealingError):
        ring(f"k3:{generate_key()}").open(before, "persons.phone")


def test_blind_index_is_stable_keyed_and_per_column():
    one = ring(f"k1:{generate_key()}")
    assert one.blind_index("3507255203900001", "persons.nik") == one.blind_index("3507255203900001", "persons.nik")
    assert one.blind_index("3507255203900001", "persons.nik") != one.blind_index("3507255203900001", "persons.kk")
    other = Keyring.parse(f"k1:{generate_key()}", generate_key())
    assert other.blind_index("3507255203900001", "persons.nik") != one.blind_index("3507255203900001", "persons.nik")


def test_bad_configuration_is_refused():
    for keys, index in (("", INDEX), ("k1", INDEX), ("k1:c2hvcnQ", INDEX), (f"k1:{generate_key()}", "c2hvcnQ")):
        with pytest.raises(ValueError):
            Keyring.parse(keys, index)
    with pytest.raises(ValueError):
        sealing.configure({"FIELD_KEYS": f"k1:{generate_key()}"})


def test_local_keys_are_made_once_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(sealing, "_keyring", sealing._keyring)  # leave the process's keyring as it was
    env = {"DATA_DIR": str(tmp_path / "data")}
    first = sealing.configure(env)
    path = tmp_path / "data" / sealing.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = sealing.configure(env)
    assert first == second
    assert [p.name for p in path.parent.iterdir()] == [sealing.KEY_FILE]  # no temporary file left behind
