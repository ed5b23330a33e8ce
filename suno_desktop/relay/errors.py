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
