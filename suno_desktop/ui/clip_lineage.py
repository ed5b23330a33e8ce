"""The detail pane's "Take 1 of 2 · Extended from <parent> at 1:00 · Extensions: …", links that select.

The takes of a task and a clip's extensions are read from the library on a
worker (two indexed queries: by task, by parent) when the current clip changes;
the answer is shown only if that clip is still the one in the pane.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from ..library.store import Library
from ..model import ClipRecord, ClipRelation
from ..time_formats import format_duration
from .workers import WorkerPool

#: how each relation reads in front of the parent's title
MADE_FROM = {
    ClipRelation.EXTENSION: "Extended from",
    ClipRelation.CONCAT: "Stitched from",
    ClipRelation.EDIT: "Edited from",
    ClipRelation.SECTION_REPLACE: "Section replaced in",
    ClipRelation.SPEED_EDIT: "Speed changed from",
    ClipRelation.COVER: "Cover of",
    ClipRelation.REMASTER: "Remaster of",
    ClipRelation.DERIVED: "Made from",
}
LINK_PREFIX = "clip:"


@dataclass(frozen=True)
class Lineage:
    """What the pane says of one clip's relatives."""

    clip_id: str
    take: int
    takes: int
    parent: ClipRecord | None
    relation: ClipRelation
    continue_at: float | None
    extensions: tuple[ClipRecord, ...]


def read_lineage(library: Library, record: ClipRecord) -> Lineage:
    """The clip's takes, parent and extensions (on a worker)."""
    takes = [r for r in library.clips(task_ids=[record.task_id]) if r.kind == record.kind]
    parent = library.clip(record.parent_clip_id) if record.parent_clip_id else None
    children = tuple(r for r in library.children_of(record.clip_id) if not r.removed)
    take = next((n for n, r in enumerate(takes, start=1) if r.clip_id == record.clip_id), record.take)
    return Lineage(record.clip_id, take, len(takes), parent, record.relation, record.continue_at, children)


def lineage_html(lineage: Lineage, parent_id: str | None) -> str:
    """The sentence, with each related clip a link (``clip:<id>``)."""
    parts = [f"Take {lineage.take} of {lineage.takes}"] if lineage.takes > 1 else []
    if parent_id:
        made = MADE_FROM.get(lineage.relation, "Made from")
        if lineage.parent is not None:
            name = _link(lineage.parent)
        else:
            name = f"a clip not in this library ({html.escape(parent_id[:8])})"
        at = format_duration(lineage.continue_at) if lineage.continue_at is not None else ""
        parts.append(f"{made} {name}" + (f" at {at}" if at else ""))
    if lineage.extensions:
        parts.append("Extensions: " + ", ".join(_link(child) for child in lineage.extensions))
    return " · ".join(parts)


def _link(record: ClipRecord) -> str:
    title = html.escape(record.title or "Untitled")
    return f'<a href="{LINK_PREFIX}{html.escape(record.clip_id)}">{title}</a>'


class LineageLabel(QLabel):
    """The pane's lineage line: rich text whose links select the clip they name."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("detailLineage")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hide()


class ClipLineage(QObject):
    """Looks up the current clip's relatives and shows them in a :class:`LineageLabel`."""

    def __init__(
        self, library: Library, workers: WorkerPool, label: LineageLabel, select: Callable[[str], None]
    ) -> None:
        super().__init__(label)
        self.library, self.workers, self.label = library, workers, label
        self._shown_for: str | None = None
        label.linkActivated.connect(lambda href: select(href.removeprefix(LINK_PREFIX)))

    def show_for(self, record: ClipRecord | None) -> None:
        if record is None:
            self._shown_for = None
            self.label.hide()
            return
        if record.clip_id != self._shown_for:
            self.label.hide()  # another clip: nothing of the last one's relatives stays shown
        self._shown_for = record.clip_id
        parent_id = record.parent_clip_id
        self.workers.submit(
            read_lineage, self.library, record, on_result=lambda lineage: self._show(lineage, parent_id)
        )

    def _show(self, lineage: Lineage, parent_id: str | None) -> None:
        if lineage.clip_id != self._shown_for:
            return  # the pane moved on
        text = lineage_html(lineage, parent_id)
        self.label.setText(text)
        self.label.setVisible(bool(text))
