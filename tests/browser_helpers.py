"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by its
``chromedriver`` through Selenium, with the network cut off from the page.

Nothing here downloads anything: the binaries are given explicitly, so Selenium Manager never
runs. ``.ci/run`` installs the Debian packages (``chromium``, ``chromium-driver`` and a CJK font
for the screenshots).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW = (1280, 900)

#: Flags: headless, nothing phoning home, and no network for the page. Every http(s) request
#: goes to a proxy on a closed local port (tile requests fail at once with
#: ``net::ERR_PROXY_CONNECTION_FAILED``), and any name that would still be resolved is not found.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--lang=zh-CN",
    "--force-device-scale-factor=1",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)

#: Installed before any page script runs (CDP ``Page.addScriptToEvaluateOnNewDocument``):
#: uncaught errors and unhandled promise rejections land in ``window.__covErrors``.
ERROR_COLLECTOR = """
window.__covErrors = [];
window.addEventListener('error', function (e) {
  if (e.target && e.target !== window && (e.target.src || e.target.href)) {
    return;  // a resource (tile image) that failed to load: not a script error
  }
  window.__covErrors.push(String(e.message || e.type) + ' at ' + (e.filename || '?') + ':'
    + (e.lineno || '?') + ':' + (e.colno || '?'));
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__covErrors.push('unhandled rejection: ' + String(e.reason));
});
"""


def missing_browser(msg: str) -> None:
    """Fail in CI (``CI=true``), skip elsewhere: the policy of the real-data fixtures."""
    msg += " (Debian: apt-get install chromium chromium-driver; .ci/run does it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium session (``selenium.webdriver.Chrome``), closed afterwards."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing_browser("selenium is not installed (pip install -e '.[test]')")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (path.is_file() and os.access(path, os.X_OK)):
            missing_browser(f"{path} is missing: the browser tests need Debian's Chromium")

    profile = tempfile.mkdtemp(prefix="cov-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(10)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_COLLECTOR})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(
    check: Callable[[], Any], *, timeout: float = 10.0, interval: float = 0.05, what: str = ""
) -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what or check}")
        time.sleep(interval)


def is_network_failure(entry: dict[str, Any]) -> bool:
    """A console entry for a request the missing network refused (a basemap tile)."""
    return entry.get("source") == "network" and "net::ERR_" in entry.get("message", "")


def click_marker(driver: Any, css: str, *, timeout: float = 15.0) -> Any:
    """Click the element ``css`` once the map has stopped moving.

    On a loaded machine the opening zoom animation can still be running when a test clicks,
    and the animated canvas then takes the click; wait for the map to be idle and retry.
    """
    from selenium.common.exceptions import ElementClickInterceptedException
    from selenium.webdriver.common.by import By

    idle = (
        "var c = document.querySelector('.leaflet-container');"
        "return !!c && !c.classList.contains('leaflet-zoom-anim');"
    )
    # A pan (e.g. the opening fit) moves the marker without that class: wait until the element
    # stands still between two looks, so the click lands on it and not on the background.
    where = (
        "var e = document.querySelector(arguments[0]); if (!e) return null;"
        "var r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height];"
    )
    deadline = time.monotonic() + timeout
    while True:
        wait_for(lambda: driver.execute_script(idle), timeout=timeout, what="the map at rest")
        before = driver.execute_script(where, css)
        time.sleep(0.25)
        if before is None or driver.execute_script(where, css) != before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{css} never stood still")
            continue
        element = driver.find_element(By.CSS_SELECTOR, css)
        try:
            element.click()
            return element
        except ElementClickInterceptedException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
