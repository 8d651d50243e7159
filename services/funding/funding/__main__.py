"""Command line of the funding service: python -m funding serve|migrate|dlq ..."""
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
from funding.service import FundingService
from inklusi_platform.cli import main

raise SystemExit(main(FundingService, "funding"))
