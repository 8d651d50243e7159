"""Entrypoints of the gateway. Handlers translate HTTP to RPC; rules live in the services."""
from inklusi_platform.service import ServiceBase, health_report

from gateway import health
from gateway.bodies import json_response
from gateway.clients import ServiceClient
from gateway.http import http


class GatewayService(ServiceBase):
    name = "gateway"

    registry = ServiceClient("registry")
    training = ServiceClient("training")
    funding = ServiceClient("funding")
    notify = ServiceClient("notify")

    @http("GET", "/health")
    def get_health(self, request):
        own = health_report(self.name, self.db, self.config["AMQP_URI"])
        clients = {name: getattr(self, name) for name in health.SERVICES}
        status, body = health.suite_health(own, clients)
        return json_response(body, status=status)
