"""Izin: a non-business permit (reklame, trotoar, bangunan, pendidikan), DOMAIN.md section 4.

Which permit types exist and which need a technical recommendation first are data in the
profile (``[izin.<type>]``): a permit whose type requires one names a rekomendasi that exists, is
not void and concerns the same applicant (business map P6.2). Each type numbers from its own
series. Drawn as a PDF form from ``templates/izin.toml``.

The type also says what the permit must carry: its legal basis (printed as "Dasar hukum"), the
applicant's NIB or NIK (``requires_identity``), and for a reklame (``advertisement``) the jenis
and naskah in ``objek.reklame``, with the sides the area is reckoned on. What a type lacks is
refused by validation, before a number; rows a type does not print are left out of the form
(the layout's ``when``), the rows below closing up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from docgen.kinds.base import (
    Basis,
    Kind,
    Penandatangan,
    Request,
    Summary,
    Tanggal,
    Teks,
    signer_context,
    signer_label,
)
from docgen.kinds.permits import Berlaku, Objek, Pemohon, permit_problem, same_applicant
from docgen.profile import PermitType, Profile
from docgen.text import tanggal

__all__ = ["KIND", "Izin"]


class Izin(Request):
    jenis: Teks
    tanggal: Tanggal
    pemohon: Pemohon
    objek: Objek
    berlaku_dari: Tanggal
    berlaku_sampai: Berlaku | None = None
    syarat: list[Teks] = Field(default_factory=list)
    rekomendasi: Teks | None = None
    penandatangan: Penandatangan = Penandatangan(pejabat="kadis")

    @field_validator("jenis")
    @classmethod
    def _known_type(cls, value: str, info: ValidationInfo) -> str:
        profile: Profile | None = (info.context or {}).get("profile")
        key = value.strip().lower()
        if profile is not None and key not in profile.izin:
            raise ValueError(f"jenis izin '{value[:40]}' tidak ada di [izin] profil; pilih: {', '.join(profile.izin)}")
        return key

    @model_validator(mode="after")
    def _rules_of_the_type(self, info: ValidationInfo) -> Izin:
        profile: Profile | None = (info.context or {}).get("profile")
        permit = profile.izin.get(self.jenis) if profile is not None else None
        if self.berlaku_sampai is not None and self.berlaku_sampai <= self.berlaku_dari:
            raise ValueError(
                f"'berlaku_sampai' ({self.berlaku_sampai.isoformat()}) harus sesudah 'berlaku_dari' "
                f"({self.berlaku_dari.isoformat()})"
            )
        if self.berlaku_sampai is not None and self.berlaku_sampai.year > self.berlaku_dari.year + 50:
            raise ValueError("'berlaku_sampai' lebih dari 50 tahun; periksa tahunnya")
        if permit is None:
            return self
        if permit.requires_rekomendasi and not self.rekomendasi:
            raise ValueError(f"{permit.title.lower()} memerlukan rekomendasi teknis: isi 'rekomendasi' dengan nomornya")
        problem = permit_problem(self.pemohon, self.objek, permit, self.jenis)
        if problem:
            raise ValueError(problem)
        if self.berlaku_sampai is None and permit.validity_years is None:
            raise ValueError("isi 'berlaku_sampai': jenis izin ini tidak punya masa berlaku bawaan")
        return self


def _until(req: Izin, profile: Profile) -> date | None:
    if req.berlaku_sampai is not None:
        return req.berlaku_sampai
    years = profile.izin[req.jenis].validity_years
    if years is None:
        return None
    start = req.berlaku_dari
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return date.fromordinal(end.toordinal() - 1)  # a year from 1 December ends on 30 November


def _identity(pemohon: Pemohon) -> str:
    """``NIB 9120001234567``, ``NIK 3575...``, both when both are given; "" (the row left out) without."""
    return "; ".join(f"{label} {number}" for label, number in (("NIB", pemohon.nib), ("NIK", pemohon.nik)) if number)


def _responsible(pemohon: Pemohon, permit: PermitType) -> str:
    """The penanggung jawab with his post; a person holding a reklame answers for it himself."""
    person = pemohon.penanggung_jawab or (pemohon.nama if permit.advertisement else "")
    return f"{person} ({pemohon.jabatan})" if person and pemohon.jabatan else person


def _board(objek: Objek, permit: PermitType) -> dict[str, str]:
    """The reklame and size rows: empty texts (rows left out) where the type has none."""
    size, reklame = objek.ukuran, objek.reklame
    jenis = permit.advertisement_type(reklame.jenis) if reklame is not None and permit.advertisement else None
    return {
        "jenis_reklame": (jenis[:1].upper() + jenis[1:]) if jenis else "",
        "naskah_reklame": reklame.naskah if jenis and reklame is not None else "",
        "ukuran": size.text() if size is not None else "",
        "luas": size.luas_text() if size is not None else "",
    }


def _context(req: Izin, profile: Profile) -> dict[str, Any]:
    permit = profile.izin[req.jenis]
    until = _until(req, profile)
    return {
        "judul_izin": permit.title,
        "dasar_hukum": list(permit.legal_basis),
        "pemegang": req.pemohon.nama,
        "alamat_pemegang": req.pemohon.alamat,
        "identitas": _identity(req.pemohon),
        "penanggung_jawab": _responsible(req.pemohon, permit),
        "objek": req.objek.uraian,
        **_board(req.objek, permit),
        "lokasi": req.objek.alamat,
        "koordinat": req.objek.koordinat.text(profile.perizinan.koordinat) if req.objek.koordinat else "",
        "berlaku_dari": tanggal(req.berlaku_dari),
        "berlaku_sampai": tanggal(until) if until else "-",
        "syarat": [*permit.conditions, *req.syarat] or ["-"],
        "tanggal_terbit": tanggal(req.tanggal),
        "penandatangan": signer_context(req.penandatangan, profile),
        # the basis as registered, filled in by the pipeline when there is one; without, its row is left out
        "dasar_dokumen": {"nomor": "", "tanggal": "", "teks": ""},
    }


def _summary(req: Izin, profile: Profile) -> Summary:
    permit = profile.izin[req.jenis]
    return Summary(
        subject=f"{permit.title.title()}: {req.objek.uraian}",
        addressee=req.pemohon.nama,
        doc_date=req.tanggal,
        signer=signer_label(req.penandatangan, profile),
        kka=permit.kka,
    )


def _series(req: Izin, profile: Profile) -> str:
    return profile.izin[req.jenis].series


def _rests_on(req: Izin, basis_kind: str, basis: dict[str, Any]) -> str | None:
    applicant = basis.get("pemohon") or {}
    if not same_applicant(req.pemohon.model_dump(), applicant):
        return f"rekomendasi itu untuk {applicant.get('nama', '?')}, bukan {req.pemohon.nama}"
    wanted = basis.get("jenis_izin")
    if wanted and wanted != req.jenis:
        return f"rekomendasi itu untuk izin {wanted}, bukan izin {req.jenis}"
    return None


KIND = Kind(
    name="izin",
    title="Izin (perizinan non-berusaha: reklame, trotoar, bangunan, pendidikan)",
    description="Izin non-berusaha; jenisnya diatur di [izin] profil, sebagian memerlukan rekomendasi teknis.",
    model=Izin,
    template="izin.toml",
    series="izin-reklame",
    kka="500.16.7.4",
    numbered="generation",
    context=_context,
    summary=_summary,
    basis=Basis(kinds=("rekomendasi",), field="rekomendasi", check=_rests_on),
    series_of=_series,
    field_help={
        "jenis": "jenis izin, kunci di [izin] profil: reklame, trotoar, bangunan, pendidikan",
        "tanggal": "tanggal terbit, 2026-11-28",
        "pemohon": "{nama, alamat, nik atau nib (wajib bila requires_identity), penanggung_jawab, jabatan}",
        "objek": "{uraian, alamat, koordinat: '-7.64, 112.90', ukuran: {panjang_m, lebar_m, tinggi_m, sisi}, "
        "reklame: {jenis: 'papan/billboard', naskah: teks reklame} (hanya izin reklame)}",
        "berlaku_dari": "awal masa berlaku",
        "berlaku_sampai": "akhir masa berlaku; kosong: menurut jenis izin",
        "syarat": "ketentuan tambahan (selain ketentuan bawaan jenis izin)",
        "rekomendasi": "nomor (atau id) rekomendasi teknis; wajib bila jenis izin memerlukannya",
        "penandatangan": "kunci pejabat di profil (bawaan: kadis)",
    },
    example={
        "jenis": "pendidikan",
        "tanggal": date(2026, 11, 28).isoformat(),
        "pemohon": {
            "nama": "YAYASAN PENDIDIKAN BINA INSANI",
            "alamat": "Jl. Hayam Wuruk No. 21, Kota Pasuruan",
            "penanggung_jawab": "Drs. H. MUHAMMAD SHOLEH",
        },
        "objek": {"uraian": "Taman Kanak-Kanak Bina Insani", "alamat": "Jl. Hayam Wuruk No. 21, Kota Pasuruan"},
        "berlaku_dari": date(2026, 11, 28).isoformat(),
        "penandatangan": "kadis",
    },
)
