"""How wide each column of a printed list is (services.list_spec's 인쇄): as wide as what it holds,
an empty column at the minimum, long text capped and wrapped, a Hangul syllable counted double."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

# Column widths are counted in half-width characters: a Hangul syllable (or any wide character)
# counts two, a digit or Latin letter one.
MIN_COLUMN = 4  # an empty column still shows its header, folded over two lines
MAX_COLUMN = 40  # long text (접수사항, 주소) wraps beyond this rather than crowd the others out
CELL_PADDING = 2  # the cell's own padding, and Latin digits running a little wider than half a syllable
# About how many half-width characters of 8pt text fit across an A4 landscape page with 1cm margins
# (27.7cm): when the columns need more, only the widest give way, so a date or a phone number
# never wraps to make room for a long 접수사항.
LINE_ROOM = 175


def display_width(text: str) -> int:
    """How wide `text` prints: wide (Hangul, CJK) characters count two, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    minimum: int = MIN_COLUMN,
    cap: int = MAX_COLUMN,
    room: int = LINE_ROOM,
) -> list[float]:
    """Each column's share of the table width in percent (summing to 100), from its longest cell
    (capped at `cap`) and the longest word of its header. A column that is empty on every row
    gets only `minimum`, so unused columns (분류 nobody filled) leave their room to the text.
    When the columns together need more than `room`, the widest are narrowed to one level (their
    text wraps) and the others keep what they need."""
    longest = [0] * len(headers)
    for row in rows:
        for index, value in enumerate(row):
            if index < len(longest) and value is not None:
                longest[index] = max(longest[index], display_width(str(value).strip()))
    wanted = []
    for header, content in zip(headers, longest, strict=True):
        if content == 0:
            wanted.append(minimum + CELL_PADDING)
            continue
        header_word = max((display_width(word) for word in header.split()), default=0)
        wanted.append(max(min(content, cap), min(header_word, cap), minimum) + CELL_PADDING)
    if not wanted:
        return []
    widths = [float(w) for w in wanted]
    if sum(wanted) > room:
        level = _level(wanted, room)
        widths = [min(w, level) for w in wanted]
    total = sum(widths)
    shares = [round(100 * width / total, 1) for width in widths]
    widest = shares.index(max(shares))
    shares[widest] = round(shares[widest] + 100 - sum(shares), 1)  # what rounding lost goes to the widest
    return shares


def _level(wanted: Sequence[int], room: int) -> float:
    """The width L at which the columns, each given min(wanted, L), fill `room` exactly (never
    below the narrowest column's need: then all shrink alike)."""
    ordered = sorted(wanted)
    below = 0  # the room the columns narrower than the level take
    for index, width in enumerate(ordered):
        share = (room - below) / (len(ordered) - index)  # the level if this and all wider ones meet it
        if share <= width:
            return max(share, ordered[0])
        below += width
    return float(ordered[-1])
