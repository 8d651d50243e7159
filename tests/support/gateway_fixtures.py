"""Fixtures of a running gateway on the real RabbitMQ and PostgreSQL, with one account per role (a pytest plugin)."""
import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import sessionmaker

from gateway import accounts
from gateway.access import passwords
from gateway.access.roles import RoleBook
from gateway.service import GatewayService
from inklusi_platform.engines import make_engine
from tests.support.web import WebSession

PASSWORD = "kata-sandi-uji-123"
JWT_SECRET = "test-secret-0123456789-abcdef-0123456789"

# username -> (org, roles, areas)
USERS = {
    "admin": ("lingkar-sosial", ["admin"], []),
    "staf_lawang": ("lingkar-sosial", ["ngo_staff"], ["35.07.25"]),
    "ppd_malang": ("ppd-kemensos", ["ppd_companion"], ["35.07"]),
    "dinsos_batu": ("dinsos-kota-batu", ["dinsos_officer"], ["35.79"]),
    "approver": ("ppd-kemensos", ["kemensos_approver"], []),
    "fomi": ("fomi", ["forum_viewer"], []),
}


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    # argon2's defaults cost ~50 ms and 64 MiB per hash; tests hash hundreds of times.
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def gateway_db(pg_database):
    return pg_database("gateway")


@pytest.fixture
def seeded_accounts(gateway_db):
    engine = make_engine(gateway_db)
    session = sessionmaker(engine)()
    book = RoleBook.load()
    accounts.seed_organisations(session)
    accounts.create_organisation(session, "mitra-data", "Sistem Mitra", "partner_system")
    for username, (org, roles, areas) in USERS.items():
        accounts.create_user(session, book, username=username, full_name=username.title(), org_id=org,
                             roles=roles, areas=areas, password=PASSWORD)
    secret = accounts.create_client(session, book, client_id="mitra-1", name="Mitra", org_id="mitra-data",
                                    roles=["partner"], areas=[])
    session.commit()
    session.close()
    engine.dispose()
    return {"client_secret": secret}


@pytest.fixture
def gateway_config(make_config, gateway_db, web_address, tmp_path):
    # Its own DATA_DIR, so one test's audit spool is never written into another test's database.
    return make_config("gateway", gateway_db, WEB_SERVER_ADDRESS=web_address, JWT_SECRET=JWT_SECRET,
                       RPC_TIMEOUT_SECONDS=5, CORS_ORIGINS="", DATA_DIR=str(tmp_path / "gateway-data"))


@pytest.fixture
def gateway(container_factory, gateway_config, seeded_accounts):
    container = container_factory(GatewayService, gateway_config)
    container.start()
    return container


@pytest.fixture
def login(gateway, web_address):
    def token_for(username: str) -> str:
        with WebSession(f"http://{web_address}") as web:
            response = web.post("/v1/auth/token", json={"grant_type": "password", "username": username,
                                                        "password": PASSWORD})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    return token_for


@pytest.fixture
def as_user(login, web_address):
    """`as_user("dinsos_batu")` is an HTTP session carrying that user's token."""
    sessions = []

    def make(username: str) -> WebSession:
        web = WebSession(f"http://{web_address}")
        web.headers["Authorization"] = f"Bearer {login(username)}"
        sessions.append(web)
        return web

    yield make
    for web in sessions:
        web.close()
