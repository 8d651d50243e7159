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
    assert set(compose["services"]) == {"rabbitmq", "postgres", *SCALABLE, "import-worker", "gateway"}


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


def test_plain_up_starts_only_the_servers_for_local_work(compose):
    # `docker compose up` is RabbitMQ and PostgreSQL alone; `--profile suite` adds the services.
    for name in ("rabbitmq", "postgres"):
        assert "profiles" not in compose["services"][name]
    for name in (*SCALABLE, "gateway"):
        assert compose["services"][name]["profiles"] == ["suite"]


def _published(service: dict) -> set[str]:
    """Ports as "host_ip:published:target", from compose v1's short strings or v2's long form."""
    return {port.split("/")[0] if isinstance(port, str)
            else f"{port.get('host_ip', '')}:{port['published']}:{port['target']}"
            for port in service.get("ports", [])}


def test_servers_publish_their_ports_on_loopback_only_for_dev(compose):
    assert "127.0.0.1:5672:5672" in _published(compose["services"]["rabbitmq"])
    assert "127.0.0.1:5432:5432" in _published(compose["services"]["postgres"])


def test_compose_refuses_to_start_the_gateway_without_a_jwt_secret():
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed")
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    result = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "JWT_SECRET" in result.stderr


def test_imports_run_in_a_worker_of_their_own_on_the_registry_database(compose):
    worker = compose["services"]["import-worker"]
    assert worker["command"] == ["python", "-m", "registry", "import-worker"]
    assert worker["build"]["args"]["SERVICE"] == "registry"
    assert worker["environment"]["DATABASE_URL"] == compose["services"]["registry"]["environment"]["DATABASE_URL"]
    assert worker["depends_on"]["registry"]["condition"] == "service_healthy"  # migrated by the registry
    assert "container_name" not in worker and "ports" not in worker  # --scale import-worker=N
    procfile = (ROOT / "Procfile").read_text()
    assert "import-worker: python -m registry import-worker" in procfile


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
