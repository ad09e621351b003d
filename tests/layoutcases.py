"""Requests for the layout matrix: every kind, short and long, with the lengths a test varies.

Each request starts from the kind's own example and changes only what moves the layout: the
number of body paragraphs, tembusan and lampiran rows, and the length of names and values (the
longest a field's ``max_length`` allows, or a long but real value where the model sets none).
What a page must show (the signer's lines, the tembusan) is computed here from the profile and
the request, never read back from the code under test. Also here: the PNG pages the matrix
saves for people (test-artifacts/pages/), the grouped failure report, and the packet's attachments.
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import REPO, require_font
from layoutcheck import Finding
from pydantic import BaseModel

from docgen.kinds import get_kind
from docgen.kinds.keuangan import Penerima, Rincian
from docgen.kinds.permits import Objek, Reklame
from docgen.profile import Profile

ARTIFACTS = REPO / "test-artifacts" / "pages"

FILLER = (
    "dalam rangka meningkatkan pemahaman pelaku usaha tentang perizinan berusaha berbasis risiko melalui "
    "sistem OSS RBA, kami mengundang Saudara untuk hadir pada kegiatan sosialisasi di Aula DPMPTSP."
)
LONG_NAME = "PERSEROAN TERBATAS SUMBER REJEKI MAKMUR SENTOSA ABADI JAYA PERKASA NUSANTARA INDONESIA TIMUR"
# 130 letters: the longest place an object's alamat may hold (docgen.kinds.permits.Objek)
LONG_ADDRESS = (
    "Jalan Panglima Sudirman Nomor 145 Blok C-12, RT 003 RW 007, Kelurahan Purworejo, "
    "Kecamatan Purworejo, Kota Pasuruan, Jawa Timur"
)
LONG_PERSON = "Prof. Dr. Ir. H. MUHAMMAD ABDURRAHMAN WICAKSONO SETYO BUDI NUGROHO, S.H., M.Hum., M.Si."


def longest(model: type[BaseModel], name: str, fallback: str) -> str:
    """The longest value ``model.name`` takes: ``fallback`` cut or padded to its ``max_length``."""
    field = model.model_fields[name]
    limit = next((getattr(m, "max_length", None) for m in field.metadata if getattr(m, "max_length", None)), None)
    if limit is None:
        return fallback
    return (fallback + " " + fallback)[:limit].rstrip()


def marked(label: str, count: int) -> list[str]:
    """``count`` items, each opening with its own marker ("Butir 07") so a page shows which it holds."""
    return [f"{label} {i:02d} {FILLER}" for i in range(1, count + 1)]


def tembusan(count: int) -> list[str]:
    return [f"Kepala Perangkat Daerah Nomor {i:02d} Kota Pasuruan (sebagai laporan)" for i in range(1, count + 1)]


def anggota(count: int) -> list[dict[str, Any]]:
    """Lampiran rows written out in full, long names and NIPs of 18 digits."""
    return [
        {
            "pegawai": {
                "nama": f"ANGGOTA {i:02d} {LONG_PERSON}"[:90],
                "nip": f"1980{i:02d}122005011002"[:18],
                "jabatan": "Penata Perizinan Ahli Muda pada Bidang Pelayanan Terpadu Satu Pintu",
                "instansi": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan",
            },
            "jabatan_tim": "Anggota",
        }
        for i in range(1, count + 1)
    ]


def request(kind: str, *, body: int, copies: int, rows: int = 0, long: bool = False) -> dict[str, Any]:
    """The kind's example with ``body`` paragraphs, ``copies`` tembusan and ``rows`` lampiran rows."""
    data = copy.deepcopy(get_kind(kind).dated_example())
    model = get_kind(kind).model
    if kind == "surat-keluar":
        data["isi"] = marked("Butir", body)
        data["tembusan"] = tembusan(copies)
        if long:
            data["hal"] = longest(model, "hal", "Undangan Sosialisasi " + FILLER)
            data["kepada"] = [LONG_NAME, "Para Pelaku Usaha di Kota Pasuruan dan Sekitarnya"]
    elif kind == "keputusan":
        data["diktum"] = [
            *marked("Butir", max(body - 1, 1)),
            "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
        ]
        data["tembusan"] = tembusan(copies)
        if rows:
            data["lampiran"] = {"judul": data["lampiran"]["judul"], "anggota": anggota(rows)}
        if long:
            data["tentang"] = longest(model, "tentang", data["tentang"] + " dan " + FILLER)
    elif kind == "bap":
        data["temuan"] = marked("Butir", body)
        if long:
            data["pemohon"] = {
                **data["pemohon"],
                "nama": LONG_NAME,
                "alamat": LONG_ADDRESS,
                "penanggung_jawab": LONG_PERSON,
            }
            data["objek"] = {**data["objek"], "alamat": LONG_ADDRESS}
    elif kind == "rekomendasi":
        data["syarat"] = marked("Butir", body)
        data["tembusan"] = tembusan(copies)
        if long:
            data["pemohon"] = {
                **data["pemohon"],
                "nama": LONG_NAME,
                "alamat": LONG_ADDRESS,
                "penanggung_jawab": LONG_PERSON,
            }
    return data


