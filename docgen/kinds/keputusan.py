"""Keputusan (SK): the Kepala Dinas's decree, e.g. forming a team (DOMAIN.md section 4, process P1.3).

A decree is numbered after it is signed, like a letter. Its legal anatomy is fixed (Menimbang,
Mengingat, MEMUTUSKAN, the dikta, the diktum that puts it into force), so the office writes only
the content and this module supplies the formulas: "bahwa" and the closing semicolons of the
considerations, the ordinal words of the dikta in the profile's style, and the closing diktum
when a request forgets it.

Every item is printed with its mark (``a.``, ``1.``, ``KESATU``) in a column of its own and its
text aligned after it; lines the office types inside an item (a diktum's ``a.``-``d.``) come out as
their own hanging paragraphs (``docgen.text.rincian``), never as breaks in a justified line. A
copy for distribution may carry the "Salinan sesuai dengan aslinya" block of the official who
certifies it (``salinan``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from docgen.kinds.base import (
    Kind,
    Kka,
    Penandatangan,
    Request,
    Summary,
    Tanggal,
    Teks,
    TeksList,
    signer_context,
    signer_label,
)
from docgen.kinds.permits import AnggotaTim, team_context
from docgen.profile import Profile
from docgen.text import format_nip, ordinal_diktum, rincian, tanggal

__all__ = ["BERLAKU", "KIND", "Anggota", "Keputusan", "LampiranTim", "marked", "salinan_context"]

BERLAKU = "Keputusan ini mulai berlaku pada tanggal ditetapkan."
"""The closing diktum added when the request's last diktum does not put the decree into force."""

_BAHWA = re.compile(r"bahwa\b", re.IGNORECASE)
_TRAILING = " \t;,.:"
_SUB_ITEM = re.compile(r"\s*(?:[a-z]|[0-9]{1,2})[.)]\s")


def _yes_or_key(value: Any) -> Any:
    """``ya``/``true`` typed in a form field mean the profile's certifier, ``tidak``/``false`` the original."""
    if isinstance(value, str) and value.strip().casefold() in ("ya", "true", "yes"):
        return True
    if isinstance(value, str) and value.strip().casefold() in ("tidak", "false", "no", ""):
        return False
    return value


def _two_or_more(value: list[str]) -> list[str]:
    """A decree with one diktum has nothing beside the clause that puts it into force."""
    if len(value) < 2:
        raise ValueError(
            f"berisi {len(value)} butir; keputusan paling sedikit dua diktum (isi keputusan dan mulai berlakunya)"
        )
    return value


class Anggota(Request):
    """One member of the team a decree forms: who (a ``[staff]``/``[officials]`` key or written out)
    and the post in the team."""

    pegawai: AnggotaTim
    jabatan_tim: Teks = "Anggota"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """``penata-perizinan`` and ``{nama, nip, jabatan, jabatan_tim}`` are how people list a team."""
        if isinstance(value, str):
            return {"pegawai": value}
        if isinstance(value, dict) and "pegawai" not in value and "nama" in value:
            person = {key: item for key, item in value.items() if key != "jabatan_tim"}
            return {"pegawai": person} | ({"jabatan_tim": value["jabatan_tim"]} if "jabatan_tim" in value else {})
        return value


class LampiranTim(Request):
    """The lampiran pages: a title and the member table."""

    judul: Teks
    anggota: list[Anggota] = Field(min_length=1)


class Keputusan(Request):
    """A decree request; field names are the office's own terms."""

    tanggal: Tanggal
    tentang: Teks
    menimbang: TeksList = Field(min_length=1)
    mengingat: TeksList = Field(min_length=1)
    memperhatikan: TeksList = Field(default_factory=list)
    menetapkan: Teks | None = None
    diktum: Annotated[TeksList, AfterValidator(_two_or_more)]
    penandatangan: Penandatangan
    tembusan: TeksList = Field(default_factory=list)
    lampiran: LampiranTim | None = None
    salinan: Annotated[bool | Teks, BeforeValidator(_yes_or_key)] = False
    kka: Kka | None = None

    @field_validator("penandatangan")
    @classmethod
    def _the_head_or_acting_head(cls, v: Penandatangan, info: ValidationInfo) -> Penandatangan:
        """The decree is the head's own act: he signs it, or a Plt./Plh. in his place; never 'a.n.'."""
        if v.sebagai == "a.n.":
            raise ValueError("keputusan tidak ditandatangani 'a.n.'; kepala sendiri, atau Plt./Plh. yang menjabat")
        profile: Profile | None = (info.context or {}).get("profile")
        if profile is not None and v.sebagai and v.pejabat == profile.head:
            raise ValueError(f"'{v.sebagai}' dipakai bila yang menandatangani bukan kepala ({profile.head})")
        return v

    @field_validator("salinan")
    @classmethod
    def _certifier_known(cls, v: bool | str, info: ValidationInfo) -> bool | str:
        """``true`` means the profile's certifier (``[keputusan] salinan_oleh``); a key names another."""
        profile: Profile | None = (info.context or {}).get("profile")
        if v is False or profile is None:
            return v
        key = profile.keputusan.salinan_oleh if v is True else v
        if key not in profile.officials:
            where = "[keputusan] salinan_oleh di profil" if v is True else "salinan"
            raise ValueError(
                f"pejabat '{key[:40]}' ({where}) tidak ada di [officials]; pilih: {', '.join(profile.officials)}"
            )
        return key


