"""Password hashing with argon2, and the password policy."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 10


def use_hasher(hasher: PasswordHasher) -> None:
    """Tests swap in cheap parameters; production keeps argon2-cffi's defaults."""
    global _hasher
    _hasher = hasher


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_policy(password: str) -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Minimal {MIN_LENGTH} karakter.")
    if password.strip() != password:
        problems.append("Jangan diawali atau diakhiri spasi.")
    if len(set(password)) < 4:
        problems.append("Terlalu mudah ditebak: gunakan lebih banyak macam karakter.")
    return problems
