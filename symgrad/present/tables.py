"""Tables: one plain-text table and one escaped HTML table for every result.

:func:`text_table` aligns columns with two spaces between them (the last column is
not padded); :func:`html_table` builds an HTML table whose cells are escaped (a
:class:`~symgrad.present.html.Markup` cell is trusted HTML built by symgrad), with
an optional caption, right-aligned numeric columns, fixed column widths, and a gap
row for a ``None`` row (from :func:`elide`, which cuts a long table to its first
and last rows).

>>> print(text_table(["format", "value"], [["float64", "1e-1"], ["bfloat16", "1.001e-1"]]))
format    value
float64   1e-1
bfloat16  1.001e-1
>>> html_table(["k", "equal"], [["1", "yes"], None, ["9", "a<b"]], caption="demo")
'<table><caption>demo</caption><thead><tr><th>k</th><th>equal</th></tr></thead><tbody><tr><td>1</td><td>yes</td></tr><tr><td>\u22ef</td><td></td></tr><tr><td>9</td><td>a&lt;b</td></tr></tbody></table>'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from symgrad.present.html import table

__all__ = ["GAP", "MAX_ROWS", "elide", "html_table", "text_table"]

#: what a cut row or column shows (midline horizontal ellipsis)
GAP = "\u22ef"
#: rows shown before a long table is cut (first and last half of them are kept)
MAX_ROWS = 20

T = TypeVar("T")


def elide(items: Sequence[T], limit: int = MAX_ROWS) -> list[T | None]:
    """``items``, or their first and last ``limit // 2`` with ``None`` for the gap.

    >>> elide(list(range(7)), limit=4)
    [0, 1, None, 5, 6]
    """
    if len(items) <= limit:
        return list(items)
    half = limit // 2
    return [*items[:half], None, *items[len(items) - half:]]


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], *,
               strip: bool = True) -> str:
    """A plain aligned text table: every column but the last padded to its width, two
    spaces between columns; ``strip`` removes trailing spaces from each line."""
    lines = [list(header), *(list(r) for r in rows)]
    widths = [max(len(r[i]) for r in lines) for i in range(len(header) - 1)]
    out = ["  ".join([*(c.ljust(w) for c, w in zip(r, widths)), r[-1]]) for r in lines]
    return "\n".join(line.rstrip() if strip else line for line in out)


def html_table(headers: Sequence[str], rows: Sequence[Sequence[object] | None], *,
               caption: str = "", numeric: Sequence[int] = (),
               widths: Sequence[int] = ()) -> str:
    """An escaped HTML table; a ``None`` row shows as a gap.  ``numeric`` lists the
    columns to right-align, ``widths`` (percentages) fixes the layout of wide tables."""
    gap = [GAP, *([""] * (len(headers) - 1))]
    return table(headers, [gap if r is None else r for r in rows], caption=caption,
                 numeric=numeric, widths=widths)
