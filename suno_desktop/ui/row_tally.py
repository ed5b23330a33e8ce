"""Which of the clip table's rows stand for no clip, and which tasks have clips: kept as rows come and go.

The model counts its clips, tasks and submissions for the status bar, and drops a
task's row read before its clips arrived; both would otherwise walk 100,000 rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import compress
from operator import attrgetter, not_

from .table_rows import SubmissionRow, TableRow, TaskRow


class RowTally:
    """The rows that stand for no clip, by kind and by id, and the tasks that have clips among the rows."""

    __slots__ = ("placeholder_ids", "placeholders", "tasks_with_clips")

    def __init__(self, rows: Iterable[TableRow] = ()) -> None:
        self.placeholders: Counter[type] = Counter()
        self.placeholder_ids: set[str] = set()
        self.tasks_with_clips: set[str] = set()  # never forgets one: a task's clips, once here, replace its row
        rows = list(rows)
        placeholder = list(map(attrgetter("is_placeholder"), rows))
        self.count(compress(rows, placeholder), +1)
        # the clips' tasks in C: a library's 100,000 rows one by one took ~20 ms of filling the window
        self.tasks_with_clips.update(map(attrgetter("task_id"), compress(rows, map(not_, placeholder))))

    def count(self, rows: Iterable[TableRow], step: int) -> None:
        """Rows come (*step* +1) or go (-1)."""
        for item in rows:
            if item.is_placeholder:
                self.placeholders[type(item)] += step
                (self.placeholder_ids.add if step > 0 else self.placeholder_ids.discard)(item.row_id)
            elif step > 0:
                self.tasks_with_clips.add(item.task_id)

    @property
    def placeholder_count(self) -> int:
        return self.placeholders.total()

    @property
    def tasks(self) -> int:
        return self.placeholders[TaskRow]

    @property
    def submissions(self) -> int:
        return self.placeholders[SubmissionRow]
