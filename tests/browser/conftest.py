"""The Voilà app in a real browser (Debian's Chromium driven by Playwright).

A session fixture serves ``notebooks/`` with Voilà on a free port of
127.0.0.1 — exactly as ``make app`` does — and stops it at the end. Tests are
skipped, with the reason, when Chromium or Playwright is not installed (CI
installs both). Playwright never downloads a browser here: it drives the
system Chromium.
"""

from __future__ import annotations

import importlib.util
import json
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
#: Seconds from navigation to the first usable control of every page visit (a test artifact).
TIMINGS = ROOT / "out" / "app_timings.txt"


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
            "--template=tandem",
        ],
        cwd=ROOT,
        env={**os.environ, "JUPYTER_PATH": str(ROOT / "share" / "jupyter")},
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
    _wait_for_preheated_pages(proc.pid, deadline=time.monotonic() + 180)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _pool_sizes() -> dict[str, int]:
    """Preheated kernels of each page set in ``voila.json`` ({} : a new kernel on every visit).

    ``VoilaConfiguration.default_pool_size`` for every page, unless
    ``VoilaKernelManager.kernel_pools_config`` names the page (or a ``default``).
    """
    path = ROOT / "voila.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    conf = raw.get("VoilaConfiguration", {})
    if not conf.get("preheat_kernel"):
        return {}
    pools = raw.get("VoilaKernelManager", {}).get("kernel_pools_config", {})
    default = int(pools.get("default", {}).get("pool_size", conf.get("default_pool_size", 1)))
    return {
        nb.name: int(pools.get(nb.name, {}).get("pool_size", default))
        for nb in sorted(NOTEBOOKS.glob("*.ipynb"))
    }


def _kernels_cpu(parent: int) -> tuple[int, int]:
    """Number of child processes of ``parent`` and their CPU time in clock ticks (Linux /proc)."""
    count = ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:  # ppid; utime and stime follow at 11 and 12
            count += 1
            ticks += int(fields[11]) + int(fields[12])
    return count, ticks


def _wait_for_preheated_pages(pid: int, deadline: float) -> None:
    """Let the preheated kernels run their notebooks before the first visit is timed.

    A person opens the app a while after ``make app``; the server has then started one
    kernel per page and run the page's notebook in it. Here: wait until the kernels of
    every page exist and their CPU time stops growing (a second without work).
    """
    expected = sum(_pool_sizes().values())
    if not expected or not Path("/proc/self/stat").exists():
        return
    last, quiet = -1, 0
    while time.monotonic() < deadline:
        count, ticks = _kernels_cpu(pid)
        quiet = quiet + 1 if count >= expected and ticks - last < 5 else 0
        if quiet >= 2:
            return
        last = ticks
        time.sleep(0.5)


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


@pytest.fixture(scope="session")
def app_timings():
    """Visits timed by :func:`open_page`; written to ``out/app_timings.txt`` at the end.

    The time is reported, not asserted: two shared cores make a timed
    assertion flaky, while the page working is asserted by every test.
    """
    rows: list[tuple[str, float]] = []
    yield rows
    if not rows:
        return
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Время от перехода на страницу до первого рабочего элемента, с",
        f"# Voilà: {_voila_mode()}; ядер процессора: {os.cpu_count()}, "
        f"средняя загрузка за минуту: {os.getloadavg()[0]:.1f}",
    ]
    seen: dict[str, int] = {}
    for notebook, seconds in rows:
        seen[notebook] = seen.get(notebook, 0) + 1
        lines.append(f"{notebook}\tпосещение {seen[notebook]}\t{seconds:.2f}")
    TIMINGS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))


def _voila_mode() -> str:
    sizes = _pool_sizes()
    if not sizes:
        return "новое ядро на каждое посещение"
    common = max(set(sizes.values()), key=list(sizes.values()).count)
    other = ", ".join(f"{nb}: {n}" for nb, n in sizes.items() if n != common)
    return f"прогретые ядра, по {common} на страницу" + (f" ({other})" if other else "")


def render(app_url: str, notebook: str) -> str:
    """The address of a notebook rendered as an app page."""
    return f"{app_url}/voila/render/{notebook}"


def open_page(page, app_url: str, notebook: str, ready, timings: list | None = None) -> float:
    """Go to ``notebook`` and wait until Voilà has run it and ``ready(page)`` is enabled.

    Parameters
    ----------
    page : playwright Page
    app_url : str
        The :func:`app_url` fixture.
    notebook : str
        File name in ``notebooks/``, e.g. ``"01_tandems.ipynb"``.
    ready : callable
        ``ready(page)`` → the Locator of the page's first usable control
        (a button, or a link on a page without widgets).
    timings : list, optional
        The :func:`app_timings` fixture: ``(notebook, seconds)`` is appended.

    Returns
    -------
    float
        Seconds from the start of navigation until the control is usable.
    """
    from playwright.sync_api import expect

    start = time.monotonic()
    page.goto(render(app_url, notebook), timeout=PAGE_TIMEOUT)
    control = ready(page)
    expect(control).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(control).to_be_enabled(timeout=PAGE_TIMEOUT)
    expect(page.locator("#loading")).to_be_hidden(timeout=PAGE_TIMEOUT)
    seconds = time.monotonic() - start
    if timings is not None:
        timings.append((notebook, seconds))
    return seconds


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