def _letters(n: int) -> str:
    """``a``, ``b``, ... ``z``, ``aa``, ``ab``: considerations past the 26th still get a letter."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _clause(text: str) -> str:
    """Considerations and legal bases each end with a semicolon, whatever the request ended with."""
    return text.rstrip(_TRAILING) + ";"


def menimbang_text(text: str) -> str:
    """Each consideration reads "bahwa ...;": "bahwa" is added only when it is not written."""
    return _clause(text if _BAHWA.match(text) else f"bahwa {text}")


def dikta(items: list[str], style: str) -> list[dict[str, Any]]:
    """The dikta with their ordinal words; the closing diktum is added when the last says nothing
    of "berlaku" (the decree must say when it takes effect).

    A diktum's sub-items may be typed as lines of its text or as items of their own (``"a. ..."``
    after ``"Tim bertugas:"``); either way they belong to the diktum before them, not to a new one.
    """
    texts: list[str] = []
    for item in items:
        if texts and _SUB_ITEM.match(item):
            texts[-1] += "\n" + item
        else:
            texts.append(item)
    if "berlaku" not in texts[-1].casefold():
        texts.append(BERLAKU)
    return [{"ke": ordinal_diktum(n, style), **rincian(text)} for n, text in enumerate(texts, 1)]


def marked(mark: str, text: str) -> dict[str, object]:
    """An item as templates hang it: ``tanda`` in its column, ``teks``, and its typed ``rincian``."""
    return {"tanda": mark, **rincian(text)}


def salinan_context(key: str | bool, profile: Profile) -> dict[str, Any] | None:
    """The certifying official's block under "Salinan sesuai dengan aslinya", or None for the original."""
    if not isinstance(key, str):
        return None
    person = profile.officials[key]
    return {
        "jabatan": f"{person.position},",
        "nama": person.name,
        "pangkat": person.rank,
        "nip": format_nip(person.nip),
    }


def _jabatan_dinas(member: AnggotaTim, profile: Profile) -> str:
    """A member from another agency is known by position *and* agency; this office's by position."""
    own = {profile.office.kop[-1].casefold(), profile.agency_name(None).casefold()}  # however it is written
    if member.instansi and member.instansi.casefold() not in own:
        return f"{member.jabatan} pada {member.instansi}"
    return member.jabatan


def _lampiran(req: Keputusan, profile: Profile) -> dict[str, Any] | None:
    if req.lampiran is None:
        return None
    members = [a.pegawai for a in req.lampiran.anggota]
    rows = team_context(members)
    for row, member, anggota in zip(rows, members, req.lampiran.anggota, strict=True):
        row["jabatan_tim"] = anggota.jabatan_tim
        row["jabatan_dinas"] = _jabatan_dinas(member, profile)
    return {"judul": req.lampiran.judul.upper(), "anggota": rows}


def _context(req: Keputusan, profile: Profile) -> dict[str, Any]:
    issuer = profile.keputusan.issuer
    title = req.tentang.upper()
    return {
        "issuer": issuer,
        "tanggal": tanggal(req.tanggal),
        "tentang": title,
        "menimbang": [marked(f"{_letters(n)}.", menimbang_text(t)) for n, t in enumerate(req.menimbang, 1)],
        "mengingat": [marked(f"{n}.", _clause(t)) for n, t in enumerate(req.mengingat, 1)],
        "memperhatikan": [marked(f"{n}.", _clause(t)) for n, t in enumerate(req.memperhatikan, 1)],
        "menetapkan": req.menetapkan or f"KEPUTUSAN {issuer} TENTANG {title.rstrip(_TRAILING)}.",
        "diktum": dikta(req.diktum, profile.keputusan.diktum),
        "penandatangan": signer_context(req.penandatangan, profile),
        "tembusan": list(req.tembusan),
        "lampiran": _lampiran(req, profile),
        "salinan": salinan_context(req.salinan, profile),
        "kka": req.kka or "",
    }


def _summary(req: Keputusan, profile: Profile) -> Summary:
    return Summary(
        subject=req.tentang,
        addressee=req.lampiran.judul if req.lampiran else "",
        doc_date=req.tanggal,
        signer=signer_label(req.penandatangan, profile),
        kka=req.kka,
    )


