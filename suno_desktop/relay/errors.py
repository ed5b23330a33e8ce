"""Typed relay errors, each carrying a sentence a person can act on.

The GUI shows ``str(error)`` in the status bar or a dialog and the CLI prints it
on stderr, so the message must never contain the token and must say what to do.
"""

from __future__ import annotations

from ..errors import ErrorKind, SunoError


class RelayError(SunoError):
    """Base class: something went wrong talking to the relay."""

    kind = ErrorKind.RELAY

    def __init__(self, message: str, *, status: int | None = None, task_id: str | None = None):
        super().__init__(message)
        self.status = status
        self.task_id = task_id


class AuthError(RelayError):
    """HTTP 401/403: the token is missing, wrong or expired."""

    kind = ErrorKind.AUTH


class TaskNotFound(RelayError):
    """The relay does not know this task id (HTTP 400 ``task_not_exist``)."""

    kind = ErrorKind.TASK_NOT_FOUND


class RelayUnavailable(RelayError):
    """Connection refused, timeouts, or 5xx/429 that outlived every retry."""


class RelayResponseError(RelayError):
    """The relay answered with ``code`` other than ``success`` or an unexpected HTTP status."""


class MalformedResponse(RelayError):
    """The body is not JSON (a proxy's HTML page) or not the shape the docs describe."""


class ConfigurationError(RelayError):
    """The client cannot even try: no base URL, no token, a URL that is not http(s)."""

    kind = ErrorKind.CONFIGURATION


class SubmitError(RelayError):
    """A submit (``POST /suno/submit/...``) that gave no task id; ``attempts`` says how often it was sent."""

    #: whether a task (a paid generation) may exist although no id came back
    may_have_been_created = False

    def __init__(self, message: str, *, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message, status=status)
        self.attempts = attempts


class SubmitUnconfirmed(SubmitError):
    """It may have reached the relay, but no answer confirmed it: it may have been created and charged.

    Never sent again by itself. ``reason`` is what happened, as the message words it ("HTTP 502").
    """

    may_have_been_created = True

    def __init__(self, message: str, *, reason: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message, status=status, attempts=attempts)
        self.reason = reason


class SubmitRefused(SubmitError):
    """The relay's answer, or a connection that never opened, proves nothing was created.

    ``code`` and ``relay_message`` are what the relay said ("prompt_empty"), or "" when it said nothing.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        attempts: int = 1,
        code: str = "",
        relay_message: str = "",
    ) -> None:
        super().__init__(message, status=status, attempts=attempts)
        self.code = code
        self.relay_message = relay_message


class SubmitTokenRefused(SubmitRefused, AuthError):
    """HTTP 401/403 to a submit: the token is wrong, or has no quota or access. Nothing was created."""


class SubmitCancelled(SubmitRefused):
    """Cancelled while waiting to send a submit again, after an answer that proved nothing was created."""
