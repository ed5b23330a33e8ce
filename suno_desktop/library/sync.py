"""Keeping the library in step with the relay.

The work comes in three kinds of unit, each safe to run on any worker thread:

* :meth:`SyncEngine.fetch` — one poll round: ask the relay about some tasks (in
  batches) and store what it says;
* :meth:`SyncEngine.plan` — look at the disk and decide, per clip, what is
  missing: files to download, tags to rewrite, a file to rename;
* :meth:`SyncEngine.run_job` — do that for one clip (:mod:`.clip_work`), and
  :meth:`SyncEngine.commit_writes` — make the new files of the jobs done so far
  durable and record them, in one batch (:mod:`.write_batch`).

One scheduler runs these units for every front end: :class:`.sync_session.SyncSession`
(the window gives it ``QThreadPool`` threads; :meth:`SyncEngine.sync` runs one
session to its end on plain threads).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..media.download import MediaSession, make_media_session
from ..media.tagging import read_clip_id
from ..model import NOT_FOUND_REASON, ClipRecord, ClipState, TaskStatus
from ..relay.client import RelayClient
from ..relay.errors import ConfigurationError
from .clip_files import ClipFiles, FileKind
from .clip_work import ClipWorker, file_stem_of, tag_key_of
from .file_ratings import rating_from_file
from .polling import FetchResult, PollRound
from .store import Library
from .sync_session import SyncSession
from .sync_types import ClipJob, ClipOutcome, SyncObserver, SyncOptions, SyncReport
from .tagged_files import cover_beside, media_files
from .transfer_width import TransferWidth

#: what the session is told when no relay is set up and nothing more precise is known
NO_RELAY = "No relay is set up: enter the relay's base URL and API token in Settings."

log = logging.getLogger(__name__)


class SyncEngine:
    """The units of a sync (see the module's docstring), for one library, relay client and set of options."""

    def __init__(
        self,
        library: Library,
        client: RelayClient | None,
        options: SyncOptions | None = None,
        *,
        observer: SyncObserver | None = None,
        cancel: threading.Event | None = None,
        media_session: MediaSession | None = None,
        configuration_error: str = "",
    ) -> None:
        self.library = library
        self.client = client
        self.configuration_error = configuration_error  # why the settings gave no client, in their words
        self.options = options or SyncOptions()
        self.observer = observer or SyncObserver()
        self.cancel = cancel or threading.Event()
        self._own_session = media_session is None
        self.media_session = media_session or make_media_session(
            pool_size=max(4, self.options.jobs + 1), retry=self.options.retry
        )
        self._moved_index: dict[str, dict[str, Path]] | None = None
        self._known_covers: frozenset[Path] = frozenset()
        self._index_lock = threading.Lock()
        self._worker = ClipWorker(library, self.options, self.media_session, self.observer, self.cancel)

    def close(self) -> None:
        if self._own_session:
            self.media_session.close()

    # ------------------------------------------------------------------ units of work

    def fetch(self, task_ids: Iterable[str]) -> FetchResult:
        """One poll round for *task_ids*: at most one API request per 50 tasks."""
        if self.client is None:
            raise self.no_relay()
        ids = list(dict.fromkeys(task_ids))
        result = FetchResult()
        if not ids:
            return result
        tasks = self.client.fetch_tasks(ids)
        for task_id, task in tasks.items():
            changes = self.library.save_task(task)
            result.new_clips += [change.clip_id for change in changes if change.is_new]
            result.tasks[task_id] = task
        for task_id in ids:
            if task_id in tasks:
                continue
            self.library.add_task_ids([task_id])
            rejected = tasks.unreadable.get(task_id)
            if rejected:  # the relay answered, but not in a shape we understand: ask again later
                self.library.set_task_error(task_id, rejected)
                result.malformed[task_id] = rejected
            else:
                self.library.set_task_error(task_id, NOT_FOUND_REASON, status=TaskStatus.UNKNOWN)
                result.not_found.append(task_id)
        self.observer.tasks_fetched(result)
        return result

    def plan(self, clip_ids: Iterable[str] | None = None, *, busy: frozenset[str] = frozenset()) -> list[ClipJob]:
        """Decide what each clip needs. Marks vanished files missing, finds moved ones.

        The files of *busy* clips (their jobs are running) are not read for ratings: a
        job may have written them and not yet recorded what they hold.
        """
        self.library.check_available()
        wanted = None if clip_ids is None else set(clip_ids)
        self._moved_index = None
        jobs = []
        for batch in self.library.clip_batches():  # 100,000 clips with their lyrics are ~150 MB: never all at once
            for record in batch:
                if wanted is not None and record.clip_id not in wanted:
                    continue
                job = self._plan_clip(record, read_rating=record.clip_id not in busy)
                if job is not None:
                    jobs.append(job)
        return jobs

    def run_job(self, job: ClipJob) -> list[ClipOutcome]:
        """Download, rename and tag one clip (see :mod:`.clip_work`).

        Returns the outcomes that became final: the clip's own when nothing new had to
        be written or it failed, else those of a whole batch of clips when this job
        filled it (or nothing yet). Whoever runs the jobs calls :meth:`commit_writes`
        when the last one is done.
        """
        return self._worker.run(job)

    def commit_writes(self) -> list[ClipOutcome]:
        """Make the files staged so far durable, give them their names, record their clips."""
        return self._worker.commit()

    def poll(self, task_ids: Iterable[str]) -> PollRound:
        """One poll round, read for the next one (see :class:`.polling.PollRound`)."""
        ids = list(dict.fromkeys(task_ids))
        return PollRound(ids, self.fetch(ids))

    def measure_transfers(self, width: TransferWidth) -> None:
        self._worker.transfer_width = width

    def no_relay(self) -> ConfigurationError:
        return ConfigurationError(self.configuration_error or NO_RELAY)

    def sync(
        self, task_ids: Iterable[str] | None = None, *, refresh: bool = False, lock_wait: float = 10.0
    ) -> SyncReport:
        """Add and sync *task_ids*, or re-sync the whole library when None, until the tasks are final.

        One :class:`.sync_session.SyncSession` on plain threads, run to its end (the
        command line's way); clips are downloaded while other tasks are still pending.
        """
        session = SyncSession(self, lock_wait=lock_wait)
        return session.run(task_ids, refresh=refresh, timeout=self.options.timeout)

    # ------------------------------------------------------------------ planning

    def _plan_clip(self, record: ClipRecord, *, read_rating: bool = True) -> ClipJob | None:
        if not record.is_finished_song:
            return None
        lib = self.library
        need: set[FileKind] = set()
        vanished = False
        for kind in FileKind:
            if not kind.url_of(record) or (kind is FileKind.VIDEO and not self.options.download_video):
                continue
            relative = kind.relative_of(record)
            if relative and (lib.root / relative).is_file():
                continue
            vanished = vanished or bool(relative)
            moved = self._find_moved(record.clip_id, kind.suffix) if kind.tagged else self._cover_beside_song(record)
            if moved is not None:
                record = self._set_path(record, kind, lib.relative(moved))
                log.info("found %s of clip %s moved to %s", kind.value, record.clip_id, moved)
            else:
                if relative:
                    record = self._set_path(record, kind, None)
                need.add(kind)
        if vanished and need:
            lib.update_clip(record.clip_id, state=ClipState.MISSING)
        if read_rating and FileKind.AUDIO not in need and record.audio_path:
            record = self._rating_from_file(record)
        files = ClipFiles.of(record, lib)
        retag = files.has_tagged_file and record.tag_key != tag_key_of(record, files, self.options)
        # The tag key covers every field the name is made of, and the template: when it
        # matches, the name cannot have changed (and rendering 50,000 names is skipped).
        stem = None
        if record.file_stem and files.any and (retag or not files.has_tagged_file):
            stem = self._stem(record)
        rename = stem is not None and record.file_stem != stem
        if not (need or rename or retag):
            if record.state != ClipState.READY:
                lib.update_clip(record.clip_id, state=ClipState.READY, error="")
            return None
        stem = stem or self._stem(record)
        wanted = {kind.value: kind in need for kind in FileKind}
        return ClipJob(record.clip_id, record.title, stem, retag=retag, rename=rename, **wanted)

    def _rating_from_file(self, record: ClipRecord) -> ClipRecord:
        """A rating another player wrote into the song since the app last looked becomes the clip's."""
        stars, columns = rating_from_file(record, self.library.root / record.audio_path)
        if columns:
            self.library.update_clip(record.clip_id, **columns)
            record = replace(record, **columns)
        if stars is not None and stars != record.rating:
            self.library.set_rating([record.clip_id], stars)
            record = replace(record, rating=stars)
        return record

    def _stem(self, record: ClipRecord) -> str:
        return file_stem_of(record, self.options)

    def _set_path(self, record: ClipRecord, kind: FileKind, relative: str | None) -> ClipRecord:
        self.library.update_clip(record.clip_id, **{kind.column: relative})
        return replace(record, **{kind.column: relative})

    def _find_moved(self, clip_id: str, suffix: str | None) -> Path | None:
        """A file the user moved inside the library, recognised by the clip id in its tags."""
        with self._index_lock:
            if self._moved_index is None:
                self._moved_index = self._scan_for_clip_ids()
            return self._moved_index.get(clip_id, {}).get(suffix)

    def _cover_beside_song(self, record: ClipRecord) -> Path | None:
        """A cover left beside the clip's song under the same name (a crash before it was recorded)."""
        if not record.audio_path:
            return None
        with self._index_lock:
            if self._moved_index is None:
                self._moved_index = self._scan_for_clip_ids()
            known = self._known_covers
        return cover_beside(self.library.root / record.audio_path, known)

    def _scan_for_clip_ids(self) -> dict[str, dict[str, Path]]:
        """The tagged files no clip records yet, by clip id and suffix (and the covers clips do record)."""
        known = set()
        covers = set()
        for record in self.library.clips(include_removed=True):
            for relative in (record.audio_path, record.video_path):
                if relative:
                    known.add(relative)
            if record.cover_path:
                covers.add(self.library.root / record.cover_path)
        self._known_covers = frozenset(covers)
        index: dict[str, dict[str, Path]] = {}
        root = self.library.root
        for path in media_files(root):
            if path.relative_to(root).as_posix() in known:
                continue
            clip_id = read_clip_id(path)
            if clip_id:
                index.setdefault(clip_id, {})[path.suffix.lower()] = path
        return index
