"""The ops command line of the gateway: `python -m gateway accounts ...`."""
import json
import os
import secrets
import sys

from sqlalchemy.orm import sessionmaker

from gateway import accounts
from gateway.access.roles import RoleBook
from gateway.models import User
from inklusi_platform.engines import make_engine
from inklusi_platform.errors import DomainError

ADMIN_USERNAME = "admin"


def add_commands(commands) -> None:
    parser = commands.add_parser("accounts", help="organisations, users, partner clients and tokens")
    sub = parser.add_subparsers(dest="accounts_command", required=True)

    org = sub.add_parser("add-org", help="add an organisation")
    org.add_argument("org_id")
    org.add_argument("name")
    org.add_argument("--kind", required=True, choices=accounts.ORGANISATION_KINDS)
    org.set_defaults(handler=_add_org)

    sub.add_parser("seed-organisations", help="add the programme's partner organisations").set_defaults(
        handler=_seed)

    user = sub.add_parser("add-user", help="add a user; the password is read from INKLUSI_PASSWORD or asked")
    user.add_argument("username")
    user.add_argument("--name", required=True)
    user.add_argument("--org", required=True)
    user.add_argument("--role", action="append", required=True, help="repeatable")
    user.add_argument("--area", action="append", default=[], help="kabupaten/kota or kecamatan code; repeatable")
    user.set_defaults(handler=_add_user)

    client = sub.add_parser("add-client", help="add a partner system; prints its secret once")
    client.add_argument("client_id")
    client.add_argument("--name", required=True)
    client.add_argument("--org", required=True)
    client.add_argument("--role", action="append", default=["partner"])
    client.add_argument("--area", action="append", default=[])
    client.set_defaults(handler=_add_client)

    reset = sub.add_parser("reset-password", help="set a new password and revoke the user's refresh tokens")
    reset.add_argument("username")
    reset.set_defaults(handler=_reset)

    revoke = sub.add_parser("revoke", help="revoke every refresh token of a user or client")
    revoke.add_argument("subject", help="username or client id")
    revoke.set_defaults(handler=_revoke)

    deactivate = sub.add_parser("deactivate", help="disable a user: no login, no refresh, and access tokens "
                                                   "stop working within ACCOUNT_CHECK_SECONDS")
    deactivate.add_argument("username")
    deactivate.set_defaults(handler=_deactivate)

    sub.add_parser("list-users", help="users with their roles and areas").set_defaults(handler=_list_users)

    sub.add_parser("bootstrap-admin", help="on first start: a local admin, printed once").set_defaults(
        handler=_bootstrap)


def _session(config):
    return sessionmaker(make_engine(config["DATABASE_URL"]))()


def _run(config, work) -> int:
    session = _session(config)
    try:
        result = work(session)
        session.commit()
        return result or 0
    except DomainError as exc:
        session.rollback()
        print(f"error: {exc.message}" + (f" {json.dumps(exc.details, ensure_ascii=False)}" if exc.details else ""),
              file=sys.stderr)
        return 1
    finally:
        session.close()


def _password(prompt: str = "Password: ") -> str:
    if os.environ.get("INKLUSI_PASSWORD"):
        return os.environ["INKLUSI_PASSWORD"]
    import getpass

    return getpass.getpass(prompt)


def _add_org(args, config):
    return _run(config, lambda s: accounts.create_organisation(s, args.org_id, args.name, args.kind) and None)


def _seed(args, config):
    return _run(config, lambda s: print(f"added {accounts.seed_organisations(s)} organisation(s)"))


def _add_user(args, config):
    book = RoleBook.load(config.get("ROLES_FILE") or None)
    password = _password()
    return _run(config, lambda s: print("added user", accounts.create_user(
        s, book, username=args.username, full_name=args.name, org_id=args.org, roles=args.role, areas=args.area,
        password=password).username))


def _add_client(args, config):
    book = RoleBook.load(config.get("ROLES_FILE") or None)

    def work(session):
        secret = accounts.create_client(session, book, client_id=args.client_id, name=args.name, org_id=args.org,
                                        roles=args.role, areas=args.area)
        print(f"client_id={args.client_id}\nclient_secret={secret}\n(the secret is shown only this once)")

    return _run(config, work)


def _reset(args, config):
    password = _password("New password: ")
    return _run(config, lambda s: accounts.reset_password(s, args.username, password))


def _revoke(args, config):
    def work(session):
        user = session.query(User).filter_by(username=args.subject).one_or_none()
        count = accounts.revoke_all(session, user.id if user else args.subject)
        print(f"revoked {count} refresh token(s)")

    return _run(config, work)


def _deactivate(args, config):
    return _run(config, lambda s: accounts.deactivate_user(s, args.username))


def _list_users(args, config):
    def work(session):
        for user in session.query(User).order_by(User.username):
            print(f"{user.username}\t{user.org_id}\t{','.join(user.roles)}\t{','.join(user.areas) or '-'}"
                  f"\t{'active' if user.active else 'disabled'}")

    return _run(config, work)


def _local_address(config) -> str:
    """Where a person on this machine reaches the gateway: GATEWAY_ADDRESS, with 0.0.0.0 read as 127.0.0.1."""
    host, _, port = config.get("WEB_SERVER_ADDRESS", "0.0.0.0:8000").rpartition(":")
    return f"{'127.0.0.1' if host in ('', '0.0.0.0') else host}:{port}"


def _bootstrap(args, config):
    book = RoleBook.load(config.get("ROLES_FILE") or None)

    def work(session):
        if session.query(User).count():
            return
        accounts.seed_organisations(session)
        password = os.environ.get("INKLUSI_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        accounts.create_user(session, book, username=ADMIN_USERNAME, full_name="Admin Lingkar Sosial",
                             org_id="lingkar-sosial", roles=["admin"], areas=[], password=password)
        print(f"Created the local admin. Log in with:\n  curl -s {_local_address(config)}/v1/auth/token "
              f"-H 'Content-Type: application/json' "
              f"-d '{{\"grant_type\":\"password\",\"username\":\"{ADMIN_USERNAME}\",\"password\":\"{password}\"}}'")

    return _run(config, work)
