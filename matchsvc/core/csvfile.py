"""CSV downloads for spreadsheets: UTF-8 with a byte-order mark (so that Excel reads Chinese
right) and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet must show it: text that would start a formula gets a leading
    apostrophe; None is an empty cell; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document with a header row, every cell made safe, starting with a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
