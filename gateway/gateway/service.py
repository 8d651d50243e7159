"""The gateway service: authentication, authorisation, validation of the HTTP shape, and translation.

Rules about the data live in the services that own it; handlers live in `handlers/`, one module per
resource, mixed in here.
"""
from gateway import health
from gateway.bodies import json_response
from gateway.clients import ServiceClient
from gateway.dependencies import Audit, Idempotency
from gateway.guard import Guard
from gateway.handlers.areas import AreaRoutes
from gateway.handlers.audit import AuditRoutes
from gateway.handlers.auth import AuthRoutes
from gateway.handlers.docs import DocsRoutes
from gateway.handlers.funding import FundingRoutes
from gateway.handlers.groups import GroupRoutes
from gateway.handlers.notifications import NotificationRoutes
from gateway.handlers.persons import PersonRoutes
from gateway.handlers.problems import ProblemRoutes
from gateway.handlers.training import TrainingRoutes
from gateway.handlers.transfers import TransferRoutes
from gateway.routes import route
from inklusi_platform.entrypoints import timer
from inklusi_platform.service import ServiceBase


class GatewayService(AuthRoutes, PersonRoutes, GroupRoutes, TransferRoutes, AreaRoutes, AuditRoutes,
                     TrainingRoutes, ProblemRoutes, DocsRoutes, FundingRoutes, NotificationRoutes,
                     ServiceBase):
    name = "gateway"

    guard = Guard()
    audit = Audit()
    idempotent = Idempotency()

    suite = health.SuiteHealth()

    registry = ServiceClient("registry")
    training = ServiceClient("training")
    funding = ServiceClient("funding")
    notify = ServiceClient("notify")

    @route("GET", "/health", summary="The gateway and each service, up or down (200 or 503)", tag="health",
           public=True, errors=(503,), own_body_on=(503,))
    def get_health(self, request):
        # Answered by the web server without a worker (http.py, health.answer_inline); kept for the docs.
        status, body = health.suite_health(self.readiness, self.suite.services())
        return json_response(body, status=status)

    @timer(interval=health.PROBE_SECONDS, eager=True)
    def probe_services(self):
        self.suite.record(health.probe_all({name: getattr(self, name) for name in health.SERVICES}))

    @route("GET", "/health/live", summary="The gateway process answers (touches no database or broker)",
           tag="health", public=True)
    def get_liveness(self, request):
        status, body = health.LIVE  # answered by the web server without a worker, as /health
        return json_response(body, status=status)
