"""docker-compose.yml is checked by docker-compose itself; no engine runs here, so images are not built."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCALABLE = ("registry", "training", "funding", "notify")


@pytest.fixture(scope="module")
def compose():
    if shutil.which("docker-compose") is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose must be installed in CI (./dev test installs it)")
        pytest.skip("docker-compose is not installed")
    env = dict(os.environ, JWT_SECRET="test-secret-that-is-long-enough-0123456789")
    quiet = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert quiet.returncode == 0, quiet.stderr
    rendered = subprocess.run(["docker-compose", "config"], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=True)
    return yaml.safe_load(rendered.stdout)


def test_every_service_and_infrastructure_is_there(compose):
    assert set(compose["services"]) == {"rabbitmq", "postgres", *SCALABLE, "gateway"}


def test_each_service_has_its_own_database(compose):
    urls = {name: compose["services"][name]["environment"]["DATABASE_URL"] for name in (*SCALABLE, "gateway")}
    assert len(set(urls.values())) == len(urls)
    assert all(url.endswith(f"/{name}") for name, url in urls.items())


def test_services_wait_for_healthy_dependencies_and_have_healthchecks(compose):
    for name in (*SCALABLE, "gateway"):
        service = compose["services"][name]
        assert service["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["healthcheck"]["test"]
        assert service["build"]["args"]["SERVICE"] == name
    assert compose["services"]["rabbitmq"]["healthcheck"]["test"]
    assert compose["services"]["postgres"]["healthcheck"]["test"]


def test_scalable_services_can_run_several_replicas(compose):
    # A fixed container name or host port would make `--scale` fail.
    for name in SCALABLE:
        service = compose["services"][name]
        assert "container_name" not in service
        assert "ports" not in service


def test_compose_refuses_to_start_the_gateway_without_a_jwt_secret():
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed")
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    result = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "JWT_SECRET" in result.stderr


def test_services_run_as_a_role_that_owns_nothing_and_migrate_as_the_owner(compose):
    init = (ROOT / "deploy" / "postgres-init.sql").read_text()
    for name in (*SCALABLE, "gateway"):
        environment = compose["services"][name]["environment"]
        runtime = environment["DATABASE_URL"].split("//")[1].split(":")[0]
        owner = environment["MIGRATE_DATABASE_URL"].split("//")[1].split(":")[0]
        assert runtime == f"{name}_app" and owner == f"{name}_owner"
        assert f"CREATE DATABASE {name} OWNER {owner};" in init
        assert f"CREATE ROLE {runtime} LOGIN" in init
        assert compose["services"]["postgres"]["environment"]["POSTGRES_USER"] not in (runtime, owner)
