"""Keeping the library in step with the relay.

The work comes in three kinds of unit, each safe to run on any worker thread:

* :meth:`SyncEngine.fetch` — one poll round: ask the relay about some tasks (in
  batches) and store what it says;
* :meth:`SyncEngine.plan` — look at the disk and decide, per clip, what is
  missing: files to download, tags to rewrite, a file to rename;
* :meth:`SyncEngine.run_job` — do that for one clip.

The GUI schedules these units on ``QThreadPool`` workers; :meth:`SyncEngine.sync`
is the command line's scheduler, with threads of its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ErrorKind, SunoError, kind_of, sentence_of
from ..media.download import (
    DownloadCancelled,
    DownloadError,
    MediaSession,
    download_file,
    free_path,
    make_media_session,
    sync_directory,
)
from ..media.leading_tag import finish_mp3, id3_prefix
from ..media.tagging import TaggingError, TagOptions, load_cover, read_clip_id, write_id3_tags, write_mp4_tags
from ..relay.client import RelayClient
from ..relay.errors import ConfigurationError
from .filenames import DEFAULT_TEMPLATE, render_stem
from .polling import MAX_POLL_SECONDS, FetchResult, PollRound, SyncCancelled
from .store import DB_DIR_NAME, NOT_FOUND_REASON, ClipRecord, ClipState, Library, LibraryUnavailable
from .sync_runner import SyncRunner

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

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> SyncOptions:
        options = cls(
            download_video=settings.download_video,
            jobs=settings.jobs,
            filename_template=settings.filename_template,
            tag_options=TagOptions(
                id3_version=settings.id3_version,
                artist=settings.artist,
                album=settings.album,
                lyrics_language=settings.lyrics_language,
            ),
            poll_interval=settings.poll_interval,
        )
        return replace(options, **overrides)


@dataclass(frozen=True)
class ClipJob:
    """What one clip needs; an empty job is never created."""

    clip_id: str
    title: str
    stem: str
    audio: bool = False
    cover: bool = False
    video: bool = False
    retag: bool = False
    rename: bool = False

    @property
    def downloads(self) -> int:
        return int(self.audio) + int(self.cover) + int(self.video)


@dataclass
class ClipOutcome:
    clip_id: str
    title: str
    ok: bool
    error: str = ""
    error_kind: ErrorKind | None = None
    cancelled: bool = False
    files_downloaded: int = 0
    bytes_downloaded: int = 0
    files_written: int = 0  # downloads + tag rewrites + renames


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
        self.media_session = media_session or make_media_session(pool_size=max(4, self.options.jobs))
        self._moved_index: dict[str, dict[str, Path]] | None = None
        self._index_lock = threading.Lock()

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
            self.library.save_task(task)
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
                self.library.set_task_error(task_id, NOT_FOUND_REASON, status="UNKNOWN")
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

    def run_job(self, job: ClipJob) -> ClipOutcome:
        """Download, rename and tag one clip; the database records what landed."""
        outcome = ClipOutcome(job.clip_id, job.title, ok=False)
        record = self.library.clip(job.clip_id)
        if record is None or record.removed:
            outcome.ok = True
            return outcome
        self.observer.clip_started(job)
        if job.downloads:
            self.library.update_clip(job.clip_id, state=ClipState.DOWNLOADING)
        paths = {
            "audio_path": self.library.absolute(record.audio_path),
            "cover_path": self.library.absolute(record.cover_path),
            "video_path": self.library.absolute(record.video_path),
        }
        try:
            self._check_cancel()
            folder = paths["audio_path"].parent if paths["audio_path"] else self.library.root
            if job.rename:
                self._rename_files(paths, folder, job.stem, outcome)
            tagged = self._download_files(job, record, paths, folder, outcome)
            self._tag_files(record, paths, outcome, tagged)
        except (DownloadCancelled, SyncCancelled):
            outcome.cancelled = True
            outcome.error = "cancelled"
            self._save_paths(job.clip_id, paths, state=ClipState.MISSING)
        except (DownloadError, TaggingError, OSError) as exc:
            if self._library_gone(outcome):
                return outcome
            outcome.error = sentence_of(exc)
            outcome.error_kind = kind_of(exc)
            log.warning("clip %s failed: %s", job.clip_id, outcome.error)
            self._save_paths(job.clip_id, paths, state=ClipState.FAILED, error=outcome.error)
        else:
            outcome.ok = True
            self._save_paths(
                job.clip_id,
                paths,
                state=ClipState.READY,
                error="",
                file_stem=job.stem,
                tag_key=self._tag_key(record, paths),
            )
        self.observer.clip_finished(outcome)
        return outcome

    def _library_gone(self, outcome: ClipOutcome) -> bool:
        """A failure because the folder vanished (unplugged drive) is not the clip's fault.

        Nothing is recorded: the clip keeps its state and is done again when the
        folder is back.
        """
        try:
            self.library.check_available()
        except LibraryUnavailable as exc:
            outcome.cancelled = True
            outcome.error = str(exc)
            log.warning("clip %s stopped: %s", outcome.clip_id, outcome.error)
            self.observer.clip_finished(outcome)
            return True
        return False

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
        report.api_requests = (self.client.requests_sent - requests_before) if self.client else 0
        report.elapsed = time.monotonic() - started
        return report

    # ------------------------------------------------------------------ planning

    def _plan_clip(self, record: ClipRecord) -> ClipJob | None:
        if record.kind != "music" or record.removed or record.relay_status != "complete":
            return None
        lib = self.library
        need = {"audio": False, "cover": False, "video": False}
        vanished = False
        for kind, column, url, suffix in (
            ("audio", "audio_path", record.audio_url, ".mp3"),
            ("cover", "cover_path", record.image_url, None),
            ("video", "video_path", record.video_url, ".mp4"),
        ):
            if not url or (kind == "video" and not self.options.download_video):
                continue
            relative = getattr(record, column)
            if relative and (lib.root / relative).is_file():
                continue
            if relative:
                vanished = True
            moved = self._find_moved(record.clip_id, suffix) if suffix else None
            if moved is not None:
                lib.update_clip(record.clip_id, **{column: lib.relative(moved)})
                setattr(record, column, lib.relative(moved))
                log.info("found %s of clip %s moved to %s", kind, record.clip_id, moved)
                continue
            if relative:
                lib.update_clip(record.clip_id, **{column: None})
                setattr(record, column, None)
            need[kind] = True
        if vanished and any(need.values()):
            lib.update_clip(record.clip_id, state=ClipState.MISSING)
        paths = {
            "audio_path": lib.absolute(record.audio_path),
            "cover_path": lib.absolute(record.cover_path),
            "video_path": lib.absolute(record.video_path),
        }
        has_tagged_file = paths["audio_path"] is not None or paths["video_path"] is not None
        retag = has_tagged_file and record.tag_key != self._tag_key(record, paths)
        # The tag key covers every field the name is made of, and the template: when it
        # matches, the name cannot have changed (and rendering 50,000 names is skipped).
        stem = None
        if record.file_stem and any(paths.values()) and (retag or not has_tagged_file):
            stem = render_stem(self.options.filename_template, record.to_clip())
        rename = stem is not None and record.file_stem != stem
        if not (any(need.values()) or rename or retag):
            if record.state != ClipState.READY:
                lib.update_clip(record.clip_id, state=ClipState.READY, error="")
            return None
        stem = stem or render_stem(self.options.filename_template, record.to_clip())
        return ClipJob(record.clip_id, record.title, stem, retag=retag, rename=rename, **need)

    def _find_moved(self, clip_id: str, suffix: str) -> Path | None:
        """A file the user moved inside the library, recognised by the clip id in its tags."""
        with self._index_lock:
            if self._moved_index is None:
                self._moved_index = self._scan_for_clip_ids()
            return self._moved_index.get(clip_id, {}).get(suffix)

    def _scan_for_clip_ids(self) -> dict[str, dict[str, Path]]:
        known = set()
        for record in self.library.clips(include_removed=True):
            for relative in (record.audio_path, record.video_path):
                if relative:
                    known.add(relative)
        index: dict[str, dict[str, Path]] = {}
        root = self.library.root
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != DB_DIR_NAME]
            for name in files:
                suffix = os.path.splitext(name)[1].lower()
                if suffix not in (".mp3", ".mp4") or name.startswith("."):
                    continue
                path = Path(folder, name)
                if path.relative_to(root).as_posix() in known:
                    continue
                clip_id = read_clip_id(path)
                if clip_id:
                    index.setdefault(clip_id, {})[suffix] = path
        return index

    def _tag_key(self, record: ClipRecord, paths: dict[str, Path | None]) -> str:
        """Everything that shapes the tags; when it is unchanged the files are not opened."""
        cover = paths.get("cover_path")
        parts = [
            record.clip_id,
            record.task_id,
            record.title,
            record.tags,
            record.lyrics,
            record.description,
            record.model,
            repr(record.duration),
            record.created_at or "",
            record.audio_url,
            repr(self.options.tag_options),
            self.options.filename_template,
            str(paths.get("audio_path") or ""),
            str(paths.get("video_path") or ""),
            f"{cover}:{_size(cover)}" if cover else "",
        ]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()

    # ------------------------------------------------------------------ doing

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelled()

    def _rename_files(self, paths: dict[str, Path | None], folder: Path, stem: str, outcome: ClipOutcome) -> None:
        for column, path in paths.items():
            if path is None or not path.is_file():
                continue
            target = free_path(path.parent / f"{stem}{path.suffix}", own=path)
            if target != path:
                os.replace(path, target)  # same folder: atomic, never a copy
                paths[column] = target
                outcome.files_written += 1

    def _download_files(
        self, job: ClipJob, record: ClipRecord, paths: dict[str, Path | None], folder: Path, outcome: ClipOutcome
    ) -> set[str]:
        """Download what *job* needs; returns the columns of the files tagged on the way.

        The cover comes first so that a new MP3 or MP4 is tagged, cover included, before
        it gets its name: an MP3's tag is written in front of its audio as it arrives
        (``prefix``, see media/leading_tag.py), an MP4 is tagged as its complete ``.part``
        file (``before_commit``); a failure or crash while tagging never leaves a damaged
        file under the final name. A cover that fails to download does not cost
        the song: the audio and video are still fetched, and the clip is then reported
        failed so the next sync tries again.
        """
        tagged: set[str] = set()
        cover_failure: DownloadError | None = None
        try:
            if job.cover:
                try:
                    paths["cover_path"] = self._fetch(
                        job,
                        record.image_url,
                        folder / f"{job.stem}.jpg",
                        outcome,
                        suffix_from_content=True,
                    )
                except DownloadCancelled:
                    raise
                except DownloadError as exc:
                    cover_failure = exc
            if job.audio or job.video:
                clip, options = record.to_clip(), self.options.tag_options
                cover = load_cover(paths["cover_path"])
            if job.audio:
                prefix = id3_prefix(clip, options, cover)
                paths["audio_path"] = self._fetch(
                    job,
                    record.audio_url,
                    folder / f"{job.stem}.mp3",
                    outcome,
                    prefix=prefix,
                    tag=lambda part, name: finish_mp3(part, len(prefix), clip, options, cover, name=name),
                )
                tagged.add("audio_path")
            if job.video:
                paths["video_path"] = self._fetch(
                    job,
                    record.video_url,
                    folder / f"{job.stem}.mp4",
                    outcome,
                    tag=lambda part, name: write_mp4_tags(part, clip, options, cover, name=name),
                )
                tagged.add("video_path")
        finally:
            if outcome.files_downloaded:
                sync_directory(folder)  # one folder fsync makes the clip's renames durable
        if cover_failure is not None:
            raise cover_failure
        return tagged

    def _fetch(
        self,
        job: ClipJob,
        url: str,
        wanted: Path,
        outcome: ClipOutcome,
        *,
        tag: Callable[[Path, str], object] | None = None,
        **options: Any,
    ) -> Path:
        """Download one file to *wanted* (or a free name beside it), tagged by *tag* before it gets its name."""
        self._check_cancel()
        target = free_path(wanted)

        def progress(done: int, total: int | None) -> None:
            self.observer.clip_progress(job.clip_id, done, total)

        result = download_file(
            self.media_session,
            url,
            target,
            progress=progress,
            cancel=self.cancel,
            fsync_directory=False,
            before_commit=(lambda part: tag(part, target.name)) if tag is not None else None,
            **options,
        )
        outcome.files_downloaded += 1
        outcome.files_written += 1
        outcome.bytes_downloaded += result.size
        return result.path

    def _tag_files(
        self, record: ClipRecord, paths: dict[str, Path | None], outcome: ClipOutcome, tagged: set[str]
    ) -> None:
        """Re-tag the files that were already here when the clip's tags changed."""
        if record.tag_key == self._tag_key(record, paths) and not outcome.files_downloaded:
            return
        todo = [
            (path, write_tags)
            for column, write_tags in (("audio_path", write_id3_tags), ("video_path", write_mp4_tags))
            if (path := paths[column]) is not None and column not in tagged
        ]
        if not todo:
            return
        clip, options, cover = record.to_clip(), self.options.tag_options, load_cover(paths["cover_path"])
        for path, write_tags in todo:
            if write_tags(path, clip, options, cover):
                outcome.files_written += 1

    def _save_paths(self, clip_id: str, paths: dict[str, Path | None], **values: object) -> None:
        lib = self.library
        relative = {column: (lib.relative(p) if p is not None else None) for column, p in paths.items()}
        lib.update_clip(clip_id, **relative, **values)


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path else 0
    except OSError:
        return 0
