"""Running core work on ``QThreadPool`` workers, with results coming back by queued signals.

A :class:`CallWorker` is a ``QRunnable`` (which cannot have signals) plus a
:class:`WorkerSignals` ``QObject`` created on the caller's thread. Signals emitted
from the pool thread are therefore delivered to the caller's slots through its
event loop. :class:`WorkerPool` keeps every in-flight worker's signals object
alive until it has reported, so a result is never lost to garbage collection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    finished = Signal(object)  # the callable's return value
    failed = Signal(object)  # the exception it raised
    done = Signal()  # after finished or failed, for bookkeeping


class CallWorker(QRunnable):
    """Runs ``fn(*args, **kwargs)`` on a pool thread."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = WorkerSignals()
        self.setAutoDelete(True)

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            log.debug("worker %s failed: %r", getattr(self.fn, "__name__", self.fn), exc)
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        self.signals.done.emit()


class WorkerPool(QObject):
    """A ``QThreadPool`` that remembers its in-flight workers' signal objects."""

    idle = Signal()

    def __init__(self, max_threads: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        if max_threads:
            self.pool.setMaxThreadCount(max_threads)
        self._in_flight: set[WorkerSignals] = set()
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        priority: int = 0,
        **kwargs: Any,
    ) -> CallWorker:
        worker = CallWorker(fn, *args, **kwargs)
        if self._closed:  # the owner is going away: work a timer asks for now would outlive it
            log.debug("not started after close: %s", getattr(fn, "__name__", fn))
            return worker
        signals = worker.signals
        if on_error is None:
            on_error = _log_failure
        if on_result is not None:
            signals.finished.connect(lambda result: self._deliver(on_result, result))
        signals.failed.connect(lambda exc: self._deliver(on_error, exc))
        signals.done.connect(lambda s=signals: self._forget(s))
        self._in_flight.add(signals)
        self.pool.start(worker, priority)
        return worker

    def _alive(self) -> bool:
        return not self._closed and shiboken6.isValid(self)

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        """Results that arrive after the window closed have nobody to go to."""
        if self._alive():
            callback(value)

    def close(self) -> None:
        """Stop delivering results (the owner is going away); running work finishes."""
        self._closed = True

    def _forget(self, signals: WorkerSignals) -> None:
        if not self._alive():
            return
        self._in_flight.discard(signals)
        if not self._in_flight:
            self.idle.emit()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the running work (at most *msecs*); a pool still busy then outlives its owner."""
        return retire_pool(self.pool, msecs) if msecs >= 0 else self.pool.waitForDone(msecs)


#: pools whose threads outlived their owner: kept (never deleted) until the app exits
_OUTLIVING: list[QThreadPool] = []


def retire_pool(pool: QThreadPool, wait_ms: int) -> bool:
    """Let *pool*'s threads end within *wait_ms*; a pool still working is kept alive instead of deleted.

    Deleting a ``QThreadPool`` waits for its threads with no time limit, and that
    happens on the GUI thread holding Python's GIL; a worker that needs the GIL to
    finish (to emit its result, say) would then wait for the GUI thread forever.
    So a pool is only deleted with its owner once it is idle; a busy one is
    unparented and kept until the process ends. True when it is idle.
    """
    pool.clear()  # what has not started never will
    if pool.waitForDone(wait_ms):
        return True
    log.warning("background work still running after %d ms; leaving it to finish on its own", wait_ms)
    pool.setParent(None)
    _OUTLIVING.append(pool)
    return False


def _log_failure(exc: BaseException) -> None:
    """Work submitted without an error handler still leaves a trace."""
    log.error("background work failed: %s", exc, exc_info=exc)
