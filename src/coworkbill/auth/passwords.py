"""Password hashing with argon2id (argon2-cffi); verification never raises on a bad hash.

Parameters follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane): argon2-cffi's
defaults (64 MiB, 3 passes, 4 lanes) cost ~0.4 s of CPU and 64 MiB per check on a 2-core box,
which let a burst of sign-ins starve every other request. Hashes made with other parameters
still verify, and are upgraded at the next successful sign-in (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False
