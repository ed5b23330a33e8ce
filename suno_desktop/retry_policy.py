"""How often a request is tried and how long to wait between tries: one policy for the API, media and submits.

The relay client hands it to urllib3 (:func:`suno_desktop.relay.client.build_retry_policy`),
``download_file`` and the submits count their attempts and wait by it. It lives in
the settings file and the sync options, so tests pass :data:`FAST_RETRY` and wait on
no real backoff.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RetryPolicy:
    """Tries in all, and the waits between them: ``backoff`` doubling, spread by ``jitter``, at most ``cap``.

    The wait before attempt *n* (the 2nd try waits ``backoff``, the 3rd twice that, ...)
    is multiplied by a random factor in ``[1 - jitter, 1 + jitter]`` so that clients
    failing together do not come back together. A server's ``Retry-After`` replaces
    the backoff when ``honour_retry_after``, capped like it: ``cap`` is the longest a
    worker thread ever sleeps between two tries.
    """

    attempts: int = 5
    backoff: float = 0.5
    cap: float = 30.0
    jitter: float = 0.5
    honour_retry_after: bool = True

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a retry policy needs at least one attempt")
        if self.backoff < 0 or self.cap < 0 or not 0 <= self.jitter <= 1:
            raise ValueError("backoff and cap must be >= 0, jitter between 0 and 1")

    @property
    def retries(self) -> int:
        """Tries after the first."""
        return self.attempts - 1

    def wait_before(
        self, attempt: int, retry_after: float | None = None, *, rand: Callable[[], float] = random.random
    ) -> float:
        """Seconds to wait before try *attempt* (2 or more; the first never waits).

        *retry_after* is what the server asked for, if anything; *rand* gives a number
        in [0, 1) (tests pass a fixed one).
        """
        if attempt <= 1:
            return 0.0
        if retry_after is not None and self.honour_retry_after:
            return max(0.0, min(retry_after, self.cap))
        base = self.backoff * 2 ** (attempt - 2)
        spread = 1.0 + self.jitter * (2.0 * rand() - 1.0)
        return max(0.0, min(base * spread, self.cap))

    def without_waiting(self) -> RetryPolicy:
        """The same attempts, no pause between them (``Retry-After`` included): for tests."""
        return replace(self, backoff=0.0, cap=0.0, jitter=0.0)


#: the app's policy unless the settings say otherwise: 5 tries, 0.5 s doubling (±50 %), 30 s at most
DEFAULT_RETRY = RetryPolicy()
#: what tests use: as many tries as the app, none of its waiting
FAST_RETRY = DEFAULT_RETRY.without_waiting()
