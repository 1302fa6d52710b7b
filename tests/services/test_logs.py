import hashlib
import logging

import pytest

from core.logs import setup_logging


@pytest.fixture
def app_logging(isolated_data):
    setup_logging(isolated_data)
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_gogaek", False)]:
        root.removeHandler(handler)
        handler.close()


def test_secrets_never_reach_the_log_file(isolated_data, app_logging):
    digest = hashlib.sha512(b"centrex-password").hexdigest()
    log = logging.getLogger("gogaek.test")
    log.warning("centrex request id=07012345678&pass=%s failed", digest)
    log.warning("stored hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA for kim")
    log.warning("callback /centrex/ring?token=abcdef123456 answered")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (isolated_data / "logs" / "gogaek.log").read_text(encoding="utf-8")
    assert "centrex request" in text and "id=07012345678" in text
    assert digest not in text and "$argon2id$" not in text and "abcdef123456" not in text
