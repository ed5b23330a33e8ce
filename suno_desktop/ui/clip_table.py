"""The clip table and what stands behind it, as one value the window hands to its commands, menus and prompts."""

from __future__ import annotations

from dataclasses import dataclass

from .clip_filter_proxy import ClipFilterProxy
from .clip_table_model import ClipTableModel
from .clip_table_view import ClipTableView
from .main_toolbar import SearchBox


@dataclass(frozen=True)
class ClipTable:
    """The view the user clicks, the search that filters it, and the models under it.

    What acts on the table's rows needs these four and nothing else of the window.
    """

    view: ClipTableView
    proxy: ClipFilterProxy
    model: ClipTableModel
    search: SearchBox
