"""Making a document's pages from its template, in two engines an office edits without code.

- ``render.docx``: Word templates (docxtpl's language) compiled once per process; the letters,
  decrees, BAP and rekomendasi. LibreOffice (``docgen.pdf``) turns the result into PDF.
- ``render.forms``: forms drawn straight to PDF with reportlab from a layout TOML; certificates,
  permits, payment forms and the disposition sheet, a few milliseconds a page.
- ``render.check``: ``docgen template check``, a template tried with a kind's example request.

Nothing is imported here, so a caller of one engine does not load the other.
"""
