"""The Word template engine: a template compiled once, then one bounded Jinja render per letter.

``compiled`` (the engine), ``fixes`` (Word's split runs and tags mended before compiling),
``source`` (reading a template's XML), ``bounded`` (the sandbox and its limits), ``filters`` (the
office's filters: tanggal, rupiah, terbilang...), ``media`` (pictures placed into a DOCX).
"""

from docgen.render.docx.bounded import Bounds
from docgen.render.docx.compiled import CompiledDocx, compile_docx
from docgen.render.docx.filters import OFFICE_FILTERS
from docgen.render.docx.fixes import inspect_part

__all__ = ["OFFICE_FILTERS", "Bounds", "CompiledDocx", "compile_docx", "inspect_part"]
