"""Service configuration read from environment variables, with defaults that run on one machine."""
import os
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"

# Every variable the platform reads, with its default and meaning; the README's table is built from this.
VARIABLES = {
    "AMQP_URI": (DEFAULT_AMQP_URI, "RabbitMQ connection for RPC and events."),
    "DATA_DIR": ("./data", "Folder for the SQLite files used when no database URL is set."),
    "<SERVICE>_DATABASE_URL": ("", "Database of one service, e.g. REGISTRY_DATABASE_URL; wins over DATABASE_URL."),
    "DATABASE_URL": ("sqlite:///$DATA_DIR/<service>.db", "Database of the service in this process."),
    "<SERVICE>_MIGRATE_DATABASE_URL": ("the runtime URL", "The same database as the table owner, for `migrate` only; "
                                       "the runtime URL's role then gets only the grants it needs."),
    "ACCOUNT_CHECK_SECONDS": ("1.0", "How long the gateway trusts its last look at an account (active or not)."),
    "LOG_LEVEL": ("INFO", "Level of the JSON logs written to stdout."),
    "MAX_WORKERS": ("10", "Concurrent workers per service process; also the AMQP prefetch."),
    "EVENT_MAX_ATTEMPTS": ("5", "Deliveries of an event before it is dead-lettered."),
    "EVENT_RETRY_DELAY_MS": ("2000", "Wait before a failed event is delivered again."),
    "OUTBOX_POLL_SECONDS": ("1.0", "How often the outbox relay looks for unpublished events."),
    "OUTBOX_MAX_BACKOFF_SECONDS": ("30", "Longest pause of the relay while RabbitMQ is unreachable."),
    "OUTBOX_BATCH_SIZE": ("100", "Events the relay publishes per transaction."),
    "GATEWAY_ADDRESS": ("0.0.0.0:8000", "Where the gateway listens."),
    "MAX_BODY_BYTES": ("10485760", "Largest request body the gateway accepts (413 above)."),
    "RPC_TIMEOUT_SECONDS": ("10", "How long the gateway waits for a service before answering 504."),
    "CORS_ORIGINS": ("", "Comma-separated browser origins the gateway allows (agency frontends)."),
    "JWT_SECRET": ("(random per start)", "Key that signs access tokens; set it, or tokens die with the gateway."),
    "ACCESS_TOKEN_MINUTES": ("15", "Lifetime of an access token."),
    "REFRESH_TOKEN_DAYS": ("14", "Lifetime of a refresh token."),
    "ROLES_FILE": ("", "The role book; empty means the one shipped with the gateway."),
    "COMPLETION_SHARE": ("0.75", "Share of a training's sessions a participant attends to complete it."),
    "SHUTDOWN_GRACE_SECONDS": ("20", "On SIGTERM, how long a process finishes the work in hand before it exits."),
    "STATS_MIN_CELL": ("5", "Smallest count of persons shown to roles without access to personal records."),
    "FIELD_KEYS": ("(generated into $DATA_DIR)",
                   "Keys sealing personal data, id:base64 newest first; required in compose."),
    "BLIND_INDEX_KEY": ("(generated into $DATA_DIR)", "Key of the NIK's blind index (base64, 32 bytes or more)."),
    "FUNDING_STORAGE_DIR": ("$DATA_DIR/funding-documents", "Folder of funding case documents (a volume in compose)."),
    "FUNDING_MONITORING_CHECK_SECONDS": ("3600", "How often funding looks for monitoring reports due or overdue."),
    "NOTIFY_*": ("", "The notify service's channels and delivery; see the README's notify section."),
}


def database_url(service: str, env=os.environ) -> str:
    """The service's own database: <SERVICE>_DATABASE_URL, then DATABASE_URL, then a SQLite file."""
    specific = env.get(f"{service.upper()}_DATABASE_URL")
    if specific:
        return specific
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"]
    data_dir = Path(env.get("DATA_DIR", "./data")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / (service + '.db')}"


def migrate_database_url(service: str, env=os.environ) -> str:
    """The table owner's URL for migrations: <SERVICE>_MIGRATE_DATABASE_URL, MIGRATE_DATABASE_URL or the runtime one."""
    return (env.get(f"{service.upper()}_MIGRATE_DATABASE_URL") or env.get("MIGRATE_DATABASE_URL")
            or database_url(service, env))


def service_config(service: str, env=os.environ) -> dict:
    """The nameko config dict of one service."""
    return {
        "AMQP_URI": env.get("AMQP_URI", DEFAULT_AMQP_URI),
        "DATABASE_URL": database_url(service, env),
        "MIGRATE_DATABASE_URL": migrate_database_url(service, env),
        "ACCOUNT_CHECK_SECONDS": float(env.get("ACCOUNT_CHECK_SECONDS", "1.0")),
        "DATA_DIR": env.get("DATA_DIR", "./data"),
        "SERIALIZER": "json",
        "max_workers": int(env.get("MAX_WORKERS", "10")),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "EVENT_MAX_ATTEMPTS": int(env.get("EVENT_MAX_ATTEMPTS", "5")),
        "EVENT_RETRY_DELAY_MS": int(env.get("EVENT_RETRY_DELAY_MS", "2000")),
        "OUTBOX_POLL_SECONDS": float(env.get("OUTBOX_POLL_SECONDS", "1.0")),
        "OUTBOX_MAX_BACKOFF_SECONDS": float(env.get("OUTBOX_MAX_BACKOFF_SECONDS", "30")),
        "OUTBOX_BATCH_SIZE": int(env.get("OUTBOX_BATCH_SIZE", "100")),
        "WEB_SERVER_ADDRESS": env.get("GATEWAY_ADDRESS", "0.0.0.0:8000"),
        "MAX_BODY_BYTES": int(env.get("MAX_BODY_BYTES", "10485760")),
        "RPC_TIMEOUT_SECONDS": float(env.get("RPC_TIMEOUT_SECONDS", "10")),
        "CORS_ORIGINS": env.get("CORS_ORIGINS", ""),
        "JWT_SECRET": env.get("JWT_SECRET", ""),
        "ACCESS_TOKEN_MINUTES": int(env.get("ACCESS_TOKEN_MINUTES", "15")),
        "REFRESH_TOKEN_DAYS": int(env.get("REFRESH_TOKEN_DAYS", "14")),
        "ROLES_FILE": env.get("ROLES_FILE", ""),
        "COMPLETION_SHARE": float(env.get("COMPLETION_SHARE", "0.75")),
        "SHUTDOWN_GRACE_SECONDS": float(env.get("SHUTDOWN_GRACE_SECONDS", "20")),
        "STATS_MIN_CELL": int(env.get("STATS_MIN_CELL", "5")),
        "FUNDING_STORAGE_DIR": env.get("FUNDING_STORAGE_DIR")
        or str(Path(env.get("DATA_DIR", "./data")) / "funding-documents"),
        # notify parses its own (notify/settings.py); passed through as set.
        **{name: value for name, value in env.items() if name.startswith("NOTIFY_")},
    }
