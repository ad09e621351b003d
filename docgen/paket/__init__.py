"""Payment packets (``docgen paket``): an SPP, its SPM and the attachments its checklist asks for,
bound into one PDF with a cover, the filled checklist, bookmarks and page numbers, and recorded.

``checklist`` reads the office's checklists and matches a folder, ``parts`` checks and converts the
attachments, ``front`` draws the cover and checklist, ``pagenum`` stamps the pages and ``assemble``
puts it together and records it.
"""

from __future__ import annotations

from docgen.paket.assemble import PacketResult, assemble_packet, describe
from docgen.paket.checklist import CHECKLIST_FILE, Checklists, load_checklists

__all__ = ["CHECKLIST_FILE", "Checklists", "PacketResult", "assemble_packet", "describe", "load_checklists"]