KIND = Kind(
    name="keputusan",
    title="Keputusan Kepala Dinas (SK)",
    description="Keputusan Kepala Dinas, mis. pembentukan tim; diberi nomor setelah ditandatangani.",
    model=Keputusan,
    template="keputusan.docx",
    series="keputusan",
    kka="100.3.3",
    numbered="signature",
    context=_context,
    summary=_summary,
    field_help={
        "tanggal": "tanggal ditetapkan, 2026-11-28",
        "tentang": "judul keputusan (dicetak huruf kapital), mis. Pembentukan Tim Teknis ...",
        "menimbang": "pertimbangan, satu butir per huruf; 'bahwa' dan ';' ditambahkan bila belum ditulis",
        "mengingat": "dasar hukum, satu butir per peraturan (dicetak bernomor, diakhiri ';')",
        "memperhatikan": "hal yang diperhatikan (boleh kosong)",
        "menetapkan": "teks setelah 'Menetapkan :'; kosong berarti 'KEPUTUSAN <penerbit> TENTANG <JUDUL>.'",
        "diktum": "isi keputusan, satu butir per diktum (KESATU, KEDUA, ...), paling sedikit dua; baris yang "
        "diawali a. b. ... dalam satu diktum dicetak sebagai rincian menggantung; "
        "bila diktum terakhir tidak menyebut 'berlaku', ditambahkan 'Keputusan ini mulai berlaku pada tanggal "
        "ditetapkan.'",
        "penandatangan": "kunci pejabat di profil (kepala), atau {pejabat: sekretaris, sebagai: Plt.}",
        "tembusan": "daftar tembusan (boleh kosong)",
        "lampiran": "{judul, anggota: [kunci [staff]/[officials], {pegawai: kunci, jabatan_tim: Ketua}, "
        "{nama, nip, jabatan, instansi, jabatan_tim}]}; boleh kosong",
        "salinan": "ya (true) untuk salinan yang disahkan pejabat [keputusan] salinan_oleh, atau kunci pejabat "
        "yang mengesahkan; kosong: naskah asli",
        "kka": "kode klasifikasi arsip; kosong memakai bawaan jenis ini",
    },
    example={
        "tanggal": "2026-11-28",
        "tentang": "Pembentukan Tim Teknis Pemeriksaan Lapangan Perizinan Reklame Tahun 2026",
        "menimbang": [
            "bahwa dalam rangka tertib penyelenggaraan reklame di Kota Pasuruan, setiap permohonan izin "
            "reklame perlu diperiksa di lapangan sebelum izinnya diterbitkan",
            "bahwa untuk melaksanakan pemeriksaan sebagaimana dimaksud dalam huruf a, perlu dibentuk tim "
            "teknis yang anggotanya berasal dari perangkat daerah terkait",
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
            "Keputusan Kepala Dinas tentang Pembentukan Tim Teknis Pemeriksaan Lapangan Perizinan Reklame "
            "Tahun 2026",
        ],
        "mengingat": [
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
            "Peraturan Pemerintah Nomor 5 Tahun 2021 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko",
            "Peraturan Daerah Kota Pasuruan tentang Penyelenggaraan Reklame",
            "Peraturan Wali Kota Pasuruan tentang Pendelegasian Kewenangan Perizinan kepada DPMPTSP",
        ],
        "diktum": [
            "Membentuk Tim Teknis Pemeriksaan Lapangan Perizinan Reklame Tahun 2026 dengan susunan "
            "keanggotaan sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari "
            "Keputusan ini.",
            "Tim sebagaimana dimaksud dalam Diktum KESATU bertugas:",  # a.-c. below are its sub-items
            "a. memeriksa lokasi, ukuran dan konstruksi reklame yang dimohonkan;",
            "b. menyusun berita acara pemeriksaan lapangan; dan",
            "c. melaporkan hasilnya kepada Kepala Dinas.",
            "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Dokumen Pelaksanaan "
            "Anggaran Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan Tahun Anggaran 2026.",
            BERLAKU,
        ],
        "penandatangan": "kadis",
        "tembusan": [
            "Wali Kota Pasuruan (sebagai laporan)",
            "Sekretaris Daerah Kota Pasuruan",
            "Yang bersangkutan untuk diketahui dan dilaksanakan",
        ],
        "lampiran": {
            "judul": "Susunan Keanggotaan Tim Teknis Pemeriksaan Lapangan Perizinan Reklame Tahun 2026",
            "anggota": [
                {"pegawai": "kabid-ptsp", "jabatan_tim": "Ketua"},
                {"pegawai": "penata-perizinan", "jabatan_tim": "Sekretaris"},
                "teknik-pupr",
                "satpol-pp",
            ],
        },
        "kka": "100.3.3",
    },
)
