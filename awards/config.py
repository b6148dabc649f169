"""Configuration read from the environment.

Production refuses to start without SECRET_KEY; development and demo mode (``AWARDS_ENV=development``,
set by ``make run``) generate a throwaway key kept in ``instance/`` so sessions survive a restart.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("AWARDS_INSTANCE", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """The environment does not describe a runnable application."""


def _dev_secret_key() -> str:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'awards.db'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    BOOTSTRAP_SERVE_LOCAL = True  # never a CDN: offices run on closed networks
    BOOTSTRAP_BOOTSWATCH_THEME = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    LOGIN_FAILURES_PER_MINUTE = 5
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = False

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
    # Generated files too large for the database (the certificates of a decision), under random names.
    DOCUMENT_DIR = str(INSTANCE_DIR / "documents")
    # The address printed in certificates' QR codes (jobs have no request to take it from).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    # Background jobs: RQ when REDIS_URL is set, else a local worker process; inline (in the request) in tests.
    JOBS_INLINE = False
    # Processes that lay out a large batch of certificates (chunks of 50 pages, merged). 1 (the job's own process)
    # is the fastest on this kind of 2-vCPU VM, whose vCPUs give no parallel speed-up; 2 pays off on two real cores
    # (docs/certificates.md, Speed).
    CERTIFICATE_WORKERS = int(os.environ.get("CERTIFICATE_WORKERS") or 1)

    API_TITLE = "Thi đua – Khen thưởng API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    PER_PAGE = 25

    # E-mail (reminder digests, awards/reminders/mail.py). Without MAIL_SERVER messages stay in the outbox table
    # and the log.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = (os.environ.get("MAIL_USE_TLS") or "").lower() in {"1", "true", "yes", "on"}
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or "thiduakhenthuong@localhost"
    MAIL_TIMEOUT = 30

    def __init__(self) -> None:
        self.ENV_NAME = os.environ.get("AWARDS_ENV", "production")
        self.DEVELOPMENT = self.ENV_NAME in {"development", "demo"}
        # Cookies travel over HTTPS only in production; `make run` serves plain HTTP on 127.0.0.1.
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = not self.DEVELOPMENT
        key = os.environ.get("SECRET_KEY")
        if not key:
            if not self.DEVELOPMENT:
                raise ConfigError("SECRET_KEY must be set outside development (AWARDS_ENV=development).")
            key = _dev_secret_key()
        self.SECRET_KEY = key


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None
    JOBS_INLINE = True
    MAIL_SERVER = None  # tests that send start their own SMTP stub

    def __init__(self) -> None:
        self.ENV_NAME, self.DEVELOPMENT = "test", True
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = False  # the test client speaks HTTP
        self.SECRET_KEY = "test-only-" + secrets.token_hex(8)
