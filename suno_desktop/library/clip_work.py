"""Doing one clip's job: rename its files, download what is missing, tag, hand the new files to the batch.

:class:`ClipWorker` is what :meth:`.sync.SyncEngine.run_job` runs on a job
thread; the tagging in it takes one of ``cpu_jobs`` slots, so that many downloads
can wait on the network while only as many threads as there are cores compute.
New files are staged, not renamed: the :class:`.write_batch.WriteBatch` gives
them their names and records the clip once they are durable.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ErrorKind, kind_of, sentence_of
from ..media.download import (
    DownloadCancelled,
    DownloadError,
    DownloadPlan,
    MediaSession,
    download_file,
    free_path,
    sync_directory,
)
from ..media.durable_writes import discard_staged
from ..media.leading_tag import MP4_HEAD_BYTES, finish_mp3, id3_prefix, mp4_head_with_tags
from ..media.tagging import TaggingError, load_cover, write_id3_tags, write_mp4_tags
from ..model import ClipRecord, ClipState
from .clip_files import ClipFiles, FileKind
from .file_ratings import seen_now
from .filenames import render_stem
from .polling import SyncCancelled
from .store import Library, LibraryUnavailable
from .sync_types import ClipJob, ClipOutcome, SyncObserver, SyncOptions
from .transfer_width import Transfer, TransferWidth
from .write_batch import StagedClip, WriteBatch

log = logging.getLogger(__name__)


def tag_key_of(record: ClipRecord, files: ClipFiles, options: SyncOptions) -> str:
    """Everything that shapes the tags and the name; when it is unchanged the files are not opened."""
    cover = files.cover
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
        repr(options.tag_options),
        options.filename_template,
        str(files.audio or ""),
        str(files.video or ""),
        f"{cover}:{_size(cover)}" if cover else "",
    ]
    # only when set: the keys of other clips (every clip before ratings and lineage) stay as they were
    if record.rating:
        parts.append(f"rating:{record.rating}")
    if record.parent_clip_id:
        parts.append(f"parent:{record.parent_clip_id}")
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def file_stem_of(record: ClipRecord, options: SyncOptions) -> str:
    """The name the template gives *record*'s files; ``{artist}`` is the one in the tags."""
    return render_stem(options.filename_template, record.to_clip(), artist=options.tag_options.artist)


