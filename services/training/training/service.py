"""Entrypoints of the training service: entrepreneurship, paralegal and advocacy training."""
from inklusi_platform.service import ServiceBase


class TrainingService(ServiceBase):
    name = "training"
