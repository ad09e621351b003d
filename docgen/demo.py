"""``docgen demo``: a realistic morning of the Sub Bagian Umum, run on the current workspace.

It exercises every path a newcomer should see working (numbered letters, a draft numbered
after signature, delegation, a confidential prefix, an insert number, a voided number, PDF and
stamping, incoming letters with their dispositions) through the same pipeline the office uses,
then audits the register.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docgen.errors import RegisterAbsent, RenderError
from docgen.incoming import dispose, enter_incoming, finish, receive
from docgen.kinds import get_kind
from docgen.pdf import ColdConverter
from docgen.pipeline import Result, generate, number_document
from docgen.profile import Workspace
from docgen.register import CheckReport, Register, State, check_register
from docgen.register.opening import creation_refusal
from docgen.sertifikat import verify_certificate
from docgen.stamping import stamp_document
from docgen.verify import verify

__all__ = ["DemoReport", "run_demo"]


@dataclass
class DemoReport:
    """What the demo produced: each step's description with its result, and the audit."""

    steps: list[tuple[str, Result]] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    pdf_note: str = ""
    check: CheckReport | None = None


def _letter(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind("surat-keluar").example)
    data.update(changes)
    return data


def _requests(today: date) -> list[tuple[str, dict[str, Any]]]:
    day = today.isoformat()
    return [
        ("Undangan sosialisasi, ditandatangani Kepala Dinas", _letter(tanggal=day)),
        (
            "Pemberitahuan ke beberapa tujuan, a.n. Kepala Dinas oleh Sekretaris",
            _letter(
                tanggal=day,
                sifat="Segera",
                lampiran="3 lembar",
                hal="Pemberitahuan Jadwal Pengawasan Perizinan Berusaha",
                kepada=[
                    "Direktur PT Sumber Rejeki Abadi",
                    "Pimpinan CV Maju Bersama",
                    "Pemilik UD Sinar Pasuruan",
                ],
                di="PASURUAN",
                isi=[
                    "Sehubungan dengan pelaksanaan pengawasan perizinan berusaha berbasis risiko tahun "
                    f"{today.year}, bersama ini kami sampaikan jadwal kunjungan lapangan sebagaimana "
                    "terlampir.",
                    "Mohon kiranya Saudara dapat menyiapkan dokumen perizinan & bukti pemenuhan standar "
                    "usaha pada saat kunjungan.",
                ],
                penandatangan={"pejabat": "sekretaris", "sebagai": "a.n."},
                kka="500.16.6.5",
            ),
        ),
        (
            "Surat rahasia (awalan R.), Plt. Kepala Dinas",
            _letter(
                tanggal=day,
                sifat="Rahasia",
                lampiran=0,
                hal="Laporan Penanganan Pengaduan Masyarakat",
                kepada=["Inspektur Kota Pasuruan"],
                isi=["Bersama ini kami laporkan hasil penanganan pengaduan masyarakat bulan ini."],
                tembusan=[],
                penandatangan={"pejabat": "kabid-ptsp", "sebagai": "Plt."},
                kka="500.16.6.4",
            ),
        ),
    ]


def run_demo(workspace: Workspace, *, today: date | None = None) -> DemoReport:
    """Generate the sample letters into ``workspace`` and audit its register."""
    today = today or date.today()
    report = DemoReport()
    with _demo_register(workspace) as reg:
        for title, data in _requests(today):
            report.steps.append((title, generate(workspace, "surat-keluar", data, register=reg)))
        first = report.steps[0][1]

        draft = _letter(tanggal=today.isoformat(), hal="Permohonan Data Realisasi Investasi Triwulan IV")
        made = generate(workspace, "surat-keluar", draft, draft=True, register=reg)
        report.steps.append(("Konsep belum bernomor (nomor dikosongkan)", made))
        for state in (State.VERIFIED, State.SIGNED):
            reg.set_state(made.id, state)
        numbered = number_document(workspace, made.id, register=reg)
        report.steps.append(("Konsep yang diverifikasi, ditandatangani, lalu diberi nomor", numbered))

        kept = generate(workspace, "surat-keluar", _letter(tanggal=today.isoformat()), draft=True, register=reg)
        report.steps.append(("Konsep yang masih menunggu tanda tangan", kept))

        seq = next(n["seq"] for n in reg.numbers() if n["number"] == first.number)
        insert = generate(
            workspace,
            "surat-keluar",
            _letter(tanggal=today.isoformat(), hal="Surat susulan (nomor sisipan)"),
            insert_after=seq,
            register=reg,
        )
        report.steps.append(("Nomor sisipan untuk surat susulan", insert))

        wrong = generate(workspace, "surat-keluar", _letter(tanggal=today.isoformat()), register=reg)
        reg.void_number(wrong.number or "", reason="salah alamat, surat diganti", year=today.year)
        report.steps.append(("Surat yang kemudian dibatalkan (batal)", wrong))
        report.voided.append(wrong.number or "")
        _pdf_steps(workspace, reg, today, report)
        _incoming_steps(workspace, reg, today, report)
        _permit_steps(workspace, reg, today, report)
        report.check = check_register(reg)
    return report


def _demo_register(workspace: Workspace) -> Register:
    """The workspace's register; created only in a fresh clone (no register, backup or outbox document).

    ``make demo`` runs in a fresh clone of the repository, whose registers/ folder is empty. Anywhere
    a register may have lived, a missing one is refused like everywhere else, naming the backup.
    """
    try:
        return Register.open(workspace)
    except RegisterAbsent:
        # Missing (SQLite) or an empty database (PostgreSQL): only a fresh workspace gets a new one.
        if creation_refusal(workspace) is None:
            return Register.create(workspace)
        raise


