"""The verification page as a citizen meets it: a phone's browser opening the QR code's address.

A real ``docgen serve`` (uvicorn) on loopback and Debian's headless ``chromium`` driven by
Selenium through Debian's ``chromedriver``; nothing is downloaded (Selenium Manager is skipped
by naming the driver). Screenshots land in ``test-artifacts/`` at the repository root so a
reviewer (or CI) can look at what the phone showed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, require

from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import Workspace
from docgen.register import Register

ARTIFACTS = REPO / "test-artifacts"
PHONE = {"width": 390, "height": 844, "pixelRatio": 3}
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:
    """Return once the server accepts connections; fail with its own output if it died or never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"docgen serve ended with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"docgen serve did not answer on port {port} within {seconds} s:\n{log.read_text(errors='replace')}")


@pytest.fixture
def issued(workspace: Workspace) -> dict[str, Any]:
    """A workspace with one Sertifikat Standar issued: its token, number and PDF."""
    ws = workspace
    result = generate(ws, "sertifikat-standar", get_kind("sertifikat-standar").dated_example())
    with Register.open(ws) as reg:
        token = reg.document(result.id).token
    assert token and result.number
    return {"ws": ws, "token": token, "number": result.number, "pdf": ws.root / result.path}


@pytest.fixture
def server(issued: dict[str, Any], tmp_path: Path) -> Iterator[str]:
    """``docgen serve`` on a free loopback port for the workspace; yields its base address."""
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env["DOCGEN_WORKSPACE"] = str(issued["ws"].root)
    docgen = Path(sys.executable).with_name("docgen")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(docgen), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
        )
    try:
        _wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[Any]:
    """Headless Debian chromium emulating a 390x844 phone, with a throw-away profile under tmp_path."""
    require("chromium", "chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",  # the tests may run as root (CI containers)
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        f"--window-size={PHONE['width']},{PHONE['height']}",
    ):
        options.add_argument(arg)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE, "userAgent": PHONE_AGENT})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: Any, name: str) -> Path:
    """Save what the phone shows under test-artifacts/ and prove it is a real picture."""
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / name
    png.unlink(missing_ok=True)
    assert driver.save_screenshot(str(png)), f"chromium could not save {name}"
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), f"{name} is not a PNG"
    assert len(data) > 10_000, f"{name} is only {len(data)} bytes: an empty page?"
    return png


def _no_sideways_scroll(driver: Any) -> None:
    width, inner = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];"
    )  # fmt: skip
    assert inner == PHONE["width"], f"the phone viewport is {inner} px wide, not {PHONE['width']}"
    assert width <= inner, f"the page is {width} px wide on a {inner} px phone: it scrolls sideways"


def _lines(driver: Any, element: Any) -> int:
    """How many lines an element's text takes, from its height and its line height."""
    height, line = driver.execute_script(
        "const s = getComputedStyle(arguments[0]);"
        "return [arguments[0].getBoundingClientRect().height, parseFloat(s.lineHeight)];",
        element,
    )
    return round(height / line)


def test_phone_reads_asli_and_a_tampered_upload_is_reported_diubah(
    issued: dict[str, Any], server: str, phone: Any, tmp_path: Path
) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    phone.get(f"{server}/verifikasi/{issued['token']}")
    assert phone.find_element(By.ID, "status").text.strip() == "ASLI"
    number = phone.find_element(By.XPATH, "//dt[.='Nomor']/following-sibling::dd[1]")
    assert number.text.strip() == issued["number"]
    assert _lines(phone, number) == 1, "the document number breaks over lines on a phone"
    _no_sideways_scroll(phone)
    _screenshot(phone, "verifikasi-ponsel-asli.png")

    original = issued["pdf"].read_bytes()
    middle = len(original) // 2
    tampered = tmp_path / "diubah.pdf"
    tampered.write_bytes(original[:middle] + bytes([original[middle] ^ 0x01]) + original[middle + 1 :])
    assert tampered.read_bytes() != original and len(tampered.read_bytes()) == len(original)

    phone.find_element(By.ID, "berkas-pdf").send_keys(str(tampered))
    before = phone.find_element(By.TAG_NAME, "html")
    phone.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()

    def replaced(driver: Any) -> bool:
        # Asked mid-navigation, Chromium answers either "stale element" or "node does not belong to
        # the document": both mean the form page is gone. Ignoring the second and asking again (as
        # this test did) waits for an answer that never changes, and times out.
        try:
            before.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(phone, 20).until(replaced)
    WebDriverWait(phone, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
    verdict = WebDriverWait(phone, 20).until(ready.presence_of_element_located((By.ID, "berkas")))

    assert verdict.text.startswith("DIUBAH"), verdict.text
    assert phone.find_element(By.ID, "status").text.strip() == "ASLI"  # the token is genuine; the file is not
    _no_sideways_scroll(phone)
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", verdict)
    _screenshot(phone, "verifikasi-ponsel-diubah.png")
