"""Command line of the registry service: python -m registry serve|migrate|dlq|import|rekey|recount ..."""
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
from inklusi_platform.cli import main
from registry import at_rest, counts
from registry.commands import add_commands
from registry.service import RegistryService


def _commands(subparsers) -> None:
    add_commands(subparsers)
    at_rest.add_commands(subparsers)
    counts.add_commands(subparsers)


raise SystemExit(main(RegistryService, "registry", extra_commands=_commands))
