"""The flow template file (``templates/<kind>.flow.toml``): the parts of a form, top to bottom.

A flowing form is not placed in boxes: its parts (title lines, a label : value block, tables,
text, signatures) follow one another and flow over as many pages as the data needs. The file
says what each part prints, never where: paper, margins, kop and page numbers come from the
profile. Column widths are relative weights, so one file serves A4 and F4 alike.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from docgen.errors import ConfigError
from docgen.validation import read_toml_model

__all__ = ["MIN_PT", "Column", "FlowLayout", "Part", "Signer", "load_flow_layout", "placeholders"]

MIN_PT = 8.0  #: no text of a flowing form is set smaller; long text wraps instead
_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
Align = Literal["left", "center", "right"]
Size = Annotated[float, Field(ge=MIN_PT, le=24)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Part(_Strict):
    keep_with_next: bool = False  # printed on the same page as the part after it
    space_before_mm: float = Field(2.0, ge=0, le=50)


class Title(_Part):
    """Centred lines (the form's name, its number); each line is one paragraph."""

    type: Literal["title"]
    lines: list[str]
    size_pt: Size = 12
    bold: bool = True
    align: Align = "center"


class Text(_Part):
    """Running text (a statement, the amount in words): wraps, never shrinks."""

    type: Literal["text"]
    lines: list[str]
    size_pt: Size = 10
    bold: bool = False
    align: Align = "left"


class Fields(_Part):
    """A label : value block; ``rows`` are [label, value] pairs, the value wraps in its column."""

    type: Literal["fields"]
    rows: list[tuple[str, str]]
    label_mm: float = Field(45.0, gt=0, le=120)
    size_pt: Size = 10


class Column(_Strict):
    """One column of a table: ``value`` names the row's fields (``{uraian}``); ``sum`` columns hold
    money (the row's value is an amount) and are totalled, and carried from page to page."""

    heading: str
    value: str
    width: float = Field(gt=0)  # relative: the table spans the text column
    align: Align = "left"
    sum: bool = False

    @model_validator(mode="after")
    def _sum_is_one_field(self) -> Column:
        if self.sum and not _NAME.fullmatch(self.value):
            raise ValueError(f"kolom '{self.heading}' dijumlah: 'value' harus satu nama saja, mis. '{{jumlah}}'")
        return self


class Table(_Part):
    """Rows from a list in the document (``rows``), header row repeated on every page.

    ``total`` ends the table with the sums of the ``sum`` columns; ``carry_out`` closes each page
    the table breaks on with the sums so far ("Jumlah dipindahkan"), ``carry_in`` opens the next
    page with the same sums ("Jumlah pindahan"). ``empty`` is printed when the list is empty.
    """

    type: Literal["table"]
    rows: str
    columns: list[Column] = Field(min_length=1)
    size_pt: Size = 9
    total: str = ""
    carry_out: str = ""
    carry_in: str = ""
    empty: str = "Nihil"

    @model_validator(mode="after")
    def _sums_for_totals(self) -> Table:
        sums = [i for i, c in enumerate(self.columns) if c.sum]
        if (self.total or self.carry_out or self.carry_in) and not sums:
            raise ValueError(f"tabel '{self.rows}' punya jumlah tetapi tidak ada kolom dengan sum = true")
        if sums and sums[0] == 0 and (self.total or self.carry_out or self.carry_in):
            raise ValueError(f"tabel '{self.rows}': kolom pertama untuk tulisan jumlah, jangan sum = true")
        if bool(self.carry_out) != bool(self.carry_in):
            raise ValueError(f"tabel '{self.rows}': isi carry_out dan carry_in bersama-sama")
        return self


class Signer(_Strict):
    """One signature column: lines above the space for the signature, then the name and NIP."""

    above: list[str]
    below: list[str]


class Signatures(_Part):
    """Signature columns side by side, always on one page (with ``keep_with_next`` of the part before)."""

    type: Literal["signatures"]
    signers: list[Signer] = Field(min_length=1, max_length=3)
    space_mm: float = Field(20.0, ge=10, le=50)
    size_pt: Size = 10


Part = Annotated[Title | Text | Fields | Table | Signatures, Field(discriminator="type")]


class FlowLayout(_Strict):
    """A flow template: its parts in order, and the document's title for the PDF's metadata."""

    title: str
    orientation: Literal["portrait", "landscape"] = "portrait"  # of the profile's paper
    part: list[Part] = Field(min_length=1)

    def names(self) -> set[str]:
        """The document's values the template prints (a table's row fields not included)."""
        found: set[str] = set()
        for part in self.part:
            if isinstance(part, (Title, Text)):
                found |= {n for line in part.lines for n in placeholders(line)}
            elif isinstance(part, Fields):
                found |= {n for row in part.rows for text in row for n in placeholders(text)}
            elif isinstance(part, Table):
                found.add(part.rows)
            elif isinstance(part, Signatures):
                found |= {n for s in part.signers for line in (*s.above, *s.below) for n in placeholders(line)}
        return {n.split(".")[0] for n in found}


def placeholders(text: str) -> list[str]:
    """The ``{name}``s of ``text`` (``{{`` and ``}}`` print a brace)."""
    return _NAME.findall(text.replace("{{", "").replace("}}", ""))


def load_flow_layout(path: Path) -> FlowLayout:
    """Read a flow template (cached while the file is unchanged); ConfigError names what is wrong."""
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise ConfigError(f"Templat {path} tidak ada ({exc.strerror}); periksa nama berkasnya") from exc
    return _load(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load(path: str, _mtime: int, _size: int) -> FlowLayout:
    return read_toml_model(path, FlowLayout, "Templat")
