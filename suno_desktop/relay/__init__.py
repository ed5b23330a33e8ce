"""Talking to a Suno API relay: the client, submits, the normalised model and its errors."""

from ..model import Clip, Task
from .client import RelayClient
from .errors import (
    AuthError,
    ConfigurationError,
    MalformedResponse,
    RelayError,
    RelayResponseError,
    RelayUnavailable,
    SubmitCancelled,
    SubmitError,
    SubmitRefused,
    SubmitTokenRefused,
    SubmitUnconfirmed,
    TaskNotFound,
)
from .model import parse_clip, parse_task
from .relay_text import RelayTextCleaner, terminal_block, terminal_line
from .submit import submit, submit_body
from .task_ids import extract_task_ids, is_task_id

__all__ = [
    "AuthError",
    "Clip",
    "ConfigurationError",
    "MalformedResponse",
    "RelayClient",
    "RelayError",
    "RelayResponseError",
    "RelayTextCleaner",
    "RelayUnavailable",
    "SubmitCancelled",
    "SubmitError",
    "SubmitRefused",
    "SubmitTokenRefused",
    "SubmitUnconfirmed",
    "Task",
    "TaskNotFound",
    "extract_task_ids",
    "is_task_id",
    "parse_clip",
    "parse_task",
    "submit",
    "submit_body",
    "terminal_block",
    "terminal_line",
]
