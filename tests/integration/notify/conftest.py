"""Real local servers for notify's channels: an SMTP server (aiosmtpd, in its own process, writing a
Maildir) and HTTP servers (pytest-httpserver) standing in for WhatsApp's Cloud API and an SMS gateway."""
import mailbox
import selectors
import socket
import socketserver
import subprocess
import sys
import time

import pytest
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from notify.settings import settings_from
from tests.support.web import free_port

# pytest-httpserver is loaded (as a plugin) before the suite's eventlet monkey patch, so socketserver
# kept the real poll selector, which would block every green thread; give it the patched one.
socketserver._ServerSelector = selectors.SelectSelector

PHONE_NUMBER_ID = "1098765"
TOKEN = "uji-token"


class SmtpServer:
    def __init__(self, port: int, maildir):
        self.port = port
        self.maildir = maildir

    def messages(self) -> list:
        return list(mailbox.Maildir(self.maildir, create=False))


@pytest.fixture
def smtp_server(tmp_path):
    port, maildir = free_port(), tmp_path / "maildir"
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the test SMTP server did not start") from None
            time.sleep(0.1)
    yield SmtpServer(port, maildir)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def notify_settings(smtp_server, httpserver):
    """Settings pointing every channel at the local servers, with short backoffs."""
    def make(**overrides):
        config = {
            "NOTIFY_SMTP_HOST": "127.0.0.1", "NOTIFY_SMTP_PORT": smtp_server.port,
            "NOTIFY_WHATSAPP_BASE_URL": httpserver.url_for("/v21.0"),
            "NOTIFY_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "NOTIFY_WHATSAPP_TOKEN": TOKEN,
            "NOTIFY_SMS_URL": httpserver.url_for("/sms/send"), "NOTIFY_SMS_TOKEN": TOKEN,
            "NOTIFY_RETRY_BASE_SECONDS": 0.01, "NOTIFY_RETRY_MAX_SECONDS": 0.05,
            "NOTIFY_PROVIDER_TIMEOUT_SECONDS": 5, "NOTIFY_QUIET_HOURS": "00:00-00:00",
        }
        config.update(overrides)
        return settings_from(config)

    return make


@pytest.fixture
def notify_sessions(pg_database):
    engine = make_engine(pg_database("notify"))
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()
