"""Platform code every Inklusi service shares: one way to configure, persist, publish and consume."""
from inklusi_platform import messages  # noqa: F401  (Indonesian validation messages, before any schema exists)
