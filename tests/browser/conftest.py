"""The Voilà app in a real browser (Debian's Chromium driven by Playwright).

A session fixture serves ``notebooks/`` with Voilà on a free port of
127.0.0.1 — exactly as ``make app`` does — and stops it at the end. Tests are
skipped, with the reason, when Chromium or Playwright is not installed (CI
installs both). Playwright never downloads a browser here: it drives the
system Chromium.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
#: Screenshots of every page (test artifacts, not committed).
SCREENSHOTS = ROOT / "out" / "screenshots"
CHROMIUM = Path(os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium"))
#: How long to wait for a page's kernel to start and run its notebook, ms.
PAGE_TIMEOUT = 90_000


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"браузерные тесты пропущены: нет Chromium ({CHROMIUM}); "
            "установите пакет chromium (apt-get install chromium)"
        )
    for mod, pkg in (
        ("playwright", "playwright"),
        ("pytest_playwright", "pytest-playwright"),
        ("voila", "voila"),
    ):
        if importlib.util.find_spec(mod) is None:
            return f"браузерные тесты пропущены: не установлен {pkg} (pip install -e '.[dev]')"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason is None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of a Voilà server over ``notebooks/`` (127.0.0.1 only, tracebacks hidden)."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("voila") / "voila.log").open("w")
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    proc = subprocess.Popen(
        [
            voila,
            str(NOTEBOOKS),
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={port}",
            "--show_tracebacks=False",
            "--strip_sources=True",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as r:  # local server only
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail(f"Voilà did not start; see {log.name}")
        time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium (never a downloaded one), offline-friendly flags."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 1000},
        "locale": "ru-RU",
        "accept_downloads": True,
    }


@pytest.fixture
def shot():
    """``shot(page, name)`` writes a full-page screenshot to ``out/screenshots/name.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        # Voilà scrolls inside a container, so grow the viewport to the content first.
        size = page.viewport_size
        height = page.evaluate(
            "Math.max(0, ...Array.from(document.querySelectorAll('body *')).filter(e => "
            "e.clientHeight >= 0.9 * window.innerHeight && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))"
            ".map(e => e.scrollHeight))"
        )
        page.set_viewport_size(
            {"width": size["width"], "height": min(max(int(height) + 40, size["height"]), 8000)}
        )
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(size)
        return path

    return take
