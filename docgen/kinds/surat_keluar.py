"""Surat keluar: the outgoing official letter (surat dinas), DOMAIN.md section 4.

The office gives these letters their number after the Kepala Dinas signs, so the kind is
numbered "at signature"; ``docgen new`` without ``--draft`` numbers at once for letters
that are already signed or need no signature round.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from docgen.kinds.base import (
    Kind,
    Kka,
    Lampiran,
    Penandatangan,
    Request,
    Summary,
    Tanggal,
    Teks,
    TeksList,
    signer_context,
    signer_label,
)
from docgen.profile import Profile
from docgen.text import tanggal

__all__ = ["KIND", "SuratKeluar", "body_items"]

# "hari/tanggal : Senin, 7 Desember 2026": a short label starting with a letter, a colon, a value.
# The label is kept short and free of sentence punctuation so a sentence with a colon in it
# ("Adapun acaranya sebagai berikut: ...") stays a sentence.
_LABEL_LINE = re.compile(r"^\s*(\w[^:;,.!?\n]{0,29}?)\s*:\s*(\S.*?)\s*$")


class SuratKeluar(Request):
    """An outgoing letter request; field names are the office's own terms."""

    tanggal: Tanggal
    sifat: Literal["Biasa", "Segera", "Sangat Segera", "Rahasia"] = "Biasa"
    lampiran: Lampiran = Lampiran()
    hal: Teks
    kepada: TeksList = Field(min_length=1)
    di: Teks = "Tempat"
    isi: TeksList = Field(min_length=1)
    tembusan: TeksList = Field(default_factory=list)
    penandatangan: Penandatangan
    kka: Kka | None = None

    @field_validator("penandatangan")
    @classmethod
    def _delegation_needs_another_person(cls, v: Penandatangan, info: Any) -> Penandatangan:
        profile: Profile | None = (info.context or {}).get("profile")
        if profile is not None and v.sebagai and v.pejabat == profile.head:
            raise ValueError(f"'{v.sebagai}' dipakai bila yang menandatangani bukan kepala ({profile.head})")
        return v


def body_items(paragraphs: list[str]) -> list[dict[str, Any]]:
    """``isi_butir``, the body as the shipped template prints it: ``{teks}`` paragraphs and ``{baris}`` blocks.

    Two or more consecutive typed lines that are each "label : value" (the undangan's
    hari/tanggal, pukul, tempat, acara) become one ``{"baris": [(label, value), ...]}`` block,
    printed as aligned columns; the other lines of the paragraph stay ``{"teks": ...}``, justified,
    their typed line breaks kept. Why here and not in the template: Word cannot tell a label line
    from a sentence, and a justified paragraph stretches such lines edge to edge.
    """
    items: list[dict[str, Any]] = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        start = 0
        while start < len(lines):
            end = start
            while end < len(lines) and _LABEL_LINE.match(lines[end]):
                end += 1
            if end - start >= 2:
                rows = [_LABEL_LINE.match(line).groups() for line in lines[start:end]]  # type: ignore[union-attr]
                items.append({"teks": "", "baris": rows})
                start = end
                continue
            end = start + 1
            while end < len(lines) and not _starts_label_block(lines, end):
                end += 1
            items.append({"teks": "\n".join(lines[start:end]), "baris": []})
            start = end
    return items


def _starts_label_block(lines: list[str], at: int) -> bool:
    return at + 1 < len(lines) and bool(_LABEL_LINE.match(lines[at]) and _LABEL_LINE.match(lines[at + 1]))


def _context(req: SuratKeluar, profile: Profile) -> dict[str, Any]:
    return {
        "tanggal": tanggal(req.tanggal),
        "tempat_tanggal": f"{profile.office.city}, {tanggal(req.tanggal)}",
        "sifat": req.sifat,
        "lampiran": req.lampiran.text(),
        "hal": req.hal,
        "kepada": list(req.kepada),
        "di": req.di,
        "isi": list(req.isi),  # as typed, for templates an office wrote before isi_butir existed
        "isi_butir": body_items(list(req.isi)),
        "tembusan": list(req.tembusan),
        "penandatangan": signer_context(req.penandatangan, profile),
        "kka": req.kka or "",
    }


def _summary(req: SuratKeluar, profile: Profile) -> Summary:
    return Summary(
        subject=req.hal,
        addressee="; ".join(req.kepada),
        doc_date=req.tanggal,
        signer=signer_label(req.penandatangan, profile),
        kka=req.kka,
        sifat=req.sifat,
    )


KIND = Kind(
    name="surat-keluar",
    title="Surat Keluar (surat dinas)",
    description="Surat dinas keluar; diberi nomor setelah ditandatangani Kepala Dinas.",
    model=SuratKeluar,
    template="surat-keluar.docx",
    series="surat-keluar",
    kka="500.16.7.2",
    numbered="signature",
    context=_context,
    summary=_summary,
    shown_as={"tanggal": ("tanggal", "tempat_tanggal"), "isi": ("isi", "isi_butir")},
    field_help={
        "tanggal": "tanggal surat, 2026-11-28",
        "sifat": "Biasa, Segera, Sangat Segera atau Rahasia",
        "lampiran": "jumlah lampiran: 2 atau '2 lembar'; kosong berarti '-'",
        "hal": "perihal surat",
        "kepada": "satu atau beberapa tujuan (Yth.)",
        "di": "tempat tujuan, mis. Tempat atau PASURUAN",
        "isi": "paragraf isi surat, satu butir per paragraf; baris 'label : nilai' berurutan (hari/tanggal, "
        "pukul, tempat, acara) dicetak sebagai kolom rata",
        "tembusan": "daftar tembusan (boleh kosong)",
        "penandatangan": "kunci pejabat di profil, atau {pejabat: sekretaris, sebagai: a.n.}",
        "kka": "kode klasifikasi arsip; kosong memakai bawaan jenis ini",
    },
    example={
        "tanggal": "2026-11-28",
        "sifat": "Biasa",
        "lampiran": "1 berkas",
        "hal": "Undangan Sosialisasi Perizinan Berusaha Berbasis Risiko",
        "kepada": ["Para Pelaku Usaha di Kota Pasuruan"],
        "di": "Tempat",
        "isi": [
            "Dalam rangka meningkatkan pemahaman pelaku usaha tentang perizinan berusaha "
            "berbasis risiko melalui sistem OSS RBA, kami mengundang Saudara untuk hadir pada "
            "kegiatan sosialisasi yang akan dilaksanakan pada hari Kamis, 3 Desember 2026, "
            "pukul 09.00 WIB, bertempat di Aula DPMPTSP Kota Pasuruan.",
            "Demikian atas perhatian dan kehadiran Saudara disampaikan terima kasih.",
        ],
        "tembusan": ["Wali Kota Pasuruan (sebagai laporan)", "Sekretaris Daerah Kota Pasuruan"],
        "penandatangan": "kadis",
        "kka": "500.16.7.2",
    },
)
