"""A request's values fitted into a box form's boxes, or refused naming the field that does not fit.

A permit or a certificate is signed as printed: a value set in 5 pt or cut with "..." is a
document the officer sends back. So nothing shrinks below 8 pt and nothing is cut; a value that
does not fit its box even so is refused, naming the field and how much its box holds. The
pipeline fits the request in its trial, before a number is reserved, so a refusal costs no number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from docgen.errors import ConfigError, RequestError, TemplateError
from docgen.render.forms.boxlayout import LEAD, Box, BoxLayout, Frame
from docgen.render.forms.boxtext import Laid, lay_list, lay_text
from docgen.render.forms.textfit import wrap_text
from docgen.validation import field_path

__all__ = ["Fonts", "lay_footer", "lay_label", "lay_values"]

Fonts = Mapping[str, tuple[str, str]]  # family -> registered regular and bold font names


def _value(layout: BoxLayout, values: Mapping[str, str | list[str]], name: str) -> str | list[str]:
    value = values[name]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = str(value)
    return layout.choices.get(name, {}).get(text, text)


def _holds(frame: Frame, fonts: Fonts, default: str, text: str) -> tuple[int, int]:
    """About how many letters of ``text``'s kind the frame holds at its floor, and in how many lines."""
    font = fonts[frame.font or default][frame.bold]
    width, room = (frame.w_mm - 2 * frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm
    lines = 1 if isinstance(frame, Box) and frame.fit == "shrink" else int(room / (LEAD * frame.min_size_pt) + 1e-6)
    letter = pdfmetrics.stringWidth(text or "n", font, frame.min_size_pt) / max(1, len(text or "n"))
    return int(lines * width / letter), lines


def _label(layout: BoxLayout, box: Box) -> str:
    """The printed label of a value's row (the label box ending where the value's box starts), as the
    clerk sees it on the form: ' (Nama Pemegang Izin)'; empty when the value has none."""
    for other, parts in zip(layout.box, layout._parts, strict=True):
        beside = abs(other.x_mm + other.w_mm - box.x_mm) < 0.5 and abs(other.y_mm - box.y_mm) < 0.5
        if beside and not any(name for _, name in parts):
            return f" ({' '.join(''.join(lit for lit, _ in parts).split())})"
    return ""


def _too_long(names: Sequence[str], box: Box, holds: int, lines: int, given: int, label: str = "") -> RequestError:
    quoted = ", ".join(f"'{n}'" for n in names)
    return RequestError(
        f"Kolom {quoted}{label} terlalu panjang untuk kotaknya: muat ±{max(0, holds)} huruf dalam {lines} baris "
        f"(huruf {box.min_size_pt:g} pt), diterima {given}; singkat isinya",
        fields=tuple(names),
    )


def _list_too_long(name: str, box: Box, fonts: Fonts, default: str, items: Sequence[str]) -> RequestError:
    """A list that does not fit: how many lines its box holds at the floor, how many its items need."""
    font = fonts[box.font or default][box.bold]
    floor = box.min_size_pt
    width, room = (box.w_mm - 2 * box.pad_mm) * mm, (box.h_mm - 2 * box.pad_mm) * mm
    indent = pdfmetrics.stringWidth(f"{len(items)}. ", font, floor) + 0.5 * mm
    needed = sum(len(wrap_text(item, font, floor, width - indent) or [""]) for item in items)
    return RequestError(
        f"Kolom '{name}' terlalu panjang untuk kotaknya: muat {int(room / (LEAD * floor) + 1e-6)} baris "
        f"(huruf {floor:g} pt), diterima {len(items)} butir dalam {needed} baris; singkat atau kurangi butirnya",
        fields=(name,),
    )


def lay_values(layout: BoxLayout, values: Mapping[str, str | list[str]], fonts: Fonts) -> list[tuple[Box, Laid]]:
    """Every box holding values, fitted where it stands once the empty ``when`` rows closed up;
    RequestError names a field whose value does not fit its box, TemplateError a placeholder
    ``values`` lacks or a list given to a box that is no list box."""
    missing = sorted(layout.fields - set(values))
    if missing:
        names = ", ".join(f"{{{m}}}" for m in missing)
        where = f"Formulir {Path(layout._source).name}" if layout._source else "Formulir"
        raise TemplateError(f"{where} memakai {names}, tetapi nilainya tidak ada; lengkapi data permintaannya")
    out: list[tuple[Box, Laid]] = []
    for i, box, parts in layout.arranged(layout.hidden(values)):
        names = [name for _, name in parts if name]
        if not names:
            continue  # a label: already in the static layer
        if box.is_list:
            items = _value(layout, values, names[0])
            if not isinstance(items, list):
                raise TemplateError(
                    f"Kotak {field_path(('box', i))} adalah daftar (list = true); kirim daftar, bukan teks"
                )
            laid = lay_list(box, fonts, layout.font, items)
            if laid is None:
                raise _list_too_long(names[0], box, fonts, layout.font, items)
            out.append((box, laid))
            continue
        text: list[str] = []
        for literal, name in parts:
            value = _value(layout, values, name) if name else ""
            if isinstance(value, list):
                raise TemplateError(f"Kolom {{{name}}} berisi daftar, tetapi kotaknya bukan list = true; tulis teks")
            text += [literal, value]
        whole = "".join(text)
        laid = lay_text(box, fonts, layout.font, whole)
        if laid is None:
            holds, lines = _holds(box, fonts, layout.font, whole)
            literal = sum(len(lit) for lit, _ in parts)
            raise _too_long(names, box, holds - literal, lines, len(whole) - literal, _label(layout, box))
        out.append((box, laid))
    return out


def lay_label(layout: BoxLayout, box: Box, index: int, fonts: Fonts, text: str) -> Laid:
    """A label (a box without placeholders) fitted; ConfigError names a label too long for its box."""
    laid = lay_text(box, fonts, layout.font, text)
    if laid is None:
        raise ConfigError(
            f"Tata letak {layout._source or 'formulir'} salah: teks {field_path(('box', index))} tidak muat di "
            f"kotaknya pada huruf {box.min_size_pt:g} pt; perbesar kotaknya atau pendekkan teksnya"
        )
    return laid


def lay_footer(layout: BoxLayout, fonts: Fonts, footer: Sequence[str]) -> Laid:
    """The verification footer lines fitted; ConfigError when the profile's wording outgrows the box."""
    laid = lay_text(layout.footer, fonts, layout.font, "\n".join(footer))
    if laid is None:
        raise ConfigError(
            f"Tata letak {layout._source or 'formulir'} salah: catatan kaki verifikasi tidak muat di [footer] pada "
            f"huruf {layout.footer.min_size_pt:g} pt; tinggikan [footer].h_mm atau pendekkan teks catatan kaki"
        )
    return laid
