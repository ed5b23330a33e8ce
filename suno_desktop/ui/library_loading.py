"""Opening the library into the table: its rows first, then what the search reads; the files are checked after.

At 100,000 clips reading every clip takes most of a second on a worker. The table is
filled as soon as the rows are read; the search's words (every clip's title, style and
lyrics, folded) are read by a second worker while the window is already in use, and a
search typed meanwhile is applied when they arrive (see ``ClipTableModel.set_texts``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ..errors import ErrorKind, kind_of, sentence_of
from ..library.store import Library
from .clip_filter_proxy import ClipFilterProxy
from .clip_rows import LibraryRows, LibraryWords, clip_rows_of, library_rows, library_words
from .clip_table_model import ClipTableModel
from .folder_watch import FolderWatch
from .workers import WorkerPool

log = logging.getLogger(__name__)


class LibraryLoading(QObject):
    """Reads the library for the table on workers, and reads the clips again when their files may have changed."""

    loaded = Signal()  # the table is filled
    clips_read = Signal(list, list)  # records read again (their files changed, or they did) and their files
    library_gone = Signal(object, str)  # an ErrorKind and its sentence: the folder is gone
    message = Signal(str)
    error = Signal(str)

    def __init__(
        self,
        library: Library,
        model: ClipTableModel,
        proxy: ClipFilterProxy,
        workers: WorkerPool,
        folder_watch: FolderWatch,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.library, self.model, self.proxy, self.workers = library, model, proxy, workers
        self.folder_watch = folder_watch
        self._after_load: Callable[[], None] | None = None

    def load(self, then: Callable[[], None] | None = None) -> None:
        """Read every clip (not which files exist: that is read afterwards), fill the table, then run *then*.

        *then* (the first sync) runs once the search's words are in.
        """
        self._after_load = then
        self.message.emit("Opening the library…")
        self.workers.submit(library_rows, self.library, on_result=self._rows_read, on_error=self._unreadable)

    def _unreadable(self, exc: BaseException) -> None:
        if kind_of(exc) == ErrorKind.LIBRARY:  # the folder is gone: the bar above the table says so
            self.library_gone.emit(ErrorKind.LIBRARY, str(exc))
            return
        log.error("reading the library %s failed", self.library.root, exc_info=exc)
        self.error.emit(f"The library in {self.library.root} could not be read: {sentence_of(exc)}")

    def _rows_read(self, result: LibraryRows) -> None:
        self.model.set_records(result.rows, result.on_disk, words_later=True)
        self.message.emit(f"{self.model.clip_count()} clip(s) in {self.library.root}")
        self.loaded.emit()
        # the rest once the table is painted: workers started now would hold the GIL the first paint waits for
        QTimer.singleShot(0, self, self._read_the_rest)  # (not after the window is gone)

    def _read_the_rest(self) -> None:
        """The search's words first, then the rest, one after the other.

        Run side by side, a stat per file (which releases and takes back the GIL each time) and
        the folding of every clip's words took ~1 s together, against ~0.6 s in turn.
        """
        rows = self.model.rows()
        self.workers.submit(library_words, self.library, rows, on_result=self._words_read, on_error=self._words_failed)

    def _words_read(self, words: LibraryWords) -> None:
        self.model.set_texts(words.rows, words.texts, words.words, words.columns)
        self.folder_watch.watch_folders(words.folders)
        self._read_files()

    def _words_failed(self, exc: BaseException) -> None:
        self._unreadable(exc)
        self._read_files()

    def _read_files(self) -> None:
        """Which files are really there (as after any change in the folders), the added times, then the first sync."""
        self.workers.submit(self.library.file_states, self.model.records(), on_result=self.files_checked)
        self.proxy.added_times = {}
        self.read_added_times()
        then, self._after_load = self._after_load, None
        if then is not None:  # the first sync's pass over every clip would slow the reads above down
            QTimer.singleShot(0, self, then)

    def read_added_times(self) -> None:
        """When each task was added, for ``added:`` in the search: those added since the last read (after a sync).

        A task's time never changes; reading every task's again after each sync held the GIL
        for ~25 ms at 50,000 tasks, while the user typed. (Those added after the latest known:
        the ids added in one batch share its time, and are read together.)
        """
        known = self.proxy.added_times
        since = max(known.values(), default=float("-inf"))
        self.workers.submit(self.library.task_added_times, since, on_result=known.update)

    def files_checked(self, states: list) -> None:
        """After a read of the files: rows older than the library are read again, files found gone or back shown."""
        changed, files = self.model.differences(states)
        self.model.set_files(files)
        if changed:
            # (the folders of their files are watched as they arrive)
            self.workers.submit(clip_rows_of, self.library, changed, on_result=lambda rows: self.clips_read.emit(*rows))
