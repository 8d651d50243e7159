"""Command line of the training service: python -m training serve|migrate|dlq ..."""
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
from inklusi_platform.cli import main
from training.service import TrainingService

raise SystemExit(main(TrainingService, "training"))
