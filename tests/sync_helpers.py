"""The sync options the core tests share: poll the local relay quickly, give up long before a test would hang."""

from __future__ import annotations

from dataclasses import replace

from suno_desktop.library.sync import SyncEngine
from suno_desktop.library.sync_types import SyncOptions
from suno_desktop.media.download import DownloadPlan
from suno_desktop.retry_policy import FAST_RETRY, RetryPolicy

FAST = {"poll_interval": 0.01, "max_poll_interval": 0.05, "timeout": 30, "retry": FAST_RETRY}
#: download_file's plan in tests: short timeouts, retries that never wait
QUICK = DownloadPlan(timeout=(2.0, 2.0), retry=FAST_RETRY)


def make_engine(library, client, **options):
    """A :class:`SyncEngine` with :data:`FAST` options, *options* overriding them."""
    return SyncEngine(library, client, SyncOptions(**{**FAST, **options}))


def sync(library, client, task_ids=None, **options):
    """Sync *task_ids* (or every pending task) once with :func:`make_engine` and close the engine."""
    engine = make_engine(library, client, **options)
    try:
        return engine.sync(task_ids)
    finally:
        engine.close()


def fast(attempts: int) -> RetryPolicy:
    """*attempts* tries in all, none of them waiting: for a relay client or a download in a test."""
    return replace(FAST_RETRY, attempts=attempts)


def quick(*, attempts: int = FAST_RETRY.attempts, **plan) -> DownloadPlan:
    """:data:`QUICK` with *attempts* tries in all and the fields of *plan* changed."""
    return replace(QUICK, **{"retry": fast(attempts), **plan})
