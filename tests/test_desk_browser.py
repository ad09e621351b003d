"""The desk as the office uses it: a clerk, the head and a unit head clicking through a real Chromium.

A real ``docgen meja`` (uvicorn) on loopback, Debian's headless ``chromium`` driven by Selenium
through Debian's ``chromedriver``. One letter comes in, is disposed and followed up; one outgoing
letter is drafted, refused once for an empty field, verified, signed, and numbered by uploading
its signed scan. Every page is saved under ``test-artifacts/meja-<step>.png`` for a reviewer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import pdf_page_qr, render_page, require, verification_url
from test_serve_browser import ARTIFACTS, _free_port, _no_sideways_scroll, _screenshot, _wait_for_port

from docgen.profile import Workspace
from docgen.register import Register
from docgen.register.users import add_user

DESKTOP = (1280, 900)
PHONE = (390, 844)
#: --no-sandbox: the tests may run as root (CI containers)
CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                 "--window-size={},{}".format(*DESKTOP))  # fmt: skip
PASSWORD = "sandi-uji-meja-2026"
UNIT = "Kepala Bidang Pelayanan Terpadu Satu Pintu"
#: username -> (full name, role, unit)
STAFF = {
    "siti": ("Siti Aminah", "umum", ""),
    "kadis": ("Ahmad Kadis", "pimpinan", ""),
    "budi": ("Budi Santoso", "bidang", UNIT),
}


@pytest.fixture
def office(workspace: Workspace) -> Workspace:
    """The shipped workspace with a clerk, the head and the unit head's accounts."""
    with Register.open(workspace) as reg:
        for username, (name, role, unit) in STAFF.items():
            add_user(reg, username, name, [role], PASSWORD, unit=unit)
    return workspace


@pytest.fixture
def desk(office: Workspace, tmp_path: Path, processes: list[subprocess.Popen]) -> str:
    """``docgen meja`` on a free loopback port; its base address as the browser opens it.

    ``localhost``, not ``127.0.0.1``: Chromium keeps a ``Secure`` cookie from plain http on
    localhost, so the shipped ``cookie_secure = true`` stays as the office gets it.
    """
    port = _free_port()
    log = tmp_path / "meja.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env["DOCGEN_WORKSPACE"] = str(office.root)
    docgen = Path(sys.executable).with_name("docgen")
    with log.open("wb") as out:
        processes.append(
            subprocess.Popen(
                [str(docgen), "meja", "--host", "127.0.0.1", "--port", str(port)],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
            )
        )  # fmt: skip
    _wait_for_port(port, processes[-1], log)
    return f"http://localhost:{port}"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Debian chromium at desktop size, with a throw-away profile under tmp_path."""
    require("chromium", "chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (*CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(
        service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    driver.set_page_load_timeout(30)
    _viewport(driver, DESKTOP)
    try:
        yield driver
    finally:
        driver.quit()


def _viewport(driver: Any, size: tuple[int, int]) -> None:
    """The page's viewport exactly ``size`` (a headless window's outer size leaves it a little off)."""
    width, height = size
    mobile = width < 600
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 3 if mobile else 1, "mobile": mobile},
    )


def _scan(path: Path, text: str) -> Path:
    """A one-page A4 PDF such as the office's scanner makes (text instead of a picture)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(25 * mm, A4[1] - 60 * mm, text)
    canvas.showPage()
    canvas.save()
    return path


