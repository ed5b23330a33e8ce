"""Talking to a Suno API relay: the client, the normalised model and its errors."""

from .client import RelayClient
from .errors import (
    AuthError,
    ConfigurationError,
    MalformedResponse,
    RelayError,
    RelayResponseError,
    RelayUnavailable,
    TaskNotFound,
)
from .model import Clip, Task, parse_clip, parse_task
from .task_ids import extract_task_ids, is_task_id

__all__ = [
    "AuthError",
    "Clip",
    "ConfigurationError",
    "MalformedResponse",
    "RelayClient",
    "RelayError",
    "RelayResponseError",
    "RelayUnavailable",
    "Task",
    "TaskNotFound",
    "extract_task_ids",
    "is_task_id",
    "parse_clip",
    "parse_task",
]
