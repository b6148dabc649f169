"""Browser tests: the app served on a free local port over a seeded SQLite file, driven in Debian's Chromium.

Run with `make e2e` (part of .ci/run). Screenshots land in tests/e2e/screenshots/ (ignored by git).
"""
from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from awards import create_app
from awards.config import Config

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo served on a free port. The environment names the same database, folders and address, because the
    certificate job runs in a worker process of its own (``python -m awards.decisions.jobs``), which builds its app
    from the environment exactly as it does behind ``make run``."""
    os.environ.setdefault("AWARDS_ENV", "development")
    db_file = tmp_path_factory.mktemp("e2e") / "e2e.db"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", f"sqlite:///{db_file}")
        env.setenv("AWARDS_INSTANCE", str(db_file.parent))
        env.setenv("PUBLIC_BASE_URL", base_url)

        class E2EConfig(Config):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"
            UPLOAD_DIR = str(db_file.parent / "uploads")
            DOCUMENT_DIR = str(db_file.parent / "documents")
            PUBLIC_BASE_URL = base_url  # what the certificates' QR codes print
            JOBS_INLINE = False  # the certificate job runs in a worker process, as in production
            RATELIMIT_STORAGE_URI = "memory://"

        app = create_app(E2EConfig)
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield base_url
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page_for(browser, live_server):
    """``page_for("proposer", width=390)`` → a signed-in page in its own browser context."""
    contexts = []

    def _open(username: str, *, width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        return page

    yield _open
    for context in contexts:
        context.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
