"""The agencies docgen writes for: ``[instansi.<key>]``, each an OPD teknis beside this office.

A rekomendasi is issued by the technical agency (DOMAIN.md section 4): on its own kop, numbered
in its own series with its own unit code, signed by its head. So an agency is a letterhead (the
same shape as ``[office]``, see ``docgen.profile.office.Letterhead``) with a head among the
``[officials]`` and the series its rekomendasi number from. This office is the default agency:
``Profile.agency(None)`` and ``Profile.agency(office.key)`` are ``[office]``.

The references between the sections are checked here (:func:`agency_problem`, called once by
``docgen.profile.model`` when the profile loads), so a request can only name an agency whose kop,
head and counter exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import Field

from docgen.profile.kop import kop_overflow
from docgen.profile.numbering import Series
from docgen.profile.office import Letterhead, Office, Official

__all__ = ["Instansi", "agency_problem"]


class Instansi(Letterhead):
    """An OPD teknis that issues documents through docgen (its rekomendasi)."""

    name: str = Field(
        "", description="The agency's name in a sentence (footer, signature block); empty: the last kop line."
    )
    head: str = Field(min_length=1, description="Key of the [officials] entry who heads the agency.")
    series: str = Field(
        min_length=1, description="The [series] its rekomendasi number from; that series names this agency."
    )


def agency_problem(
    office: Office,
    agencies: Mapping[str, Instansi],
    officials: Mapping[str, Official],
    series: Mapping[str, Series],
    *,
    head: str,
    uses: Iterable[tuple[str, str]],
) -> str | None:
    """The first broken reference between agencies, officials and series, as one line naming the fix.

    Counters are kept per series name, so an agency's numbers never mix with this office's as long
    as its series is its own: a series names the agency whose unit code it prints, and an agency
    numbers only from a series that names it. ``head`` is this office's head; ``uses`` the series
    this office's own documents number from, as (where the profile says so, series).
    """
    known = {office.key, *agencies}
    for key, agency in agencies.items():
        problem = _agency_problem(office, key, agency, officials, series)
        if problem:
            return problem
    for key, person in officials.items():
        if person.instansi is not None and person.instansi not in known:
            return (
                f"officials.{key}.instansi '{person.instansi}' tidak ada di [instansi]; "
                f"tambahkan [instansi.{person.instansi}] atau hapus instansi (pejabat kantor ini)"
            )
    chief = officials.get(head)
    if chief is not None and chief.instansi not in (None, office.key):
        return f"head '{head}' adalah pejabat instansi.{chief.instansi}, bukan kantor ini; pilih kepala kantor ini"
    for name, rule in series.items():
        if rule.instansi is not None and rule.instansi not in known:
            return (
                f"series.{name}.instansi '{rule.instansi}' tidak ada di [instansi]; "
                f"tambahkan [instansi.{rule.instansi}] atau hapus instansi (seri kantor ini)"
            )
    for where, name in uses:
        rule = series.get(name)
        if rule is not None and rule.instansi not in (None, office.key):
            return (
                f"{where} '{name}' adalah seri instansi.{rule.instansi} (kode unitnya); "
                "pilih seri kantor ini untuk dokumen kantor ini"
            )
    return None


def _agency_problem(
    office: Office, key: str, agency: Instansi, officials: Mapping[str, Official], series: Mapping[str, Series]
) -> str | None:
    where = f"instansi.{key}"
    if key == office.key:
        return f"[{where}] memakai kunci kantor ini (office.key = '{key}'); beri instansi itu kunci lain"
    too_wide = kop_overflow(agency)
    if too_wide is not None:
        return (
            f"baris kop '{too_wide}' di [{where}] lebih lebar dari kolom kop; "
            f"perkecil {where}.kop_sizes_pt atau pendekkan kata itu"
        )
    if agency.emblem != office.emblem:
        return (
            f"{where}.emblem berbeda dari office.emblem; dokumen Word mencetak lambang kota yang sama "
            f"untuk setiap instansi: hapus {where}.emblem atau samakan dengan office.emblem"
        )
    head = officials.get(agency.head)
    if head is None:
        return f"{where}.head '{agency.head}' tidak ada di [officials]; tambahkan [officials.{agency.head}]"
    if head.instansi != key:
        return (
            f"{where}.head '{agency.head}' bukan pejabat instansi itu; "
            f'tulis instansi = "{key}" di [officials.{agency.head}]'
        )
    rule = series.get(agency.series)
    if rule is None:
        return (
            f"{where}.series '{agency.series}' tidak ada di [series]; "
            f'tambahkan [series.{agency.series}] dengan instansi = "{key}"'
        )
    if rule.instansi != key:
        return (
            f"{where}.series '{agency.series}' tidak bernomor dengan kode unit instansi itu; "
            f'tulis instansi = "{key}" di [series.{agency.series}] atau pilih seri milik instansi itu'
        )
    return None