class Person:
    """One person at the browser: what they type and click, and what the page then shows."""

    def __init__(self, driver: Any, base: str) -> None:
        self.driver, self.base = driver, base

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        """Click and wait until the next page replaced this one (every desk button posts a form)."""
        element = self.find(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        self._to_next_page(element)

    def _to_next_page(self, element: Any) -> None:
        from selenium.common.exceptions import WebDriverException

        page = self.find("html")
        element.click()

        def replaced(driver: Any) -> bool:
            # Asked mid-navigation, Chromium may answer "Node ... does not belong to the document"
            # instead of "stale element": both mean the old page is gone.
            try:
                page.is_enabled()
            except WebDriverException:
                return True
            return False

        self.wait(replaced)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def wait(self, condition: Any, seconds: float = 60) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, seconds).until(condition)

    def type(self, css: str, text: str) -> None:
        element = self.find(css)
        element.clear()
        element.send_keys(text)

    def date(self, css: str, day: date) -> None:
        """A date input: typing into Chromium's date picker depends on the browser's locale, so set it."""
        self.driver.execute_script("arguments[0].value = arguments[1];", self.find(css), day.isoformat())

    def text(self, css: str = "main") -> str:
        return str(self.find(css).text)

    def flash(self) -> str:
        return " ".join(p.text for p in self.all("p.pesan"))

    def shot(self, step: str) -> None:
        _screenshot(self.driver, f"meja-{step}.png")

    def login(self, username: str) -> None:
        self.driver.get(f"{self.base}/masuk")
        self.type("#nama", username)
        self.type("#sandi", PASSWORD)
        self.click("#tombol-masuk")
        assert self.text("h1") == f"Selamat bekerja, {STAFF[username][0]}", self.text()

    def logout(self) -> None:
        self.click("form.keluar button[type=submit]")
        assert self.all("#tombol-masuk"), "Keluar did not lead back to the login page"

    def open_from_tray(self, tray: str, label: str) -> None:
        """On the home page, open ``label`` (an agenda number or 'konsep #id') from the named queue."""
        from selenium.webdriver.common.by import By

        sections = [s for s in self.all("section.antrian") if s.find_element(By.TAG_NAME, "h2").text.startswith(tray)]
        assert sections, f"no queue '{tray}' on {self.driver.current_url}: {self.text()}"
        links = [a for a in sections[0].find_elements(By.TAG_NAME, "a") if a.text == label]
        assert links, f"'{label}' is not in the queue '{tray}': {sections[0].text}"
        self._to_next_page(links[0])

    def fetch(self, url: str) -> bytes:
        """Download with this browser's session cookie, as the browser itself would."""
        cookie = self.driver.get_cookie("meja_sesi")
        assert cookie and cookie["httpOnly"] and cookie["secure"], cookie
        request = urllib.request.Request(url, headers={"Cookie": f"meja_sesi={cookie['value']}"})
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (a loopback address of the test)
            assert answer.status == 200
            return bytes(answer.read())


def _pdf_text(data: bytes, path: Path) -> str:
    from pypdf import PdfReader

    assert data.startswith(b"%PDF-"), data[:40]
    path.write_bytes(data)
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _numbers(ws: Workspace) -> int:
    with Register.open(ws) as reg:
        return len(reg.numbers())


def _doc_id(url: str) -> int:
    """The id in a document page's address, ``/dokumen/<id>``."""
    return int(urlsplit(url).path.split("/")[2])


