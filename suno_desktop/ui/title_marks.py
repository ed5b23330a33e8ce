"""What the Title cell says beside the title: the playing mark, the clip's take, whether it was made from another.

Asked in the same call into Python as the cell's other roles (``value_of``): a dict
lookup for the task's takes and one for a cached icon, no more.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QIcon

from ..time_formats import format_duration
from .cell_looks import PlayingMarks, TakeMarks
from .clip_lineage import MADE_FROM
from .table_rows import TableRow


class TitleMarks:
    """The Title cell's icon: ▶/❚❚ on the playing row, a take badge in a task of several takes, ↳ on a derived clip."""

    def __init__(self) -> None:
        self._playing = PlayingMarks()
        self._takes = TakeMarks()

    def icon_for(self, item: TableRow, playing: tuple[str, bool], takes: int) -> QIcon | None:
        """*playing*: the clip in the player and whether it plays; *takes*: how many the row's task has."""
        play = playing[1] if item.row_id == playing[0] else None
        record = item.record
        take = record.position + 1 if record is not None and takes > 1 else 0
        derived = record is not None and record.parent_clip_id is not None
        if take or derived:
            return self._takes.icon_for(play, take, derived)
        return None if play is None else self._playing.icon_for(play)


def title_tooltip(title: str, item: TableRow, takes: int, row_for: Callable[[str], TableRow | None]) -> str:
    """The title, then "Take 2 of 2 · Extended from <parent> at 1:00" for a clip with takes or a parent."""
    record = item.record
    if record is None:
        return title
    parts = []
    if takes > 1:
        parts.append(f"Take {record.take} of {takes}" if record.take <= takes else f"Take {record.take}")
    if record.parent_clip_id:
        parent = row_for(record.parent_clip_id)
        name = (parent.title or "Untitled") if parent is not None else "a clip not in this library"
        at = f" at {format_duration(record.continue_at)}" if record.continue_at is not None else ""
        parts.append(f"{MADE_FROM.get(record.relation, 'Made from')} {name}{at}")
    return f"{title}\n{' · '.join(parts)}" if parts else title
