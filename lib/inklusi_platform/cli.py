"""The command line every service shares: `python -m <service> serve|migrate|revision|dlq ...`."""
import argparse
import json
import sys

from inklusi_platform import deadletters, migrations, topology
from inklusi_platform.config import service_config
from inklusi_platform.logs import configure_logging


def main(service_cls, package: str, extra_commands=None, argv=None) -> int:
    """Run one command. `extra_commands(subparsers)` may add service-specific ones; each parser's
    `handler` default is called with (args, config)."""
    parser = argparse.ArgumentParser(prog=f"python -m {package}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the service until SIGTERM or Ctrl-C").set_defaults(handler=_serve)
    commands.add_parser("migrate", help="upgrade the database and declare exchanges and queues").set_defaults(
        handler=_migrate)
    health = commands.add_parser("health", help="ask the running service for its health (exit 1 when down)")
    health.add_argument("--live", action="store_true",
                        help="only whether the process runs (its heartbeat file is fresh); no broker or database")
    health.set_defaults(handler=_health)
    revision = commands.add_parser("revision", help="autogenerate a migration (developers)")
    revision.add_argument("message")
    revision.set_defaults(handler=_revision)

    dlq = commands.add_parser("dlq", help="dead-lettered events of this service")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    dlq_list = dlq_commands.add_parser("list", help="show dead-lettered events (they stay in the queue)")
    dlq_list.add_argument("--json", action="store_true", help="one JSON object per line")
    dlq_list.set_defaults(handler=_dlq_list)
    dlq_replay = dlq_commands.add_parser("replay", help="send dead-lettered events back to their queue")
    which = dlq_replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--event-id", action="append", help="replay this event (repeatable)")
    which.add_argument("--all", action="store_true", help="replay every dead-lettered event")
    dlq_replay.set_defaults(handler=_dlq_replay)

    if extra_commands is not None:
        extra_commands(commands)

    args = parser.parse_args(argv)
    args.service_cls, args.package = service_cls, package
    config = service_config(service_cls.name)
    configure_logging(service_cls.name, config["LOG_LEVEL"])
    return args.handler(args, config) or 0


def _serve(args, config):
    from inklusi_platform.shutdown import serve

    serve(args.service_cls, config)


def _migrate(args, config):
    owner_url = config.get("MIGRATE_DATABASE_URL") or config["DATABASE_URL"]
    migrations.upgrade(args.package, owner_url)
    runtime_role = migrations.runtime_role(owner_url, config["DATABASE_URL"])
    if runtime_role:
        migrations.grant_runtime(owner_url, runtime_role)
    queues = topology.declare_service_topology(args.service_cls, config["AMQP_URI"])
    print(f"{args.service_cls.name}: database at head; declared {len(queues)} queues")


def _health(args, config):
    from nameko.standalone.rpc import ServiceRpcProxy

    from inklusi_platform.service import is_alive

    if args.live:
        alive = is_alive(config["DATA_DIR"], args.service_cls.name)
        print(json.dumps({"service": args.service_cls.name, "status": "up" if alive else "down"}))
        return 0 if alive else 1
    try:
        with ServiceRpcProxy(args.service_cls.name, config, timeout=5) as service:
            report = service.health()
    except Exception as exc:
        report = {"service": args.service_cls.name, "status": "down", "reason": type(exc).__name__}
    print(json.dumps(report))
    return 0 if report["status"] == "up" else 1


def _revision(args, config):
    migrations.make_revision(args.package, config["DATABASE_URL"], args.message)


def _dlq_list(args, config):
    letters = deadletters.list_dead_letters(config["AMQP_URI"], args.service_cls.name)
    for letter in letters:
        if args.json:
            print(json.dumps(letter.as_dict()))
        else:
            print(f"{letter.event_id}  {letter.event_type}  attempts={letter.attempts}  "
                  f"queue={letter.queue}  failed_at={letter.failed_at}\n    {letter.error}")
    if not args.json:
        print(f"{len(letters)} dead-lettered event(s)", file=sys.stderr)


def _dlq_replay(args, config):
    event_ids = None if args.all else set(args.event_id)
    replayed = deadletters.replay(config["AMQP_URI"], args.service_cls.name, event_ids)
    print(f"replayed {len(replayed)} event(s)")
    if event_ids is not None:
        missing = event_ids - {letter.event_id for letter in replayed}
        if missing:
            print(f"not found in the dead-letter queue: {', '.join(sorted(missing))}", file=sys.stderr)
            return 1