def _incoming_letter(me: Person, tmp_path: Path) -> tuple[int, str]:
    """Step 1: the clerk enters a letter with its scan and prints the disposition sheet."""
    me.login("siti")
    me.shot("1-beranda-umum")
    me.click("nav a[href='/surat-masuk/baru']")
    me.type("#f-dari", "Dinas Lingkungan Hidup Kota Pasuruan")
    me.type("#f-nomor", "600.4/215/423.109/2026")
    me.date("#f-tanggal", date.today())
    me.type("#f-hal", "Permohonan Data Perizinan Usaha")
    me.find("#f-pindaian").send_keys(str(_scan(tmp_path / "surat-dlh.pdf", "Permohonan data perizinan")))
    me.shot("1-surat-masuk-isi")
    me.click("#simpan")
    agenda = me.text("#nomor")
    assert agenda and agenda != "belum bernomor"
    assert f"nomor agenda {agenda}" in me.flash()
    assert "Permohonan Data Perizinan Usaha" in me.text()
    doc_id = _doc_id(me.driver.current_url)
    me.shot("1-surat-masuk-tercatat")

    me.find("#cetak-lembar").click()  # the answer is the PDF itself, shown by the browser to print
    me.wait(lambda d: "/berkas/" in d.current_url and "lihat=1" in d.current_url)
    sheet = tmp_path / "lembar.pdf"
    text = _pdf_text(me.fetch(me.driver.current_url), sheet)
    assert "LEMBAR DISPOSISI" in text and agenda in text, text
    # headless Chromium has no PDF viewer to photograph: the artifact is the sheet's page itself
    render_page(sheet, 1, 100, ARTIFACTS / "meja-1-lembar-disposisi.png")
    me.driver.get(f"{me.base}/dokumen/{doc_id}")
    assert me.all("a[data-peran=disposisi]"), me.text("#berkas")
    me.logout()
    return doc_id, agenda


def _dispose(me: Person, agenda: str) -> None:
    """Step 2: the head finds the letter waiting and disposes it to the unit with an instruction."""
    me.login("kadis")
    me.shot("2-beranda-pimpinan")
    me.open_from_tray("Surat masuk belum didisposisi", agenda)
    me.find(f"input[name=kepada][value='{UNIT}']").click()
    me.find("input[name=harap][value='Proses lebih lanjut']").click()
    me.type("#catatan", "Segera siapkan datanya")
    me.shot("2-disposisi-isi")
    me.click("#disposisikan")
    assert f"Disposisi ke-1 agenda {agenda} dicatat" in me.flash()
    assert f"→ {UNIT}: Proses lebih lanjut (Segera siapkan datanya)" in me.text("ol.putaran")
    me.shot("2-disposisi-tercatat")
    me.logout()


def _follow_up(me: Person, agenda: str) -> None:
    """Step 3, on a phone: the unit head receives the disposition and records what was done."""
    _viewport(me.driver, PHONE)
    me.login("budi")
    me.open_from_tray(f"Disposisi untuk {UNIT} belum diterima", agenda)
    _no_sideways_scroll(me.driver)
    me.shot("3-disposisi-ponsel")
    me.click("#terima")
    assert "Disposisi ke-1 diterima oleh Budi Santoso" in me.flash()
    me.type("#tindak-lanjut", "Data perizinan dikirim lewat surel")
    me.click("#selesai")
    assert "Tindak lanjut disposisi ke-1 dicatat" in me.flash()
    assert "selesai: Data perizinan dikirim lewat surel" in me.text("ol.putaran")
    assert not me.all("#terima") and not me.all("#selesai")
    _no_sideways_scroll(me.driver)
    me.shot("3-tindak-lanjut-ponsel")
    me.logout()
    _viewport(me.driver, DESKTOP)


def _draft(me: Person, ws: Workspace) -> int:
    """Step 4: the clerk drafts an outgoing letter; an empty subject is shown at its input, nothing taken."""
    me.login("siti")
    me.click("a[href='/buat/surat-keluar']")
    me.date("#f-tanggal", date.today())
    me.type("#f-kepada", "Para Pelaku Usaha di Kota Pasuruan")
    me.type("#f-isi", "Dengan hormat, kami mengundang Saudara pada sosialisasi perizinan.")
    me.find("#f-penandatangan\\.pejabat option[value=kadis]").click()
    numbers = _numbers(ws)
    me.click("#simpan")
    assert me.text("#galat-hal") == "wajib diisi"
    assert me.find("#galat-hal").is_displayed()
    assert me.find("#f-kepada").get_attribute("value") == "Para Pelaku Usaha di Kota Pasuruan"  # typing kept
    assert _numbers(ws) == numbers, "a refused form took a number"
    me.shot("4-konsep-galat")
    me.type("#f-hal", "Undangan Sosialisasi Perizinan Berusaha")
    me.click("#simpan")
    assert "konsep dibuat" in me.flash()
    assert me.text("#nomor") == "belum bernomor"
    assert _numbers(ws) == numbers
    doc_id = _doc_id(me.driver.current_url)
    me.shot("4-konsep-dibuat")
    me.logout()
    return doc_id


