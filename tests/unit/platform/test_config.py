from inklusi_platform.config import DEFAULT_AMQP_URI, database_url, service_config


def test_service_specific_url_wins_over_shared_one(tmp_path):
    env = {"REGISTRY_DATABASE_URL": "postgresql://x/registry", "DATABASE_URL": "postgresql://x/other",
           "DATA_DIR": str(tmp_path)}
    assert database_url("registry", env) == "postgresql://x/registry"
    assert database_url("notify", env) == "postgresql://x/other"


def test_defaults_to_own_sqlite_file_under_data_dir(tmp_path):
    url = database_url("funding", {"DATA_DIR": str(tmp_path / "d")})
    assert url == f"sqlite:///{tmp_path / 'd' / 'funding.db'}"
    assert (tmp_path / "d").is_dir()


def test_service_config_defaults_run_on_this_machine(tmp_path):
    config = service_config("training", {"DATA_DIR": str(tmp_path)})
    assert config["AMQP_URI"] == DEFAULT_AMQP_URI == "amqp://guest:guest@127.0.0.1:5672/"
    assert config["EVENT_MAX_ATTEMPTS"] == 5
    assert config["WEB_SERVER_ADDRESS"] == "0.0.0.0:8000"


def test_service_config_reads_numbers_from_environment(tmp_path):
    config = service_config("notify", {"DATA_DIR": str(tmp_path), "EVENT_MAX_ATTEMPTS": "3", "MAX_WORKERS": "4"})
    assert config["EVENT_MAX_ATTEMPTS"] == 3
    assert config["max_workers"] == 4
