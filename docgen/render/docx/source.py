"""Which parts of a DOCX are templates, and how their Jinja tags are read whatever editor saved them.

Word writes a quote inside text as ``"``; LibreOffice writes ``&quot;`` (and ``&apos;``, ``&gt;``,
``&amp;``). Plain docxtpl never sees most of these because it re-serialises every part through
lxml before compiling; the compiled renderer reads the part's bytes as they are, so here the
entities INSIDE ``{{ }}``, ``{% %}`` and ``{# #}`` are turned back into the characters the author
typed, and nothing outside the tags changes. User data is untouched by this: it is only ever a
value in the render context, escaped on output.
"""

from __future__ import annotations

import html
import re

__all__ = ["is_templated", "unescape_tags"]

# Parts rendered with the request's context: the body, headers, footers, footnotes and the
# document properties (title, subject, author, keywords, description; app.xml's company/manager).
_RENDERED = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes)|docProps/(core|app))\.xml$")
_TAG_START = re.compile(rb"\{[{%#]")
# One tag after docxtpl's clean-up (patch_xml), which has already turned {%p/{%tr/{%tc/{%r and
# {{r into plain tags and removed the XML between a tag's pieces; on one line, shortest match.
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_MARKUP = re.compile(r"</?[A-Za-z_][\w.-]*:[A-Za-z_]")  # a prefixed element such as <w:t> or </w:r>
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def is_templated(name: str, data: bytes) -> bool:
    """Whether the part ``name`` is rendered: one of the parts above, holding a Jinja tag.

    A part without a tag start is copied as it is, so a property such as a company name with a
    lone brace is never compiled.
    """
    return bool(_RENDERED.match(name)) and _TAG_START.search(data) is not None


def unescape_tags(source: str) -> str:
    """``source`` with XML entities inside each Jinja tag replaced by their characters.

    ``{{ sifat|default(&quot;Biasa&quot;) }}`` becomes ``{{ sifat|default("Biasa") }}`` and
    ``{% if n &gt; 2 %}`` becomes ``{% if n > 2 %}``. A tag that still holds WordprocessingML
    markup (``<w:...``, which a clean-up left behind) is left alone: unescaping there could turn
    text into markup, and Jinja reports such a tag as broken anyway.
    """
    return _TAG.sub(_unescape_tag, source)


def _unescape_tag(match: re.Match[str]) -> str:
    tag = match[0]
    if "&" not in tag or _MARKUP.search(tag):
        return tag
    return _ENTITY.sub(lambda m: html.unescape(m[0]), tag)