def values(data: Any) -> Iterator[str]:
    """Every text a request holds: an ellipsis in one of them is the data's, not a cut."""
    if isinstance(data, dict):
        for value in data.values():
            yield from values(value)
    elif isinstance(data, list):
        for value in data:
            yield from values(value)
    elif data is not None:
        yield str(data)


def signer(profile: Profile, key: str) -> tuple[str, ...]:
    """An official's block: jabatan (with the agency when the position does not name it), name, NIP."""
    person = profile.officials[key]
    lines = [person.position]
    if person.agency and person.agency.casefold() not in person.position.casefold():
        lines.append(person.agency)
    return (*lines, person.name, person.rank, f"NIP {person.nip}", f"NIP. {person.nip}")


def every_official(profile: Profile) -> list[str]:
    return [line for key in profile.officials for line in signer(profile, key)]


def rincian(count: int, long: bool) -> tuple[list[dict[str, str]], int]:
    """``count`` rows of one million rupiah each, and their sum."""
    uraian = "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"
    rows = [
        {
            "kode_rekening": f"5.1.02.01.01.{24 + i:04d}",
            "uraian": longest(Rincian, "uraian", f"{uraian} {i:02d} dan Bahan Cetak Pelayanan Perizinan Terpadu")
            if long
            else f"{uraian} {i:02d}",
            "jumlah": "1000000.00",
        }
        for i in range(1, count + 1)
    ]
    return rows, 1_000_000 * count


def form_request(kind: str, *, long: bool, rows: int = 2) -> dict[str, Any]:
    """A drawn form's example, with its longest values and ``rows`` rincian rows when ``long``."""
    data = copy.deepcopy(get_kind(kind).dated_example())
    model = get_kind(kind).model
    if kind == "sertifikat-standar" and long:
        # another OSS number (one live print per number), the longest the profile's pattern takes, and MT's
        # longer statement
        data.update(nomor=data["nib"] + "-" + "9" * 17, tingkat_risiko="MT")
        data["nama_usaha"] = longest(model, "nama_usaha", LONG_NAME)
        data["alamat_usaha"] = longest(model, "alamat_usaha", LONG_ADDRESS)
        data["lokasi_usaha"] = longest(model, "lokasi_usaha", LONG_ADDRESS)
        data["judul_kbli"] = longest(model, "judul_kbli", "Restoran, Rumah Makan dan Penyediaan Makanan Keliling")
    elif kind in ("spp", "spj"):
        data["rincian"], total = rincian(rows, long)
        data["jumlah"] = f"{total}.00"
        if kind == "spj":  # the SPJ's lines: pagu and spending per kode rekening, this month's as the amount
            data["rincian"] = [
                {**{k: v for k, v in row.items() if k != "jumlah"}, "pagu": "5000000.00", "sd_bulan_lalu": "2500000.00",
                 "bulan_ini": row["jumlah"]}
                for row in data["rincian"]
            ]  # fmt: skip
            data["uang_persediaan"] = f"{total + 250_000}.00"
        elif long:
            data["keperluan"] = longest(model, "keperluan", "Pembayaran " + FILLER)
            data["penerima"] = {
                **data["penerima"],
                "nama": longest(Penerima, "nama", LONG_NAME),
                "bank": "Bank Pembangunan Daerah Jawa Timur Cabang Pasuruan",
            }
    return data


def spm_on(spp: dict[str, Any], number: str) -> dict[str, Any]:
    """The SPM example ordering what the SPP request ``spp`` (issued as ``number``) asked: same type,
    amount, payee and charging per kode rekening."""
    spm = copy.deepcopy(get_kind("spm").dated_example())
    spm.update(spp=number, jenis=spp["jenis"], jumlah=spp["jumlah"], keperluan=spp["keperluan"])
    spm.update(penerima=spp["penerima"], rincian=spp["rincian"])
    return spm


