"""What kind of thing went wrong, in one place for the window and the command line.

Every error the app raises on purpose carries a sentence a person can act on and
an :class:`ErrorKind`; the front ends pick their wording (a dialog or the status
bar, an exit code) from the kind, never from the text of a message.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Iterator
from enum import StrEnum


class ErrorKind(StrEnum):
    AUTH = "auth"  # the relay refused the token
    CONFIGURATION = "configuration"  # no relay set up, or a URL that cannot work
    RELAY = "relay"  # the relay is down, timed out, or answered something unexpected
    TASK_NOT_FOUND = "task_not_found"
    LIBRARY = "library"  # the library folder is not there (an unplugged drive)
    DAMAGED_LIBRARY = "damaged_library"  # its database cannot be read, or is lost while its songs are there
    DISK_FULL = "disk"
    DOWNLOAD = "download"  # one file could not be fetched
    TAGGING = "tagging"  # one file could not be read or tagged
    FILES = "files"  # a file or folder could not be read or written (permissions, a damaged disk)
    INTERNAL = "internal"  # a bug: logged with its traceback

    @property
    def retry_later(self) -> bool:
        """Whether asking again later can help without the user changing anything."""
        return self in (ErrorKind.RELAY, ErrorKind.DOWNLOAD)


class SunoError(Exception):
    """Base of the app's own errors: a sentence (never containing the token) and a kind."""

    kind = ErrorKind.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def causes_of(error: BaseException) -> Iterator[BaseException]:
    """*error* and everything it wraps: requests wraps urllib3, which wraps OSError."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        pending.extend(item.args)
        pending.extend((getattr(item, "reason", None), item.__cause__, item.__context__))


def kind_of(exc: BaseException) -> ErrorKind:
    """The kind of *exc*, looking through its causes: a full disk is recognised by errno."""
    if any(isinstance(cause, OSError) and cause.errno in _DISK_FULL for cause in causes_of(exc)):
        return ErrorKind.DISK_FULL
    if isinstance(exc, SunoError):
        return exc.kind
    if isinstance(exc, OSError):
        return ErrorKind.FILES
    return ErrorKind.INTERNAL


def sentence_of(exc: BaseException) -> str:
    """The error as one sentence: the app's own message, or what the OS said and about which file."""
    if isinstance(exc, SunoError):
        return exc.message
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


class ReportedOnce:
    """Each kind of error is told once until things work again: a bad token is one dialog, not one per clip."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._told: set[ErrorKind] = set()

    def first_time(self, kind: ErrorKind) -> bool:
        with self._lock:
            if kind in self._told:
                return False
            self._told.add(kind)
            return True

    def cleared(self, *kinds: ErrorKind) -> None:
        """These kinds work again (or the user asked to retry): tell them again next time."""
        with self._lock:
            if kinds:
                self._told.difference_update(kinds)
            else:
                self._told.clear()
