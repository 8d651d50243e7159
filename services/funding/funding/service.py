"""Entrypoints of the funding service: UEP and KUBE business capital cases."""
from inklusi_platform.service import ServiceBase


class FundingService(ServiceBase):
    name = "funding"
