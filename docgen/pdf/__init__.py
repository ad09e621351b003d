"""Operations on finished PDFs: conversion from DOCX, merging, cleaning, marks, QR, page numbers.

``convert`` and ``pool`` (LibreOffice, cold or as a warm pool), ``merge`` (a packet from its
parts), ``clean`` (metadata and scripts removed), ``stamp`` and ``stampfit`` (number box, cap,
QR and footer laid over a page; ``markdraw`` draws them), ``anchors`` (where a
docgen draft prints its Nomor line and its signer), ``qr`` (the verification code), ``pagenum`` (packet page numbers),
``fonts`` (the embedded font every drawn PDF uses).
"""

from docgen.pdf.anchors import Anchors, find_anchors
from docgen.pdf.clean import clean_pdf, clean_writer
from docgen.pdf.convert import ColdConverter, Converter
from docgen.pdf.fonts import binary_streams, embedded_fonts, font_file
from docgen.pdf.merge import merge_pdfs
from docgen.pdf.pagenum import stamp_page_numbers
from docgen.pdf.pool import ConverterPool
from docgen.pdf.qr import draw_qr_path
from docgen.pdf.stamp import (
    Marks,
    fit_anchors,
    footer_room_mm,
    make_marks,
    preflight,
    read_pdf,
    stamp_pdf,
    stand_in_marks,
    token_in_pdf,
)
from docgen.pdf.stampfit import check_page

__all__ = [
    "Anchors",
    "binary_streams",
    "ColdConverter",
    "Converter",
    "ConverterPool",
    "Marks",
    "check_page",
    "clean_pdf",
    "clean_writer",
    "draw_qr_path",
    "embedded_fonts",
    "find_anchors",
    "font_file",
    "fit_anchors",
    "footer_room_mm",
    "make_marks",
    "merge_pdfs",
    "preflight",
    "read_pdf",
    "stamp_page_numbers",
    "stamp_pdf",
    "stand_in_marks",
    "token_in_pdf",
]
