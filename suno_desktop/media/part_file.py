"""The hidden ``.part`` file one download fills, and how it becomes a file under its real name.

:class:`PartFile` is the disk side of ``download_file`` (:mod:`.download` is the
network side): the prefix and the rewritten head in front of the body, the
write-back started behind it, the check that the finished body is what its name says
(:mod:`.content_check`), the fsync and the rename (or the staging for a batch), and the
``.part`` a cancelled download leaves for the next one (:mod:`.part_resume`).
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import ErrorKind, SunoError
from .content_check import CHECK_BYTES, Expected, wrong_content
from .durable_writes import StagedFile, free_path, part_path, start_writeback, sync_directory
from .images import sniff_image_type
from .part_resume import PartState, leave_part, prefix_sha1, take_part, where_of
from .response_headers import describe_url, format_size

log = logging.getLogger(__name__)

FLUSH_BEHIND_BYTES = 512 * 1024

HeadRewrite = Callable[[bytes], "bytes | None"]


class DownloadError(SunoError):
    """A download failed; ``message`` is one sentence for a person."""

    kind = ErrorKind.DOWNLOAD

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class DownloadCancelled(DownloadError):
    """The caller's cancel event was set; nothing is under the real name, and a
    ``.part`` that can be resumed is left for the next download (see :mod:`.part_resume`)."""


class PartFile:
    """The .part file of one download: what of the body it holds, and where it is going."""

    def __init__(self, url: str, target: Path, *, prefix: bytes, head: tuple[int, HeadRewrite] | None) -> None:
        self.url = url
        self.label = describe_url(url)
        self.target = target
        self.part = part_path(target)
        self.expected = Expected.of_name(target)
        self.prefix = prefix
        self.head_size, self.rewrite_head = head if head is not None else (0, None)
        self.head: bytearray | None = None  # the body's first bytes while they wait for rewrite_head
        self.written_back_from = 0  # see flush_behind
        self.writing_back_from = 0
        self.have = 0  # bytes in the .part file that belong to the body
        self.total: int | None = None  # full size of the body, when the server said
        self.can_resume = False
        self.validator: str | None = None  # ETag or Last-Modified, sent as If-Range
        self.content_type = ""
        self.resumed = False
        self.out: BinaryIO | None = None

    # ------------------------------------------------------------------ opening

    def open(self) -> BinaryIO:
        """The .part file, opened without truncating: a cancelled download may have left it to go on from."""
        try:
            if not self.target.parent.is_dir():  # one stat, not a mkdir that fails, per file
                self.target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.part, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
            self.out = os.fdopen(fd, "r+b")
        except OSError as exc:
            raise self.disk_error(exc) from exc
        return self.out

    def start_over(self) -> None:
        out = self.out
        assert out is not None
        try:
            out.seek(0)
            out.truncate()
            out.write(self.prefix)
        except OSError as exc:
            raise self.disk_error(exc) from exc
        self.have = 0
        self.written_back_from = self.writing_back_from = 0
        self.resumed = False
        self.head = bytearray() if self.rewrite_head is not None else None

    def pick_up(self) -> bool:
        """Go on from the .part a cancelled download left, if it still fits; False to start over."""
        out = self.out
        assert out is not None
        try:
            state = take_part(out)
            if state is None or state.where != where_of(self.url) or state.prefix_sha1 != prefix_sha1(self.prefix):
                return False
            with_head = self.rewrite_head is not None  # a rewritten head may have changed size
            if state.size < len(self.prefix) or (not with_head and state.size != len(self.prefix) + state.have):
                return False
            out.truncate(state.size)
            out.seek(state.size)
        except OSError as exc:
            raise self.disk_error(exc) from exc
        self.have, self.total, self.can_resume = state.have, state.total, True
        self.validator, self.content_type = state.validator or None, state.content_type
        self.written_back_from = self.writing_back_from = state.size
        self.head = None  # in the file already: the whole file is tagged instead (before_commit)
        log.info("%s: going on from %s of a cancelled download", self.label, format_size(self.have))
        return True

    def leave(self) -> bool:
        """Leave the .part of a cancelled download for the next one; False when nothing could go on from it."""
        out = self.out
        if out is None or not (self.can_resume and self.have and self.total is not None):
            return False
        try:
            if self.head is not None:  # not rewritten yet: as it came, the next download tags the whole file
                out.write(self.head)
                self.head = None
            size = out.seek(0, os.SEEK_END)
            where, validator = where_of(self.url), self.validator or ""
            state = PartState(
                where, prefix_sha1(self.prefix), size, self.have, self.total, validator, self.content_type
            )
            leave_part(out, state)
        except OSError as exc:
            log.info("%s: the partial download could not be kept (%s)", self.label, exc)
            return False
        log.debug("%s: left %s for the next sync to go on from", self.label, self.part.name)
        return True

    # ------------------------------------------------------------------ writing

    def write(self, chunk: bytes) -> None:
        """Append *chunk* of the body (kept in memory while the head is not whole). Raises OSError."""
        if self.head is not None:
            self.head += chunk
            if len(self.head) >= self.head_size:
                self.write_head()
        else:
            assert self.out is not None
            self.out.write(chunk)
            self.flush_behind()
        self.have += len(chunk)

    def write_head(self) -> None:
        """Write the body's first bytes as *rewrite_head* makes them (once the head is complete)."""
        if self.head is None or self.rewrite_head is None:
            return
        data, self.head = bytes(self.head), None
        try:
            rewritten = self.rewrite_head(data)
        except Exception:  # the head is written as it came, the caller tags the finished file
            log.exception("rewriting the head of %s failed", self.label)
            rewritten = None
        assert self.out is not None
        self.out.write(rewritten if rewritten is not None else data)
        self.flush_behind()

    def flush_behind(self) -> None:
        """Start writing what arrived to disk every FLUSH_BEHIND_BYTES, and drop what is written.

        The same as PostgreSQL's ``backend_flush_after``: the fsync before the rename
        then finds little left to write, the disk is busy while the network is, and a
        big sync does not push everything else the user has open out of the page cache.
        Where ``posix_fadvise`` does not exist (Windows, macOS) the fsync does it all.
        """
        out = self.out
        assert out is not None
        end = out.tell()
        end -= end % FLUSH_BEHIND_BYTES  # whole windows: chunks come in whatever size the line gives
        if end - self.writing_back_from < FLUSH_BEHIND_BYTES:
            return
        out.flush()
        # dirty pages of [writing_back_from, end) are queued for writing; the clean ones of
        # the window before (written back by now) are dropped
        start_writeback(out.fileno(), self.written_back_from, end - self.written_back_from)
        self.written_back_from, self.writing_back_from = self.writing_back_from, end

    # ------------------------------------------------------------------ finishing

    def finish(self, before_commit: Callable[[Path], object] | None, *, staged: bool) -> bytes:
        """The body is all here: check it is what the name says, tag it, start (or finish) its way to disk.

        Returns the body's first bytes. Raises :class:`DownloadError` when the body is
        something else (a web page, nothing...): nothing then gets the real name.
        """
        out = self.out
        assert out is not None
        try:
            self.write_head()
            out.flush()
            out.seek(len(self.prefix))
            first = out.read(CHECK_BYTES)
        except OSError as exc:
            raise self.disk_error(exc) from exc
        wrong = wrong_content(first, self.have, self.expected)
        if wrong is not None:
            raise DownloadError(
                f"The CDN answered with {wrong} instead of {self.noun} {self.target.name};"
                " it will be fetched again on the next sync.",
                url=self.url,
            )
        try:
            if before_commit is not None:
                before_commit(self.part)
            if staged:
                start_writeback(out.fileno())  # the batch's commit fsyncs it
            else:
                os.fsync(out.fileno())  # the data is on disk before the name points at it
        except OSError as exc:
            raise self.disk_error(exc) from exc
        return first

    def commit(self, first: bytes, *, suffix_from_content: bool, staged: bool) -> tuple[Path, str, StagedFile | None]:
        """Give the complete .part its name (or stage it), the suffix from its *first* bytes if asked.

        Returns the final path, the content type and the staged file (if *staged*).
        """
        final, content_type = self.target, self.content_type
        if suffix_from_content:
            sniffed = sniff_image_type(first, self.content_type)
            if sniffed is not None:
                content_type, suffix = sniffed
                if suffix != self.target.suffix:  # a name the caller did not check: never clobber
                    final = free_path(self.target.with_suffix(suffix))
        if staged:
            return final, content_type, StagedFile(self.part, final, self.have)
        try:
            os.replace(self.part, final)
            sync_directory(final.parent)
        except OSError as exc:
            raise self.disk_error(exc) from exc
        return final, content_type, None

    def remove(self) -> None:
        try:
            self.part.unlink()
        except OSError:
            pass

    # ------------------------------------------------------------------ words

    @property
    def noun(self) -> str:
        """What the file is, for messages: "the song", "the cover"..."""
        return self.expected.noun if self.expected is not None else "the file"

    def of_total(self) -> str:
        return f" of {format_size(self.total)}" if self.total is not None else ""

    def disk_error(self, exc: OSError) -> DownloadError:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            message = f"The disk is full: {self.target.name} could not be saved in {self.target.parent}."
        else:
            reason = exc.strerror or str(exc) or type(exc).__name__
            message = f"{self.target.name} could not be saved in {self.target.parent}: {reason}."
        return DownloadError(message, url=self.url)
