"""Browser fixtures for the web chat widget (``web/``).

Reusable by any test that drives the built page in headless Chromium (Selenium +
Debian's ``chromium`` / ``chromium-driver``, see ``scripts/install_browser.sh``):

- ``widget_dist``: builds ``web/dist`` once per session (``scripts/build_web.sh``);
- ``serve_widget``: ``serve_widget(socket_url) -> page URL`` runs ``web/serve.py``
  in a thread with that Rasa URL in ``config.js``;
- ``browser``: a fresh headless Chromium (own empty profile), closed after the test;
- ``ChatPage``: typing, sending and reading messages the way a person does.

Without ``/usr/bin/chromium`` the browser tests are skipped, unless ``CI`` is set:
then a missing browser (or selenium, or npm) is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WEB_DIR = REPO_ROOT / "web"
DIST_DIR = WEB_DIR / "dist"
OUTPUT_DIR = REPO_ROOT / "test-output"
CHROMIUM = Path(os.environ.get("PROA_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("PROA_CHROMEDRIVER", "/usr/bin/chromedriver"))

# The project's Rasa channel module (channels/) is imported from the work tree.
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))

DESKTOP_SIZE = (1024, 768)
PHONE_SIZE = (360, 640)

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--lang=fr-FR",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_unless_ci(reason: str) -> None:
    """Skips the test locally; under CI a missing tool is an error, not a skip."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a missing tool fails the browser tests)")
    pytest.skip(reason)


def assert_generated_up_to_date(script: str, name: str, needs: str, source: str, out: Path) -> None:
    """Runs the build's generator ``web/<script>`` into ``out`` (``--out``: never over the
    committed file) and checks that the committed ``web/src/generated/<name>`` is what it
    gives today; ``needs``, the npm package the generator imports (``npm ci`` when absent)."""
    committed = WEB_DIR / "src" / "generated" / name
    if shutil.which("npm") is None or shutil.which("node") is None:
        skip_unless_ci(f"npm is missing: web/src/generated/{name} cannot be regenerated")
    if not (WEB_DIR / "node_modules" / needs).is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB_DIR, check=True, timeout=600
        )
    result = subprocess.run(
        ["node", script, "--out", str(out)], cwd=WEB_DIR, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert committed.is_file(), f"run scripts/build_web.sh and commit web/src/generated/{name}"
    assert committed.read_text(encoding="utf-8") == (out / name).read_text(encoding="utf-8"), (
        f"{committed.relative_to(REPO_ROOT)} is out of date with {source}: run scripts/build_web.sh and commit it"
    )


# ---- page build and server -------------------------------------------------------


@pytest.fixture(scope="session")
def widget_dist() -> Path:
    """``web/dist``, built (or found up to date) once per test session."""
    if shutil.which("npm") is None:
        if (DIST_DIR / "index.html").is_file():
            return DIST_DIR
        skip_unless_ci("npm is missing and web/dist is not built")
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "build_web.sh")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"scripts/build_web.sh failed:\n{result.stdout}\n{result.stderr}")
    return DIST_DIR


