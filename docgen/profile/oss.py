"""``[sertifikat_standar]``: how OSS numbers a Sertifikat Standar and what it prints per risk level.

OSS RBA owns the certificate's number and the ID proyek; the office only records them, so their
shapes are checked against patterns kept here (a change at OSS is a profile edit, not a release).
The legal basis and the statements of how a certificate is verified change with regulations.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from docgen.profile.section import Section

__all__ = ["OssSettings"]


class OssSettings(Section):
    """The Sertifikat Standar as OSS makes it (PP 5/2021 on risk-based business licensing)."""

    penerbit: str = Field("Lembaga OSS", min_length=1, description="Who gave the number, kept in the register.")
    pola_nomor: str = Field(
        r"\d{13}-?\d{4,17}",
        description="Regular expression the whole certificate number must match: the 13-digit NIB, then OSS's "
        "sequence (the public OSS documents give no fixed form; adjust to the office's printouts).",
    )
    nomor_awalan_nib: bool = Field(True, description="The number starts with the certificate's own NIB.")
    pola_id_proyek: str = Field(
        r"R-\d{21}",
        description="Regular expression of the ID proyek: OSS's interface gives 25 characters, 'R-' and 21 digits "
        "(R-20211214114021393XXXX).",
    )
    dasar_hukum: list[str] = Field(
        default_factory=lambda: [
            "Undang-Undang Nomor 6 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang "
            "Nomor 2 Tahun 2022 tentang Cipta Kerja menjadi Undang-Undang",
            "Peraturan Pemerintah Nomor 28 Tahun 2025 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko",
        ],
        min_length=1,
        max_length=4,
        description="The legal basis printed on every certificate, in force today (at most 4 lines).",
    )
    pernyataan_mr: str = Field(
        "Sertifikat Standar ini merupakan pernyataan mandiri pelaku usaha untuk memenuhi standar kegiatan usaha "
        "berisiko menengah rendah dan tidak memerlukan verifikasi instansi.",
        min_length=1,
        description="Printed on a menengah-rendah certificate: a self-declaration, never verified.",
    )
    pernyataan_belum: str = Field(
        "Sertifikat Standar ini belum terverifikasi. Pelaku usaha wajib memenuhi standar kegiatan usaha dan belum "
        "dapat melakukan kegiatan operasional dan/atau komersial sebelum pemenuhan standar diverifikasi.",
        min_length=1,
        description="Printed on a menengah-tinggi certificate before the office verified it.",
    )
    pernyataan_terverifikasi: str = Field(
        "Pemenuhan standar kegiatan usaha telah diverifikasi oleh {instansi} pada tanggal {tanggal}.",
        min_length=1,
        description="Printed once verified, {instansi} (the office) and {tanggal} filled in; the BAP or "
        "rekomendasi it rests on is printed beside it.",
    )

    @field_validator("pola_nomor", "pola_id_proyek")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"bukan pola (regular expression) yang sah: {exc}") from None
        return v