class ClipWorker:
    """Runs clip jobs; one per engine, shared by its worker threads."""

    def __init__(
        self,
        library: Library,
        options: SyncOptions,
        media_session: MediaSession,
        observer: SyncObserver,
        cancel: threading.Event,
    ) -> None:
        self.library = library
        self.options = options
        self.media_session = media_session
        self.observer = observer
        self.cancel = cancel
        self.writes = WriteBatch(library, self._row_values)
        self.cpu = threading.BoundedSemaphore(max(1, options.cpu_jobs))  # tagging threads at once
        self.transfer_width: TransferWidth | None = None  # told how long each download waited on the network

    def run(self, job: ClipJob) -> list[ClipOutcome]:
        """Do *job*; returns the outcomes that became final: this clip's, or a whole batch's."""
        outcome = ClipOutcome(job.clip_id, job.title, ok=False)
        record = self.library.clip(job.clip_id)
        if record is None or record.removed:
            outcome.ok = True
            return [outcome]
        self.observer.clip_started(job)
        if job.downloads:
            self.library.update_clip(job.clip_id, state=ClipState.DOWNLOADING)
        # the name the clip has now: retitled since it was planned, its files follow (the tag key
        # recorded below is the new title's: a name left behind would never be corrected)
        stem = file_stem_of(record, self.options)
        rename = job.rename or (stem != job.stem and record.file_stem is not None)
        clip = StagedClip(outcome, ClipFiles.of(record, self.library), record=record, stem=stem)
        try:
            self._check_cancel()
            if rename:
                self._rename_files(clip.files, stem, outcome)
            tagged = self._download_files(job, clip)
            self._tag_files(clip, tagged)
        except (DownloadCancelled, SyncCancelled):
            outcome.cancelled = True
            outcome.error = "cancelled"
        except Exception as exc:
            if self._library_gone(outcome):
                discard_staged(clip.staged.values())
                return self.finished([outcome])
            self._record_failure(clip, exc)
        else:
            outcome.ok = True
        if clip.staged:
            return self.finished(self.writes.add(clip))
        self.library.update_clip(job.clip_id, **self._row_values(clip))
        return self.finished([outcome])

    def commit(self) -> list[ClipOutcome]:
        """Commit the staged files of every job run so far (see :class:`.write_batch.WriteBatch`)."""
        try:
            self.library.check_available()
        except LibraryUnavailable as exc:
            outcomes = self.writes.discard()
            for outcome in outcomes:
                outcome.ok, outcome.cancelled, outcome.error = False, True, str(exc)
            return self.finished(outcomes)
        return self.finished(self.writes.commit())

    def finished(self, outcomes: list[ClipOutcome]) -> list[ClipOutcome]:
        for outcome in outcomes:
            self.observer.clip_finished(outcome)
        return outcomes

    # ------------------------------------------------------------------ steps

    def _record_failure(self, clip: StagedClip, exc: Exception) -> None:
        """Why the job failed, on its outcome; after an unexpected error nothing half-done is kept."""
        outcome = clip.outcome
        if isinstance(exc, (DownloadError, TaggingError, OSError)):
            outcome.error = sentence_of(exc)
            outcome.error_kind = kind_of(exc)
            log.warning("clip %s failed: %s", outcome.clip_id, outcome.error)
            return
        log.error("clip %s failed", outcome.clip_id, exc_info=exc)  # a bug, or the database failing
        discard_staged(clip.staged.values())
        for kind in clip.staged:
            clip.files[kind] = None  # as a staged file that failed (write_batch): fetched again next time
        clip.staged.clear()
        outcome.error = f"Something went wrong: {exc}"
        outcome.error_kind = ErrorKind.INTERNAL

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
            return True
        return False

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelled()

    def _rename_files(self, files: ClipFiles, stem: str, outcome: ClipOutcome) -> None:
        renamed = None
        for kind, path in files.items():
            if path is None or not path.is_file():
                continue
            target = free_path(path.parent / f"{stem}{path.suffix}", own=path)
            if target != path:
                os.replace(path, target)  # same folder: atomic, never a copy
                files[kind] = renamed = target
                outcome.files_written += 1
        if renamed is not None:
            sync_directory(renamed.parent)

    def _download_files(self, job: ClipJob, clip: StagedClip) -> set[FileKind]:
        """Download what *job* needs; returns the kinds of the files tagged on the way.

        The cover comes first so that a new MP3 or MP4 is tagged, cover included, before
        it is committed: an MP3's tag is written in front of its audio as it arrives
        (``prefix``, see media/leading_tag.py), an MP4's into its leading ``moov``
        (``head``), or, when its ``moov`` comes after the media, into its complete
        ``.part`` file (``before_commit``). A cover that fails to download does not cost the song:
        the audio and video are still fetched, and the clip is then reported failed so
        the next sync tries again.
        """
        record, files = clip.record, clip.files
        folder = files.audio.parent if files.audio else self.library.root
        tagged: set[FileKind] = set()
        cover_failure: DownloadError | None = None
        if job.cover:
            try:
                self._fetch(job, clip, FileKind.COVER, folder / f"{job.stem}.jpg", suffix_from_content=True)
            except DownloadCancelled:
                raise
            except DownloadError as exc:
                cover_failure = exc
        if job.audio or job.video:
            song, options = record.to_clip(), self.options.tag_options
            cover = self._on_cpu(load_cover, self._cover_file(clip))
        if job.audio:
            prefix = self._on_cpu(id3_prefix, song, options, cover)
            self._fetch(
                job,
                clip,
                FileKind.AUDIO,
                folder / f"{job.stem}.mp3",
                prefix=prefix,
                tag=lambda part, name: self._on_cpu(finish_mp3, part, len(prefix), song, options, cover, name=name),
            )
            tagged.add(FileKind.AUDIO)
        if job.video:
            in_head: list[bool] = []  # whether the tags went into the head as it arrived

            def tag_head(head: bytes) -> bytes | None:
                rewritten = self._on_cpu(mp4_head_with_tags, head, song, options, cover)
                in_head[:] = [rewritten is not None]
                return rewritten

            self._fetch(
                job,
                clip,
                FileKind.VIDEO,
                folder / f"{job.stem}.mp4",
                head=(MP4_HEAD_BYTES, tag_head),
                tag=lambda part, name: (
                    in_head == [True] or self._on_cpu(write_mp4_tags, part, song, options, cover, name=name)
                ),
            )
            tagged.add(FileKind.VIDEO)
        if cover_failure is not None:
            raise cover_failure
        return tagged

    def _fetch(
        self,
        job: ClipJob,
        clip: StagedClip,
        kind: FileKind,
        wanted: Path,
        *,
        tag: Callable[[Path, str], object] | None = None,
        **options: Any,
    ) -> None:
        """Download one file for *wanted* (or a free name beside it), tagged by *tag*, and stage it."""
        self._check_cancel()
        target = free_path(wanted)

        started = time.monotonic()
        arrived: list[float] = []  # when the first and the latest bytes came

        def progress(done: int, total: int | None) -> None:
            arrived[1:] = [time.monotonic()]
            if len(arrived) == 1:
                arrived.insert(0, arrived[0])
            self.observer.clip_progress(job.clip_id, done, total)

        before_commit = (lambda part: tag(part, target.name)) if tag is not None else None
        plan = DownloadPlan(staged=True, before_commit=before_commit, **options)
        result = download_file(
            self.media_session, kind.url_of(clip.record), target, plan, progress=progress, cancel=self.cancel
        )
        if self.transfer_width is not None and arrived:
            self.transfer_width.record(Transfer(result.size, arrived[0] - started, arrived[-1] - started))
        clip.files[kind] = result.path
        clip.staged[kind] = result.staged
        outcome = clip.outcome
        outcome.files_downloaded += 1
        outcome.files_written += 1
        outcome.bytes_downloaded += result.size

    def _cover_file(self, clip: StagedClip) -> Path | None:
        """The cover as it is on disk now: a new one is still under its temporary name."""
        staged = clip.staged.get(FileKind.COVER)
        return staged.part if staged is not None else clip.files.cover

    def _tag_files(self, clip: StagedClip, tagged: set[FileKind]) -> None:
        """Re-tag the files that were already here when the clip's tags changed."""
        record, files, outcome = clip.record, clip.files, clip.outcome
        if record.tag_key == tag_key_of(record, files, self.options) and not outcome.files_downloaded:
            return
        todo = [
            (path, write_tags)
            for kind, write_tags in ((FileKind.AUDIO, write_id3_tags), (FileKind.VIDEO, write_mp4_tags))
            if (path := files[kind]) is not None and kind not in tagged
        ]
        if not todo:
            return
        song, options, cover = record.to_clip(), self.options.tag_options, load_cover(self._cover_file(clip))
        for path, write_tags in todo:
            if self._on_cpu(write_tags, path, song, options, cover):
                outcome.files_written += 1

    def _on_cpu(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run *work* (tagging: CPU, not network) in one of the ``cpu_jobs`` slots."""
        with self.cpu:
            return work(*args, **kwargs)

    def _row_values(self, clip: StagedClip) -> dict[str, object]:
        """The clip's row once its files are where they will stay."""
        outcome = clip.outcome
        values: dict[str, object] = dict(clip.files.columns(self.library))
        if outcome.cancelled:
            values["state"] = ClipState.MISSING
        elif not outcome.ok:
            values.update(state=ClipState.FAILED, error=outcome.error)
        else:
            values.update(
                state=ClipState.READY,
                error="",
                file_stem=clip.stem,
                tag_key=tag_key_of(clip.record, clip.files, self.options),
                **seen_now(clip.files.audio),
            )
        return values


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path else 0
    except OSError:
        return 0