def _approve(me: Person, doc_id: int) -> None:
    """Step 5: the head verifies the draft, then marks it signed."""
    me.login("kadis")
    me.open_from_tray("Konsep menunggu verifikasi", f"konsep #{doc_id}")
    me.click("#ke-verified")
    assert me.text("#status") == "sudah diverifikasi", me.text("#status")
    me.shot("5-konsep-diverifikasi")
    me.click("#ke-signed")
    assert me.text("#status") == "sudah ditandatangani", me.text("#status")
    assert not me.all("#ke-signed") and not me.all("#unggah-ttd")  # numbering is the clerk's
    me.shot("5-konsep-ditandatangani")
    me.logout()


def _stamp(me: Person, ws: Workspace, doc_id: int, tmp_path: Path) -> None:
    """Step 6: the clerk uploads the signed scan; the letter gets its number, cap and QR code."""
    me.login("siti")
    me.open_from_tray("Sudah ditandatangani, menunggu nomor", f"konsep #{doc_id}")
    me.find("#berkas-ttd").send_keys(str(_scan(tmp_path / "ttd-basah.pdf", "Surat bertanda tangan basah")))
    me.click("#unggah-ttd")
    number = me.text("#nomor")
    assert number != "belum bernomor" and f"Pindaian diberi nomor {number}" in me.flash(), me.flash()
    assert me.text("#status") == "sudah bernomor"
    me.shot("6-surat-bernomor")

    stamped = tmp_path / "unduhan.pdf"
    links = me.all("a[data-peran=pdf]")
    assert len(links) == 1, me.text("#berkas")
    assert number in _pdf_text(me.fetch(links[0].get_attribute("href")), stamped)
    assert pdf_page_qr(stamped) == [verification_url(ws, doc_id)]
    me.logout()


def _who_did_what(ws: Workspace, doc_id: int) -> list[tuple[str, str]]:
    """Each event of the document as (action, the desk user it names), oldest first."""
    with Register.open(ws) as reg:
        return [(e["action"], json.loads(e["detail"] or "{}").get("pengguna", "")) for e in reg.events(doc_id)]


def test_a_letter_goes_round_the_office_and_a_draft_becomes_a_stamped_letter(
    office: Workspace, desk: str, browser: Any, tmp_path: Path
) -> None:
    require("pdftoppm", "zbarimg")
    me = Person(browser, desk)
    ARTIFACTS.mkdir(exist_ok=True)
    incoming_id, agenda = _incoming_letter(me, tmp_path)
    _dispose(me, agenda)
    _follow_up(me, agenda)
    draft_id = _draft(me, office)
    _approve(me, draft_id)
    _stamp(me, office, draft_id, tmp_path)

    incoming = _who_did_what(office, incoming_id)
    assert all(user for _, user in incoming), incoming
    assert ("document.created", "siti") in incoming and ("disposition.recorded", "kadis") in incoming
    assert [e for e in incoming if e[0] in ("disposition.received", "disposition.done")] == [
        ("disposition.received", "budi"),
        ("disposition.done", "budi"),
    ]
    outgoing = _who_did_what(office, draft_id)
    assert all(user for _, user in outgoing), outgoing
    assert [e for e in outgoing if e[0] in ("document.created", "state.changed", "number.issued")] == [
        ("document.created", "siti"),
        ("state.changed", "kadis"),  # verified
        ("state.changed", "kadis"),  # signed
        ("number.issued", "siti"),
        ("state.changed", "siti"),  # numbered, with the stamped scan
    ]
