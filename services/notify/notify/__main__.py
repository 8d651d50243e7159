"""Command line of the notify service: python -m notify serve|migrate|dlq ..."""
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
from inklusi_platform.cli import main
from notify.service import NotifyService

raise SystemExit(main(NotifyService, "notify"))
