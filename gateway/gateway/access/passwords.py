"""Password hashing with argon2id, and the password policy shown to people choosing a password."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
# Long enough for any passphrase; the cap only bounds what a login request may make the server hash.
MAX_LENGTH = 128
MIN_DISTINCT = 4

# NIST SP 800-63B asks for a check against commonly used passwords rather than composition rules.
# A short list of what people here actually pick is enough; the length rule does the rest.
COMMON = frozenset({
    "1234567890", "12345678910", "0123456789", "qwertyuiop", "password123", "passw0rd123", "katasandi",
    "katasandi123", "kata-sandi", "rahasia123", "rahasia1234", "bismillah123", "indonesia123",
    "merdeka1945", "malang12345", "inklusi123", "admin12345", "administrator",
})


def make_hasher(time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4) -> PasswordHasher:
    """An argon2id hasher; the defaults are argon2-cffi's (RFC 9106 low-memory profile)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


_hasher = make_hasher()


def use_hasher(hasher: PasswordHasher) -> None:
    """Set the process-wide hasher; tests use cheap parameters, production keeps the defaults."""
    global _hasher
    _hasher = hasher


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    return (hasher or _hasher).hash(password)


def verify_password(password_hash: str | None, password: str, hasher: PasswordHasher | None = None) -> bool:
    """True when `password` matches; False for a wrong password or an unusable stored hash."""
    if not password_hash or password is None:
        return False
    try:
        return (hasher or _hasher).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, hasher: PasswordHasher | None = None) -> bool:
    """True when the hash was made with other parameters than today's: rehash it after a good login."""
    try:
        return (hasher or _hasher).check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def check_password_policy(password: str) -> list[str]:
    """What is wrong with a new password, in words for its owner; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Kata sandi maksimal {MAX_LENGTH} karakter.")
    if len(set(password)) < MIN_DISTINCT:
        problems.append("Kata sandi terlalu mudah ditebak: gunakan lebih banyak macam karakter.")
    if password.lower() in COMMON:
        problems.append("Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain.")
    return problems
