"""The Word template engine: a template compiled once, then one bounded Jinja render per letter.

``compiled`` (the engine), ``fixes`` (Word's split runs and tags mended before compiling),
``source`` (reading a template's XML), ``bounded`` (the sandbox and its limits), ``filters`` (the
office's filters: tanggal, rupiah, terbilang...), ``media`` (pictures placed into a DOCX), ``page``
(the profile's paper and margins, the kop's lines as sized runs).
"""

from docgen.render.docx.bounded import Bounds
from docgen.render.docx.compiled import CompiledDocx, compile_docx
from docgen.render.docx.filters import OFFICE_FILTERS
from docgen.render.docx.fixes import inspect_part
from docgen.render.docx.page import baris_kop, fit_paper

__all__ = ["OFFICE_FILTERS", "Bounds", "CompiledDocx", "baris_kop", "compile_docx", "fit_paper", "inspect_part"]
