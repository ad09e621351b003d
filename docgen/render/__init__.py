"""Producing output files: DOCX from templates, and writing them safely into the outbox."""

from docgen.render.docx import CompiledDocx, compile_docx
from docgen.render.files import Written, write_new

__all__ = ["CompiledDocx", "Written", "compile_docx", "write_new"]
