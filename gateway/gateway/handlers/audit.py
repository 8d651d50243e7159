"""GET /v1/audit: the audit log, for admins only. There is no route that changes it."""
from gateway import audit
from gateway.bodies import json_response, read_query
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.auth import AuditEntryOut, AuditQuery


class AuditRoutes:
    @route("GET", "/v1/audit", summary="Audit entries, newest first", tag="audit", permission="audit:read",
           query=AuditQuery, response=AuditEntryOut, paged=True)
    def list_audit(self, request):
        self.guard.caller(request, "audit:read")
        query = read_query(request, shared(AuditQuery))
        self.audit.flush()  # entries still in the spool belong in the answer
        with self.db.session.no_autoflush:
            result = audit.list_entries(self.db.session, query, query.get("limit"), query.get("cursor"))
        return json_response(result)
