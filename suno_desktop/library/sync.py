"""Keeping the library in step with the relay.

The work comes in three kinds of unit, each safe to run on any worker thread:

* :meth:`SyncEngine.fetch` — one poll round: ask the relay about some tasks (in
  batches) and store what it says;
* :meth:`SyncEngine.plan` — look at the disk and decide, per clip, what is
  missing: files to download, tags to rewrite, a file to rename;
* :meth:`SyncEngine.run_job` — do that for one clip (:mod:`.clip_work`), and
  :meth:`SyncEngine.commit_writes` — make the new files of the jobs done so far
  durable and record them, in one batch (:mod:`.write_batch`).

The GUI schedules these units on ``QThreadPool`` workers; :meth:`SyncEngine.sync`
is the command line's scheduler, with threads of its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SunoError
from ..media.download import MediaSession, make_media_session
from ..media.tagging import TagOptions, read_clip_id
from ..model import NOT_FOUND_REASON, ClipRecord, ClipState, TaskStatus
from ..relay.client import RelayClient
from ..relay.errors import ConfigurationError
from ..retry_policy import DEFAULT_RETRY, RetryPolicy
from .clip_files import ClipFiles, FileKind
from .clip_work import ClipJob, ClipOutcome, ClipWorker, tag_key_of
from .filenames import DEFAULT_TEMPLATE, render_stem
from .leftovers import remove_stale_parts
from .polling import MAX_POLL_SECONDS, FetchResult, PollRound
from .store import Library
from .sync_runner import SyncRunner
from .tagged_files import cover_beside, media_files

if TYPE_CHECKING:
    from ..settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncOptions:
    download_video: bool = True
    jobs: int = 4
    filename_template: str = DEFAULT_TEMPLATE
    tag_options: TagOptions = field(default_factory=TagOptions)
    poll_interval: float = 5.0
    max_poll_interval: float = MAX_POLL_SECONDS
    timeout: float = 600.0
    retry: RetryPolicy = DEFAULT_RETRY  # how the media downloads try again (the relay client has its own)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> SyncOptions:
        options = cls(
            download_video=settings.download_video,
            jobs=settings.download_jobs,
            filename_template=settings.filename_template,
            tag_options=TagOptions(
                id3_version=settings.id3_version,
                artist=settings.artist,
                album=settings.album,
                lyrics_language=settings.lyrics_language,
            ),
            poll_interval=settings.poll_interval,
            retry=settings.retry_policy(),
        )
        return replace(options, **overrides)


@dataclass
class SyncReport:
    tasks_synced: int = 0
    still_pending: list[str] = field(default_factory=list)
    failed_tasks: dict[str, str] = field(default_factory=dict)
    failed_clips: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (title, reason)
    clips_done: int = 0
    files_downloaded: int = 0
    files_written: int = 0
    bytes_downloaded: int = 0
    api_requests: int = 0
    cancelled: bool = False
    leftovers_removed: int = 0  # hidden .part files no download would go on with
    elapsed: float = 0.0
    error: SunoError | None = None  # the relay could not be asked at all

    @property
    def ok(self) -> bool:
        return not (self.still_pending or self.failed_tasks or self.failed_clips or self.cancelled or self.error)


class SyncObserver:
    """Progress callbacks. Called from worker threads: the GUI forwards them by signals."""

    def tasks_fetched(self, result: FetchResult) -> None: ...

    def clip_started(self, job: ClipJob) -> None: ...

    def clip_progress(self, clip_id: str, done: int, total: int | None) -> None: ...

    def clip_finished(self, outcome: ClipOutcome) -> None: ...

    def overall_progress(self, done: int, total: int) -> None: ...

    def waiting(self, pending: int, seconds: float) -> None: ...


class SyncEngine:
    def __init__(
        self,
        library: Library,
        client: RelayClient | None,
        options: SyncOptions | None = None,
        *,
        observer: SyncObserver | None = None,
        cancel: threading.Event | None = None,
        media_session: MediaSession | None = None,
    ) -> None:
        self.library = library
        self.client = client
        self.options = options or SyncOptions()
        self.observer = observer or SyncObserver()
        self.cancel = cancel or threading.Event()
        self._own_session = media_session is None
        self.media_session = media_session or make_media_session(
            pool_size=max(4, self.options.jobs), retry=self.options.retry
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
            raise ConfigurationError("No relay is configured: set the base URL and token in Settings.")
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

    def plan(self, clip_ids: Iterable[str] | None = None) -> list[ClipJob]:
        """Decide what each clip needs. Marks vanished files missing, finds moved ones."""
        self.library.check_available()
        wanted = None if clip_ids is None else set(clip_ids)
        self._moved_index = None
        jobs = []
        for record in self.library.clips():
            if wanted is not None and record.clip_id not in wanted:
                continue
            job = self._plan_clip(record)
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

    def sync(self, task_ids: Iterable[str] | None = None, *, refresh: bool = False) -> SyncReport:
        """Add and sync *task_ids*, or re-sync the whole library when None, on threads of its own.

        The command line's entry point; the window runs the same units on its own
        workers. Clips are downloaded while other tasks are still pending.
        """
        started = time.monotonic()
        report = SyncReport()
        requests_before = self.client.requests_sent if self.client else 0
        SyncRunner(self).run(task_ids, refresh, report)
        if self.library.lock.held:  # no other process downloads now, and this one is done
            report.leftovers_removed = remove_stale_parts(self.library)
        report.api_requests = (self.client.requests_sent - requests_before) if self.client else 0
        report.elapsed = time.monotonic() - started
        return report

    # ------------------------------------------------------------------ planning

    def _plan_clip(self, record: ClipRecord) -> ClipJob | None:
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

    def _stem(self, record: ClipRecord) -> str:
        """The name the template gives *record*'s files; ``{artist}`` is the one in the tags."""
        return render_stem(self.options.filename_template, record.to_clip(), artist=self.options.tag_options.artist)

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
