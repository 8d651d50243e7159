"""The price of checking, on every request, that a token's account still exists and is active.

    python bench/token_check_bench.py [--requests 20000] [--server postgresql://postgres@127.0.0.1:5432]

Times the guard's token path (JWT decode + role book + account check) in one process against the
local PostgreSQL, three ways: no account check (before issue 8), a database lookup on every request,
and the 1 s cache the gateway uses. Prints requests/s for each; asserts nothing.
"""
import argparse
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import accounts
from gateway.access.accounts_cache import AccountCheck
from gateway.access.roles import RoleBook
from gateway.access.tokens import TokenIssuer
from gateway.guard import Guard
from inklusi_platform import migrations
from inklusi_platform.engines import make_engine

SECRET = "bench-secret-0123456789-abcdef-0123456789"


class Always:
    lookups = 0

    def is_active(self, kind, subject):
        return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS inklusi_bench_tokens WITH (FORCE)"))
        connection.execute(sa.text("CREATE DATABASE inklusi_bench_tokens"))
    url = f"{args.server}/inklusi_bench_tokens"
    migrations.upgrade("gateway", url)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        accounts.seed_organisations(session)
        from argon2 import PasswordHasher

        from gateway.access import passwords
        passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        user = accounts.create_user(session, RoleBook.load(), username="bench", full_name="Bench",
                                    org_id="lingkar-sosial", roles=["ngo_staff"], areas=["35.07.25"],
                                    password="kata-sandi-bench-123")
        session.commit()
        user_id = user.id

    guard = Guard()
    guard.role_book = RoleBook.load()
    guard.tokens = TokenIssuer(SECRET, access_ttl=timedelta(minutes=15))
    token, _ = guard.tokens.issue_access(user_id, "user", "lingkar-sosial", ["ngo_staff"], ["35.07.25"])
    environ = EnvironBuilder(headers={"Authorization": f"Bearer {token}"}).get_environ()

    for label, check in (("no account check (before)", Always()),
                         ("database lookup every request", AccountCheck(sessions, ttl_seconds=0)),
                         ("1 s cache (the gateway's choice)", AccountCheck(sessions, ttl_seconds=1.0))):
        guard.accounts = check
        started = time.perf_counter()
        for _ in range(args.requests):
            guard.caller(Request(environ), "persons:read")
        elapsed = time.perf_counter() - started
        print(f"{label:36s} {args.requests / elapsed:9.0f} req/s  ({check.lookups} database lookups)")
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS inklusi_bench_tokens WITH (FORCE)"))
    admin.dispose()


if __name__ == "__main__":
    main()
