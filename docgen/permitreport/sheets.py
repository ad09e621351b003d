"""The permit report as the office sends it: a summary sheet with its chart, and the lists behind it.

XLSX: sheet "Rekap" (per month and permit type, then one line per month for all types, then
the period), a native Excel column chart of issued, verified and refused per month drawn from
the per-month lines, sheet "Daftar izin" (every permit, grouped by type and month as before)
and sheet "BAP tidak sesuai". CSV, which has one table, is the two lists in one flat table, so
a script can count them again. Figures are written as numbers; text from requests stays text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from docgen.permitreport.figures import Figures, Permit, PermitReport, Refusal
from docgen.register.rows import DocumentRow
from docgen.tables import Chart, Group, Sheet, write_table, write_workbook
from docgen.text import nama_bulan, tanggal

__all__ = ["DETAIL", "SUMMARY", "write_permit_report"]

ISSUED, VERIFIED, REFUSED = "Terbit", "Terverifikasi", "Ditolak (BAP tidak sesuai)"
AVERAGE, MEDIAN = "Rata-rata hari BAP–terbit", "Median hari BAP–terbit"
SUMMARY = ("Bulan", "Jenis izin", ISSUED, VERIFIED, REFUSED, "Batal", "Terbit dengan BAP", AVERAGE, MEDIAN,
           "Terlama (hari)")  # fmt: skip
DETAIL = ("No", "Jenis izin", "Bulan", "Nomor", "Tanggal", "Pemegang / pelaku usaha", "Objek / KBLI", "Status",
          "Nomor BAP", "Tanggal BAP", "Hari BAP–terbit")  # fmt: skip
ALL_TYPES = "Semua jenis"
PER_MONTH = "Jumlah per bulan, semua jenis"


def month_name(month: str) -> str:
    """``2026-10`` -> ``Oktober 2026``."""
    year, number = month.split("-")
    return f"{nama_bulan(int(number))} {year}"


def _summary_row(month: str, kind: str, figures: Figures) -> dict[str, Any]:
    values = (figures.issued, figures.verified, figures.refused, figures.void, len(figures.days), figures.average,
              figures.median, figures.longest)  # fmt: skip
    return dict(zip(SUMMARY, (month, kind, *values), strict=True))


def _period(report: PermitReport) -> str:
    return f"{tanggal(report.start)} sampai {tanggal(report.end)}"


def _months(report: PermitReport) -> str:
    first, last = report.months()[0], report.months()[-1]
    return month_name(first) if first == last else f"{month_name(first)} – {month_name(last)}"


def summary_groups(report: PermitReport) -> list[Group]:
    """Per month and type; then every month of the period for all types (the chart's rows); then the period."""
    by_type = report.figures(lambda month, kind: (month, kind))
    by_month = report.figures(lambda month, kind: month)
    total = report.figures(lambda month, kind: "").get("", Figures())
    return [
        (
            f"Per bulan dan jenis izin, {_period(report)}",
            [_summary_row(month_name(m), kind, f) for (m, kind), f in by_type.items()],
        ),
        (PER_MONTH, [_summary_row(month_name(m), ALL_TYPES, by_month.get(m, Figures())) for m in report.months()]),
        ("Jumlah seluruh periode", [_summary_row(_period(report), ALL_TYPES, total)]),
    ]


def _parties(doc: DocumentRow) -> tuple[str, str]:
    """Who holds the permit and what it is for, as the lists show them."""
    request = doc.request
    if doc.kind == "sertifikat-standar":
        return f"{request.get('nama_usaha', '')} (NIB {request.get('nib', '')})", (
            f"{request.get('kbli', '')} {request.get('judul_kbli', '')}"
        )
    return (request.get("pemohon") or {}).get("nama", ""), (request.get("objek") or {}).get("uraian", "")


def _day(doc: DocumentRow) -> str:
    return tanggal(date.fromisoformat(doc.doc_date[:10]))


def _permit_row(n: int, permit: Permit) -> dict[str, Any]:
    holder, what = _parties(permit.doc)
    bap = permit.bap
    values = (n, permit.type, month_name(permit.month), permit.doc.number, _day(permit.doc), holder, what,
              permit.status, bap and bap.number, bap and _day(bap), permit.days)  # fmt: skip
    return dict(zip(DETAIL, values, strict=True))


def _refusal_row(n: int, refusal: Refusal) -> dict[str, Any]:
    holder, what = _parties(refusal.doc)
    fixes = "; ".join(str(f) for f in refusal.doc.request.get("perbaikan") or [])
    status = f"BAP tidak sesuai; perbaikan: {fixes}" if fixes else "BAP tidak sesuai"
    values = (n, refusal.type, month_name(refusal.month), refusal.doc.number, _day(refusal.doc), holder, what, status)
    return dict(zip(DETAIL, values, strict=False))


def detail_groups(report: PermitReport) -> list[Group]:
    """The permits under one heading per (type, month), in the summary's order."""
    groups: dict[tuple[str, str], list[Permit]] = {}
    for permit in report.permits:
        groups.setdefault((permit.month, permit.type), []).append(permit)
    return [
        (f"{kind}, {month_name(month)}: {len(permits)} dokumen", [_permit_row(n, p) for n, p in enumerate(permits, 1)])
        for (month, kind), permits in sorted(groups.items())
    ]


def write_permit_report(report: PermitReport, target: Path, fmt: Literal["csv", "xlsx"] = "xlsx") -> int:
    """Write the report to ``target``; returns how many permits and refused BAP it lists."""
    refusals = [_refusal_row(n, r) for n, r in enumerate(report.refusals, 1)]
    if fmt == "csv":
        permits = [_permit_row(n, p) for n, p in enumerate(report.permits, 1)]
        return write_table(target, "csv", title="Izin", headings=DETAIL, groups=[("", permits), ("", refusals)])
    chart = Chart(
        title=f"Izin terbit, terverifikasi dan ditolak per bulan, {_months(report)}",
        group=PER_MONTH,
        categories="Bulan",
        values=(ISSUED, VERIFIED, REFUSED),
        y_title="Jumlah dokumen",
    )
    detail_widths = (5, 30, 16, 34, 18, 40, 40, 28, 30, 18, 10)
    sheets = [
        Sheet(
            "Rekap",
            SUMMARY,
            summary_groups(report),
            (40, 30, 8, 13, 14, 7, 12, 14, 14, 10),
            {AVERAGE: "0.0"},
            chart,
            landscape=True,
        ),  # fmt: skip
        Sheet("Daftar izin", DETAIL, detail_groups(report), detail_widths, landscape=True),
        Sheet("BAP tidak sesuai", DETAIL[:8], [("", refusals)], detail_widths[:8], landscape=True),
    ]
    write_workbook(target, sheets)
    return len(report.permits) + len(refusals)
