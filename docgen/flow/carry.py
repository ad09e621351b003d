"""A table that flows over pages carrying its totals: "Jumlah dipindahkan" / "Jumlah pindahan".

reportlab's Table splits by row and repeats its header, but a treasurer's table also closes each
page with the sums so far and opens the next with them, so a reader checks every page on its own.
This flowable does its own splitting: it measures its rows once (reportlab wraps each cell's
Paragraph to its column), puts as many rows as fit under the header with room for the carried
row, and hands the rest on as a new CarryTable that starts from those sums. Every part it makes
is a plain reportlab Table, drawn by reportlab.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether, Paragraph
from reportlab.platypus import Table as RLTable

__all__ = ["CarryTable", "KeptWithTable", "TableSpec"]

Cell = Paragraph
_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class TableSpec:
    """What every piece of one table shares: widths, header, the labels of its sum rows, styles."""

    widths: list[float]
    header: list[Cell]
    sums: list[int]  # indexes of the summed columns
    total: str
    carry_out: str
    carry_in: str
    style: list[tuple]  # reportlab TableStyle commands for the header and grid
    label: object  # makes a label cell: label(text) -> Paragraph (bold)
    figure: object  # makes a figure cell: figure(amount) -> Paragraph (right-aligned)


class CarryTable(Flowable):
    """Rows of one table from ``start`` on, with ``carried`` sums brought from the page before."""

    def __init__(
        self,
        spec: TableSpec,
        rows: Sequence[list[Cell]],
        amounts: Sequence[list[Decimal]],
        carried: list[Decimal] | None = None,
    ) -> None:
        super().__init__()
        self.spec, self.rows, self.amounts, self.carried = spec, list(rows), list(amounts), carried
        self._table: RLTable | None = None

    def _sum_row(self, label: str, sums: list[Decimal]) -> list[Cell | str]:
        cells: list[Cell | str] = [""] * len(self.spec.widths)
        cells[0] = self.spec.label(label)  # type: ignore[operator]
        for column, amount in zip(self.spec.sums, sums, strict=True):
            cells[column] = self.spec.figure(amount)  # type: ignore[operator]
        return cells

    def _through(self, count: int) -> list[Decimal]:
        """The sums of the summed columns over what was carried in and the first ``count`` rows."""
        start = self.carried or [_ZERO] * len(self.spec.sums)
        return [base + sum((row[i] for row in self.amounts[:count]), _ZERO) for i, base in enumerate(start)]

    def _build(self, count: int, last: bool) -> RLTable:
        """The table of the first ``count`` rows; closed by the total when ``last``, else carried out."""
        spec = self.spec
        data: list[list[Cell | str]] = [list(spec.header)]
        if self.carried is not None:
            data.append(self._sum_row(spec.carry_in, self.carried))
        data += self.rows[:count]
        closing = spec.total if last else spec.carry_out
        if closing:
            data.append(self._sum_row(closing, self._through(count)))
        style = list(spec.style)
        first_label = min(spec.sums) if spec.sums else 1
        sum_rows = ([1] if self.carried is not None else []) + ([len(data) - 1] if closing else [])
        for r in sum_rows:  # the label spans the columns before the first sum
            style.append(("SPAN", (0, r), (first_label - 1, r)))
        return RLTable(data, colWidths=spec.widths, repeatRows=1, style=style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._table = self._build(len(self.rows), last=True)
        self.width, self.height = self._table.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """As many rows as fit with the carried row under them, then the rest from their sums.

        Nothing (the table starts on the next page) when not even one row fits here; the total is
        never left alone on a page without a row of its table.
        """
        if not self.spec.carry_out:
            return self._plain_split(availWidth, availHeight)
        full = self._build(len(self.rows), last=True)
        full.wrap(availWidth, availHeight)
        heights = full._rowHeights
        top = 1 + (self.carried is not None)
        closing = heights[-1]  # the carried-out row is one line, like the total
        used = sum(heights[:top]) + closing
        count = 0
        for h in heights[top : top + len(self.rows)]:
            if used + h > availHeight + 1e-6:
                break
            used += h
            count += 1
        count = min(count, len(self.rows) - 1)
        if count <= 0:
            return []
        here = CarryTable(self.spec, self.rows[:count], self.amounts[:count], self.carried)
        rest = CarryTable(self.spec, self.rows[count:], self.amounts[count:], self._through(count))
        return [_Closed(here), rest]

    def head_height(self, availWidth: float) -> float:
        """The header row, the carried row and the first row: what must share a page with the heading."""
        part = CarryTable(self.spec, self.rows[:1], self.amounts[:1], self.carried)
        return part._build(1, last=True).wrap(availWidth, 1e6)[1]

    def _plain_split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        table = self._build(len(self.rows), last=True)
        table.wrap(availWidth, availHeight)
        return table.split(availWidth, availHeight)


class _Closed(Flowable):
    """The part of a table on one page: its rows and the carried-out sums."""

    def __init__(self, part: CarryTable) -> None:
        super().__init__()
        self.table = part._build(len(part.rows), last=False)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.table.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        self.table.drawOn(self.canv, 0, 0)


class KeptWithTable(Flowable):
    """A table with the parts before it (its heading) and after it (signatures) that belong to it.

    All of it on one page when it fits on one; otherwise the heading stays with the header row and
    the first row (never alone at a page's foot), the table flows, and what follows it is kept in
    one piece. ``page_height`` is a whole frame's height, to tell a page that can take it all.
    """

    def __init__(self, lead: list[Flowable], table: CarryTable, tail: list[Flowable], page_height: float) -> None:
        super().__init__()
        self.lead, self.table, self.tail, self.page_height = lead, table, tail, page_height
        self._sizes: list[tuple[Flowable, float]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        parts = [*self.lead, self.table, *self.tail]
        self._sizes = [(f, f.wrap(availWidth, availHeight)[1]) for f in parts]
        self.width, self.height = availWidth, sum(h for _, h in self._sizes)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for flowable, h in self._sizes:
            y -= h
            flowable.drawOn(self.canv, 0, y)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fresh = availHeight >= self.page_height - 1
        if not fresh and self.height <= self.page_height:
            return []  # the next page takes it whole
        lead = sum(f.wrap(availWidth, availHeight)[1] for f in self.lead)
        if not fresh and lead + self.table.head_height(availWidth) > availHeight:
            return []
        rest: list[Flowable] = [KeepTogether(self.tail)] if self.tail else []
        return [*self.lead, self.table, *rest]
