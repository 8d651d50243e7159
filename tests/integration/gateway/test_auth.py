"""Logins, lockout, refresh rotation and revocation through the real gateway."""
import pytest

from tests.support.gateway_fixtures import PASSWORD

pytestmark = pytest.mark.integration


def token(web, **body):
    return web.post("/v1/auth/token", json=body)


def test_password_login_returns_short_lived_token_and_refresh_token(gateway, web_session):
    response = token(web_session, grant_type="password", username="staf_lawang", password=PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 15 * 60
    assert body["refresh_token"] and body["access_token"].count(".") == 2
    assert response.headers["Cache-Control"] == "no-store"


def test_wrong_password_is_401_and_the_account_locks_after_five(gateway, web_session):
    for _ in range(4):
        assert token(web_session, grant_type="password", username="fomi", password="salah-salah-1").status_code == 401
    locked = token(web_session, grant_type="password", username="fomi", password="salah-salah-1")
    assert locked.status_code == 423
    assert int(locked.headers["Retry-After"]) > 0
    # Even the right password is refused while the lock holds.
    assert token(web_session, grant_type="password", username="fomi", password=PASSWORD).status_code == 423


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(gateway, web_session):
    unknown = token(web_session, grant_type="password", username="nobody", password="whatever-123")
    wrong = token(web_session, grant_type="password", username="admin", password="whatever-123")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["detail"] == wrong.json()["detail"]


def test_refresh_rotates_and_a_used_or_revoked_refresh_token_is_dead(gateway, web_session):
    first = token(web_session, grant_type="password", username="admin", password=PASSWORD).json()
    second = token(web_session, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    assert token(web_session, grant_type="refresh_token", refresh_token=first["refresh_token"]).status_code == 401

    refresh = second.json()["refresh_token"]
    revoked = web_session.post("/v1/auth/revoke", json={"refresh_token": refresh},
                               headers={"Authorization": f"Bearer {second.json()['access_token']}"})
    assert revoked.status_code == 204
    assert token(web_session, grant_type="refresh_token", refresh_token=refresh).status_code == 401


def test_partner_system_logs_in_with_client_credentials(gateway, seeded_accounts, web_session):
    good = token(web_session, grant_type="client_credentials", client_id="mitra-1",
                 client_secret=seeded_accounts["client_secret"])
    assert good.status_code == 200
    assert token(web_session, grant_type="client_credentials", client_id="mitra-1",
                 client_secret="tebakan").status_code == 401


def test_missing_fields_for_a_grant_are_named(gateway, web_session):
    response = token(web_session, grant_type="password", username="admin")
    assert response.status_code == 422
    assert "password" in response.json()["errors"]


def test_requests_without_or_with_a_forged_token_are_401(gateway, web_session):
    assert web_session.get("/v1/areas").status_code == 401
    forged = web_session.get("/v1/areas", headers={"Authorization": "Bearer a.b.c"})
    assert forged.status_code == 401
    assert "invalid_token" in forged.headers["WWW-Authenticate"]


def test_logins_are_audited_and_only_admin_reads_the_audit(gateway, as_user, web_session):
    token(web_session, grant_type="password", username="admin", password="salah-sekali-1")
    admin = as_user("admin")
    entries = admin.get("/v1/audit", params={"action": "login"}).json()["items"]
    outcomes = {(e["resource_id"], e["outcome"]) for e in entries}
    assert ("admin", "denied") in outcomes
    assert any(e["outcome"] == "success" and e["action"] == "login" for e in entries)
    assert as_user("staf_lawang").get("/v1/audit").status_code == 403
    assert admin.delete("/v1/audit").status_code == 405  # no route changes the audit log
