"""Command line of the gateway: python -m gateway serve|migrate|accounts ..."""
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
from gateway.commands import add_commands
from gateway.service import GatewayService
from inklusi_platform.cli import main

raise SystemExit(main(GatewayService, "gateway", extra_commands=add_commands))