def _permit_steps(workspace: Workspace, reg: Register, today: date, report: DemoReport) -> None:
    """The permit officers' chain (business map P6.1, P6.2): a BAP; its rekomendasi, issued by the
    OPD teknis on its own kop and filled from the BAP; the izin reklame filled from the rekomendasi;
    a Sertifikat Standar MT under the number OSS gave it, printed unverified, then verified on the
    BAP and re-issued. Nothing the register already holds is typed twice."""
    bap_data = get_kind("bap").dated_example(today)
    bap = generate(workspace, "bap", bap_data, register=reg)
    report.steps.append(("BAP pemeriksaan lapangan dengan foto (kesimpulan: sesuai)", bap))
    taken = ("bap", "tanggal_bap", "jenis_izin", "pemohon", "objek")  # what the rekomendasi takes from its BAP
    rek_data = {k: v for k, v in get_kind("rekomendasi").dated_example(today).items() if k not in taken}
    rek = generate(workspace, "rekomendasi", rek_data, register=reg, dasar=bap.number)
    report.steps.append(("Rekomendasi OPD teknis (kop dan nomor Dinas PUPR), diisi dari BAP", rek))
    permit = {"tanggal": today.isoformat(), "berlaku_dari": today.isoformat()}
    report.steps.append(
        ("Izin reklame (PDF dengan kode QR), diisi dari rekomendasi", generate(
            workspace, "izin", permit, register=reg, dasar=rek.number))
    )  # fmt: skip
    example = get_kind("sertifikat-standar").dated_example(today)
    run = len(reg.documents(kind="sertifikat-standar")) + 1  # OSS gives every certificate its own number
    certificate = example | {"nomor": f"{example['nib']}{run:04d}", "tingkat_risiko": "MT"}
    first = generate(workspace, "sertifikat-standar", certificate, register=reg)
    report.steps.append(("Sertifikat Standar risiko menengah tinggi bernomor OSS: belum terverifikasi", first))
    verified = verify_certificate(workspace, first.number or "", day=today, dasar=bap.number)
    report.steps.append(("Sertifikat yang sama diverifikasi atas dasar BAP dan dicetak ulang", verified))


def _incoming_steps(workspace: Workspace, reg: Register, today: date, report: DemoReport) -> None:
    """Two received letters: one disposed in two rounds, received and followed up; one waiting.

    Their numbers change with every run, so the demo can run again without being refused as
    the same letter entered twice.
    """
    run = len(reg.documents(kind="surat-masuk")) + 1
    first = enter_incoming(
        workspace,
        dict(
            get_kind("surat-masuk").example,
            nomor=f"600.4/{200 + run}/423.109/{today.year}",
            diterima=today.isoformat(),
            tanggal=today.isoformat(),
        ),
        register=reg,
    )
    report.steps.append(("Surat masuk dicatat di agenda, lembar disposisi kosong dicetak", first))
    agenda = first.number or ""
    dispose(
        workspace, agenda, units=["Pelayanan Terpadu"], instructions=["Proses lebih lanjut"], by="kadis",
        note="Mohon disiapkan data perizinan tahun berjalan.", today=today,
    )  # fmt: skip
    receive(workspace, agenda, by="AHMAD FAUZI, S.T.", today=today)
    second = dispose(
        workspace, agenda, units=["Pelayanan Terpadu"], instructions=["Siapkan bahan"], by="kabid-ptsp",
        note="Rekap data OSS per KBLI, paling lambat Jumat.", print_it=True, today=today,
    )  # fmt: skip
    if second.sheet is not None:
        report.steps.append(("Disposisi dua putaran (Kepala Dinas, lalu Kepala Bidang)", second.sheet))
    receive(workspace, agenda, by="Staf Bidang PTSP", today=today)
    finish(workspace, agenda, follow_up="Data dikirim kepada pengirim.", today=today)
    waiting = enter_incoming(
        workspace,
        {
            "dari": "Badan Pengelolaan Keuangan dan Aset Daerah Kota Pasuruan",
            "nomor": f"900.1.3.1/{80 + run}/423.202/{today.year}",
            "tanggal": today.isoformat(),
            "diterima": today.isoformat(),
            "hal": "Penyampaian Jadwal Pengajuan SPM Akhir Tahun",
            "kka": "900.1.3.1",
        },
        register=reg,
    )
    report.steps.append(("Surat masuk yang masih menunggu disposisi", waiting))


def _pdf_steps(workspace: Workspace, reg: Register, today: date, report: DemoReport) -> None:
    """PDF, stamping and verification, when LibreOffice is installed (DOCX works without it)."""
    try:
        converter = ColdConverter()
    except RenderError as exc:
        report.pdf_note = f"PDF dilewati: {exc}"
        return
    day = today.isoformat()
    made = generate(workspace, "surat-keluar", _letter(tanggal=day), pdf=True, converter=converter, register=reg)
    report.steps.append(("Surat dengan PDF (kode QR dan catatan verifikasi)", made))
    draft = generate(
        workspace, "surat-keluar", _letter(tanggal=day, hal="Undangan Rapat Koordinasi Tim Teknis"),
        draft=True, pdf=True, converter=converter, register=reg,
    )  # fmt: skip
    for state in (State.VERIFIED, State.SIGNED):
        reg.set_state(draft.id, state)
    printed = workspace.root / next(f["path"] for f in draft.files if f["role"] == "pdf")
    stamped = stamp_document(workspace, printed, "surat-keluar", doc_id=draft.id, register=reg, converter=converter)
    report.steps.append(("Surat bertanda tangan diberi nomor dan cap dinas (docgen stamp)", stamped))
    answer = verify(workspace, workspace.root / stamped.path)
    report.pdf_note = f"Pemeriksaan keaslian {stamped.path}: {answer.message}"
