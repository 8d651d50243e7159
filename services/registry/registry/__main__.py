"""Command line of the registry service: python -m registry serve|migrate|dlq ..."""
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
from inklusi_platform.cli import main
from registry.commands import add_commands
from registry.service import RegistryService

raise SystemExit(main(RegistryService, "registry", extra_commands=add_commands))