def spent_lines(spj: dict[str, Any]) -> list[dict[str, Any]]:
    """An SPJ request's month as the line items of the SPP GU it rests on: each kode rekening's
    spending this month (``bulan_ini``) as its amount."""
    return [
        {"kode_rekening": line["kode_rekening"], "uraian": line["uraian"], "jumlah": line["bulan_ini"]}
        for line in spj["rincian"]
    ]


def for_permit(data: dict[str, Any], profile: Any, jenis: str) -> dict[str, Any]:
    """``data`` (a BAP's or rekomendasi's) for a permit of ``jenis``: a board only where the type has one."""
    data["jenis_izin"] = jenis
    if not profile.izin[jenis].advertisement:
        data["objek"] = {k: v for k, v in data["objek"].items() if k != "reklame"}
    return data


def izin_request(jenis: str, basis: dict[str, Any] | None, *, long: bool, rekomendasi: str | None) -> dict[str, Any]:
    """An izin of ``jenis`` for the applicant and object of its rekomendasi (``basis``), when it needs one."""
    data = copy.deepcopy(get_kind("izin").dated_example())
    data["jenis"] = jenis
    if basis is not None:
        kept = ("nama", "alamat", "nib", "nik", "penanggung_jawab", "jabatan")
        data["pemohon"] = {k: v for k, v in basis["pemohon"].items() if k in kept}
        data["objek"] = copy.deepcopy(basis["objek"])
        data["rekomendasi"] = rekomendasi
    if jenis == "reklame":  # the shipped profile's advertisement type: its jenis and naskah
        data["objek"]["reklame"] = {"jenis": "papan/billboard", "naskah": "TOKO MAJU - Pusat Elektronik Kota Pasuruan"}
    if long:
        data["pemohon"] = {**data["pemohon"], "nama": LONG_NAME, "alamat": LONG_ADDRESS}
        data["objek"] = {
            **data["objek"],
            "uraian": longest(Objek, "uraian", "Objek " + FILLER),
            "alamat": longest(Objek, "alamat", LONG_ADDRESS),
        }
        if jenis == "reklame":
            data["objek"]["reklame"] = {
                "jenis": "berjalan/kendaraan",
                "naskah": longest(Reklame, "naskah", "Naskah " + FILLER),
            }
            data["objek"]["ukuran"] = {"panjang_m": 12.25, "lebar_m": 14.75, "tinggi_m": 18.5, "sisi": 4}
        data["syarat"] = marked("Ketentuan", 6)
    return data


def applicant(long: bool) -> dict[str, Any]:
    """The BAP and rekomendasi example's applicant, or the longest one."""
    pemohon = copy.deepcopy(get_kind("bap").example["pemohon"])
    if long:
        pemohon.update(nama=LONG_NAME, alamat=LONG_ADDRESS, penanggung_jawab=LONG_PERSON)
    return pemohon


def save_pages(pdf: Path, name: str) -> None:
    """test-artifacts/pages/<name>-<page>.png at 60 dpi, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / name)], check=True, timeout=120)
    for png in ARTIFACTS.glob(f"{name}-*.png"):  # pdftoppm pads the page number to the page count's width
        page = int(png.stem.rsplit("-", 1)[1])
        png.rename(ARTIFACTS / f"{name}-{page}.png")


def report(findings: dict[str, list[Finding]]) -> str:
    """Findings grouped by rule (how many documents, two examples each), then the first ones in full."""
    by_rule: dict[str, list[str]] = {}
    for case, found in findings.items():
        for finding in found:
            by_rule.setdefault(finding.rule, []).append(f"{case}: {finding}")
    summary = [f"- {rule}: {len(seen)}x, mis. " + " || ".join(seen[:2]) for rule, seen in by_rule.items()]
    return f"{len(findings)} dokumen dengan temuan tata letak:\n" + "\n".join(summary)


def attachment(path: Path, title: str, size_mm: tuple[float, float], pages: int = 1) -> None:
    """An attachment as the office scans it: on its own paper, its font embedded (the packet's
    rules are about what docgen prints, not about the papers it binds)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    if "LampiranSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("LampiranSans", str(require_font("LiberationSans-Regular.ttf"))))
    canvas = Canvas(
        str(path), pagesize=(size_mm[0] * 72 / 25.4, size_mm[1] * 72 / 25.4), initialFontName="LampiranSans"
    )
    for page in range(pages):
        canvas.setFont("LampiranSans", 12)
        canvas.drawString(72, 700, f"{title} halaman {page + 1}")
        canvas.showPage()
    canvas.save()


LS_ATTACHMENTS = ("pengantar", "ringkasan", "rincian", "spd", "kontrak", "ba-pemeriksaan", "ba-serah-terima",
                  "ba-pembayaran", "kwitansi", "faktur-pajak")  # fmt: skip
