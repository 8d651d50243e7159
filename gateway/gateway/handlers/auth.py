"""Routes of /v1/auth: tokens for users and partner clients, and revoking refresh tokens."""
from datetime import UTC, datetime

from werkzeug.wrappers import Response

from gateway import accounts
from gateway.access.lockout import LockoutPolicy
from gateway.bodies import json_response, read_json
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.auth import RevokeIn, TokenIn, TokenOut

LOCKOUT = LockoutPolicy()


class AuthRoutes:
    @route("POST", "/v1/auth/token", summary="Log in (password or client credentials) or refresh",
           tag="auth", public=True, body=TokenIn, response=TokenOut, errors=(401, 423))
    def issue_token(self, request):
        data = read_json(request, shared(TokenIn))
        session = self.db.session
        refresh_days = self.config.get("REFRESH_TOKEN_DAYS", 14)
        try:
            if data["grant_type"] == "password":
                principal = accounts.authenticate_user(session, data["username"], data["password"], LOCKOUT)
            elif data["grant_type"] == "client_credentials":
                principal = accounts.authenticate_client(session, data["client_id"], data["client_secret"], LOCKOUT)
            else:
                tokens = accounts.refresh(session, self.guard.tokens, data["refresh_token"], refresh_days)
                return json_response(tokens, headers={"Cache-Control": "no-store"})
        except accounts.LoginRefused as refused:
            # The failure count must survive this request's rollback, so commit it first.
            session.commit()
            self.audit(None, "login", "session", data.get("username") or data.get("client_id"),
                       outcome="denied", detail="locked" if refused.locked_until else "bad credentials")
            if refused.locked_until:
                seconds = max(1, int((refused.locked_until - datetime.now(UTC)).total_seconds()))
                raise HttpProblem(423, str(refused), headers={"Retry-After": str(seconds)}) from None
            raise HttpProblem(401, str(refused)) from None
        tokens = accounts.issue_tokens(session, self.guard.tokens, principal, refresh_days)
        self.audit(_AsCaller(principal), "login", "session", principal.subject)
        return json_response(tokens, headers={"Cache-Control": "no-store"})

    @route("POST", "/v1/auth/revoke", summary="Revoke a refresh token", tag="auth", body=RevokeIn, status=204,
           errors=(403,))
    def revoke_token(self, request):
        caller = self.guard.caller(request)
        data = read_json(request, shared(RevokeIn))
        owner = None if caller.can("accounts:manage") else (caller.kind, caller.subject)
        accounts.revoke(self.db.session, data["refresh_token"], owner)
        self.audit(caller, "delete", "refresh_token", caller.subject)
        return Response(status=204)


class _AsCaller:
    """Enough of a Caller for the audit log, before a token exists."""

    def __init__(self, principal):
        self.user_id = principal.subject if principal.kind == "user" else None
        self.client_id = principal.subject if principal.kind == "client" else None
        self.org_id = principal.org_id