def load_serve_module() -> ModuleType:
    """``web/serve.py`` as a module (``web/`` is not a Python package)."""
    spec = importlib.util.spec_from_file_location("proa_web_serve", WEB_DIR / "serve.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def serve_module() -> ModuleType:
    return load_serve_module()


@pytest.fixture(scope="session")
def serve_widget(widget_dist: Path, serve_module: ModuleType) -> Iterator[Callable[[str | None], str]]:
    """``serve_widget(socket_url)`` serves the page on a free loopback port, returns its URL."""
    serve = serve_module
    servers: list[Any] = []

    def start(socket_url: str | None) -> str:
        server = serve.make_server("127.0.0.1", 0, widget_dist, socket_url, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host}:{port}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# ---- browser ------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A headless Chromium driven by Selenium, with a new empty profile."""
    if not CHROMIUM.is_file():
        skip_unless_ci(f"{CHROMIUM} is missing: run scripts/install_browser.sh")
    if not CHROMEDRIVER.is_file():
        skip_unless_ci(f"{CHROMEDRIVER} is missing: run scripts/install_browser.sh")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        skip_unless_ci("the Python package selenium is not installed")

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument(f"--window-size={DESKTOP_SIZE[0]},{DESKTOP_SIZE[1]}")
    # A path for the driver keeps Selenium Manager (which downloads) out of the way.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    set_viewport(driver, *DESKTOP_SIZE)
    try:
        yield driver
    finally:
        driver.quit()


def set_viewport(driver: Any, width: int, height: int, mobile: bool = False) -> None:
    """Exact CSS viewport (headless window sizes include no page area guarantee)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile},
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": mobile})


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


class ChatPage:
    """The widget as a person uses it: type, press Enter, read the bubbles."""

    BOT = "#messages .msg--bot:not(.msg--intro)"
    USER = "#messages .msg--user"

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    # -- navigation
    def open(self, wait_connected: bool = True) -> ChatPage:
        self.driver.get(self.url)
        if wait_connected:
            self.wait_status("online")
        return self

    def reload(self, wait_connected: bool = True) -> ChatPage:
        self.driver.refresh()
        if wait_connected:
            self.wait_status("online")
        return self

    # -- elements
    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def bot_messages(self) -> list[Any]:
        return self.find_all(self.BOT)

    def user_messages(self) -> list[Any]:
        return self.find_all(self.USER)

    def user_texts(self) -> list[str]:
        """What the person sent, as shown (without the screen-reader prefix)."""
        return [e.text for e in self.find_all(self.USER + " .msg__text")]

    def seen_text(self, element: Any) -> str:
        """Text a sighted person reads in ``element`` (screen-reader-only parts left out)."""
        return str(
            self.driver.execute_script(
                "const c = arguments[0].cloneNode(true);"
                "c.querySelectorAll('.sr-only').forEach((n) => n.remove());"
                "return c.textContent.replace(/\\s+/g, ' ').trim();",
                element,
            )
        )

    def status(self) -> str:
        return str(self.find("#connection-status").get_attribute("data-state"))

    def status_text(self) -> str:
        return str(self.find("#connection-status").text)

    # -- actions
    def ask(self, text: str) -> int:
        """Types ``text`` and presses Enter; returns the number of bot messages before."""
        from selenium.webdriver.common.keys import Keys

        before = len(self.bot_messages())
        field = self.find("#message-input")
        field.click()
        field.send_keys(text)
        field.send_keys(Keys.ENTER)
        return before

    # -- waiting
    def wait(self, condition: Callable[[], Any], timeout: float = 10.0, message: str = "") -> Any:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except Exception as error:  # stale elements while the page updates
                last_error = error
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout}s: {message or condition}") from last_error

    def wait_status(self, state: str, timeout: float = 15.0) -> None:
        self.wait(lambda: self.status() == state, timeout, f"status {state!r}, is {self.status()!r}")

    def wait_bot(self, before: int, timeout: float = 10.0) -> Any:
        """Waits for a new bot message after ``before`` of them; returns the newest."""
        self.wait(lambda: len(self.bot_messages()) > before, timeout, "a new bot message")
        return self.bot_messages()[-1]

    def wait_idle(self, seconds: float = 0.6) -> None:
        """Lets queued bot messages settle (the widget holds plain texts 250 ms)."""
        time.sleep(seconds)

    # -- output
    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        return path

    def set_phone_viewport(self, width: int = PHONE_SIZE[0], height: int = PHONE_SIZE[1]) -> None:
        """Emulates a phone screen (CSS pixels, touch, device scale 2)."""
        set_viewport(self.driver, width, height, mobile=True)


@pytest.fixture
def chat_page_factory(browser: Any) -> Callable[[str], ChatPage]:
    return lambda url: ChatPage(browser, url)
