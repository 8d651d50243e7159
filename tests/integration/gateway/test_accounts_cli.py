"""The ops command line of the gateway, run as ops would run it, against a SQLite file."""
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def gateway_cli(tmp_path, *args, password=None):
    env = dict(os.environ, DATA_DIR=str(tmp_path), LOG_LEVEL="WARNING")
    env.pop("DATABASE_URL", None)
    env.pop("GATEWAY_DATABASE_URL", None)
    if password:
        env["INKLUSI_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "gateway", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_ops_create_users_and_clients_and_bootstrap_an_admin(tmp_path):
    assert gateway_cli(tmp_path, "migrate").returncode == 0
    first = gateway_cli(tmp_path, "accounts", "bootstrap-admin")
    assert first.returncode == 0 and '"username":"admin"' in first.stdout
    again = gateway_cli(tmp_path, "accounts", "bootstrap-admin")
    assert again.returncode == 0 and again.stdout.strip() == ""  # only on first start

    added = gateway_cli(tmp_path, "accounts", "add-user", "titing", "--name", "Titing", "--org", "ppd-kemensos",
                        "--role", "ppd_companion", "--area", "35.07", password="rahasia-yang-panjang-1")
    assert added.returncode == 0, added.stderr
    weak = gateway_cli(tmp_path, "accounts", "add-user", "budi", "--name", "Budi", "--org", "ppd-kemensos",
                       "--role", "ppd_companion", "--area", "35.07", password="pendek")
    assert weak.returncode == 1 and "password" in weak.stderr
    no_area = gateway_cli(tmp_path, "accounts", "add-user", "sari", "--name", "Sari", "--org", "dinsos-kota-batu",
                          "--role", "dinsos_officer", password="rahasia-yang-panjang-2")
    assert no_area.returncode == 1 and "areas" in no_area.stderr
    bad_area = gateway_cli(tmp_path, "accounts", "add-user", "sari", "--name", "Sari", "--org", "dinsos-kota-batu",
                           "--role", "dinsos_officer", "--area", "99.99", password="rahasia-yang-panjang-2")
    assert bad_area.returncode == 1 and "99.99" in bad_area.stderr

    client = gateway_cli(tmp_path, "accounts", "add-client", "mitra-1", "--name", "Mitra", "--org", "fomi")
    assert client.returncode == 0 and "client_secret=" in client.stdout

    listed = gateway_cli(tmp_path, "accounts", "list-users")
    assert "titing\tppd-kemensos\tppd_companion\t35.07\tactive" in listed.stdout
    assert gateway_cli(tmp_path, "accounts", "revoke", "titing").returncode == 0


def test_ops_deactivate_a_user(tmp_path):
    assert gateway_cli(tmp_path, "migrate").returncode == 0
    assert gateway_cli(tmp_path, "accounts", "seed-organisations").returncode == 0
    assert gateway_cli(tmp_path, "accounts", "add-user", "titing", "--name", "Titing", "--org", "ppd-kemensos",
                       "--role", "ppd_companion", "--area", "35.07", password="rahasia-yang-panjang-1").returncode == 0
    assert gateway_cli(tmp_path, "accounts", "deactivate", "titing").returncode == 0
    assert "titing\tppd-kemensos\tppd_companion\t35.07\tdisabled" in gateway_cli(
        tmp_path, "accounts", "list-users").stdout
    assert gateway_cli(tmp_path, "accounts", "deactivate", "nobody").returncode == 1


def test_the_admins_login_hint_names_the_configured_address(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEWAY_ADDRESS", "0.0.0.0:8123")
    assert gateway_cli(tmp_path, "migrate").returncode == 0
    hint = gateway_cli(tmp_path, "accounts", "bootstrap-admin").stdout
    assert "curl -s 127.0.0.1:8123/v1/auth/token" in hint and "8000" not in hint
