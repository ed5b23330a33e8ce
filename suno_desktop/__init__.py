"""Suno Desktop: a local, offline-first library for songs made with Suno through an API relay."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("suno-desktop")
except _metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"

APP_NAME = "Suno Desktop"
