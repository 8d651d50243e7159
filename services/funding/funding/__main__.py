"""Command line of the funding service: python -m funding serve|migrate|dlq ..."""
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
from inklusi_platform.cli import main

from funding.service import FundingService

raise SystemExit(main(FundingService, "funding"))
