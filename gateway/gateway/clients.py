"""RPC clients of the services: the platform's, with a deadline per call and 503 while the broker is away."""
from inklusi_platform.rpc_client import ServiceClient, ServiceTimeout

__all__ = ["ServiceClient", "ServiceTimeout"]
