"""Typed relay errors, each carrying a sentence a person can act on.

The GUI shows ``str(error)`` in the status bar or a dialog and the CLI prints it
on stderr, so the message must never contain the token and must say what to do.
"""

from __future__ import annotations


class RelayError(Exception):
    """Base class: something went wrong talking to the relay."""

    #: machine-readable kind, stable across versions (used by the GUI to pick a hint)
    kind = "relay"

    def __init__(self, message: str, *, status: int | None = None, task_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.task_id = task_id

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class AuthError(RelayError):
    """HTTP 401/403: the token is missing, wrong or expired."""

    kind = "auth"


class TaskNotFound(RelayError):
    """The relay does not know this task id (HTTP 400 ``task_not_exist``)."""

    kind = "task_not_found"


class RelayUnavailable(RelayError):
    """Connection refused, timeouts, or 5xx/429 that outlived every retry."""

    kind = "unavailable"


class RelayResponseError(RelayError):
    """The relay answered with ``code`` other than ``success`` or an unexpected HTTP status."""

    kind = "response"


class MalformedResponse(RelayError):
    """The body is not JSON (a proxy's HTML page) or not the shape the docs describe."""

    kind = "malformed"


class ConfigurationError(RelayError):
    """The client cannot even try: no base URL, no token, a URL that is not http(s)."""

    kind = "configuration"
