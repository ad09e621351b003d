"""The inbox: which folder does which job, what is ignored, and where inputs end up.

Staff never type a command: they save a file into a shared folder. Each job folder says in its
BACA-SAYA.txt what belongs there; outcomes move into ``done/``, ``failed/`` or ``duplicate/``
beside the input, so the folder itself shows what happened.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from docgen.kinds import made_kinds
from docgen.profile import Workspace

__all__ = ["OUTCOME_DIRS", "SIDECAR_SUFFIXES", "Job", "create_inbox", "ignored", "jobs"]

OUTCOME_DIRS = ("done", "failed", "duplicate")
REQUEST_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
SIDECAR_SUFFIXES = (".yaml", ".yml", ".json")

# Names other programs leave while they work, and our own notes: never inputs.
IGNORED = (
    ".*",  # dotfiles, .~lock.*# (LibreOffice), our own .tmp files
    "~$*",  # Microsoft Office owner files
    "*.part",  # browsers, rsync --partial
    "*.tmp",
    "*.crdownload",  # Chrome downloads
    "*.swp",
    "*~",  # editor backups
    "Thumbs.db",
    "desktop.ini",
    "BACA-SAYA.txt",
    "*.error.txt",
    "*.duplikat.txt",
)


@dataclass(frozen=True)
class Job:
    """One watched folder: what it takes (``request``, ``stamp``, ``masuk``) and for which kind."""

    action: Literal["request", "stamp", "masuk"]
    kind: str
    folder: Path

    def tracks(self, path: Path) -> bool:
        """Inputs, and in PDF folders also their sidecars (they must settle before the PDF is taken)."""
        if self.accepts(path):
            return True
        return self.action != "request" and not ignored(path.name) and path.suffix.lower() in SIDECAR_SUFFIXES

    def accepts(self, path: Path) -> bool:
        if ignored(path.name):
            return False
        suffix = path.suffix.lower()
        return suffix in REQUEST_SUFFIXES if self.action == "request" else suffix == ".pdf"


def ignored(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in IGNORED)


def jobs(workspace: Workspace) -> list[Job]:
    inbox = workspace.root / "inbox"
    found = [Job("request", k.name, inbox / k.name) for k in made_kinds()]
    found += [Job("stamp", k.name, inbox / "stamp" / k.name) for k in made_kinds()]
    found.append(Job("masuk", "surat-masuk", inbox / "masuk"))
    return found


_README = {
    "request": """Folder ini untuk PERMINTAAN {kind}.

Simpan berkas permintaan di sini (YAML, JSON, atau CSV/XLSX dengan satu surat per baris).
docgen membuat surat bernomor dan menaruhnya di outbox/<tahun>/{kind}/.
Contoh isi berkas YAML: jalankan 'docgen kinds {kind} --example'.
Di CSV/XLSX, baris pertama berisi nama kolom; kolom daftar (kepada, isi, tembusan) dipisah
baris baru di dalam sel atau tanda |; penandatangan a.n. ditulis di kolom penandatangan.pejabat
dan penandatangan.sebagai.

Setelah diproses, berkas dipindah ke:
  done/       berhasil;
  failed/     gagal, dengan berkas .error.txt yang menjelaskan kesalahan dan cara memperbaikinya;
  duplicate/  berkas yang sama sudah pernah diproses (tidak diberi nomor lagi).
Simpan berkasnya sendiri: tautan (symlink/shortcut) dan folder tidak diproses, dipindah ke failed/.
Batas ukuran (baris, kolom, besar berkas) ada di bagian [limits] docgen.toml.
""",
    "stamp": """Folder ini untuk SURAT {kind} YANG SUDAH DITANDATANGANI (PDF hasil pindai atau ekspor).

Simpan PDF di sini, bersama berkas pendamping dengan nama yang sama (mis. surat.pdf dan surat.yaml):
  id: 12            bila surat sudah ada di register (konsep yang sudah ditandatangani), atau
  isi kolom permintaan seperti pada 'docgen kinds {kind} --example' untuk surat baru.
docgen memberi nomor (bila belum ada), kotak nomor, cap dinas, kode QR dan catatan verifikasi,
lalu menaruh salinan bercap di outbox. Berkas asli tidak diubah.

Setelah diproses, berkas dipindah ke done/, failed/ (dengan .error.txt) atau duplicate/.
Simpan berkasnya sendiri: tautan (symlink/shortcut) dan folder tidak diproses, dipindah ke failed/.
""",
    "masuk": """Folder ini untuk SURAT MASUK (PDF hasil pindai).

Simpan PDF pindaian di sini, bersama berkas pendamping dengan nama yang sama (mis. surat.yaml):
  dari: Dinas Lingkungan Hidup Kota Pasuruan
  nomor: 600.4/215/423.109/2026
  tanggal: 2026-11-20
  hal: Permohonan Data Perizinan
  kka: 500.16.7.2
docgen mencatatnya di agenda surat masuk (tanggal diterima: hari ini bila tidak diisi) dan
mencetak lembar disposisi di outbox/<tahun>/surat-masuk/.

Setelah diproses, berkas dipindah ke done/, failed/ (dengan .error.txt) atau duplicate/.
Simpan berkasnya sendiri: tautan (symlink/shortcut) dan folder tidak diproses, dipindah ke failed/.
""",
}


def create_inbox(workspace: Workspace) -> list[Job]:
    """Make every job folder with its outcome folders and its BACA-SAYA.txt (kept if edited)."""
    made = jobs(workspace)
    for job in made:
        for sub in OUTCOME_DIRS:
            (job.folder / sub).mkdir(parents=True, exist_ok=True)
        readme = job.folder / "BACA-SAYA.txt"
        if not readme.exists():
            readme.write_text(_README[job.action].format(kind=job.kind), encoding="utf-8")
    return made
