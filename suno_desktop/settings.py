"""The app's saved settings, shared by the window and the command line.

Stored as JSON in the platform's config folder so a ``sync`` from cron sees what
the user set in the window, without Qt. The API token goes to the system keyring
when one is usable; otherwise it stays in the settings file, which is made
readable by its owner only. The token is never logged.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path

from .model import DEFAULT_TEMPLATE
from .song_request import DEFAULT_MODEL, KNOWN_MODELS

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Suno Desktop"
KEYRING_USER = "api-token"
DEFAULT_BASE_URL = ""


def config_dir() -> Path:
    """``SUNO_DESKTOP_CONFIG_DIR`` (tests, portable installs) or the platform's config folder."""
    override = os.environ.get("SUNO_DESKTOP_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "Suno Desktop"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Suno Desktop"
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "suno-desktop"


def default_library_dir() -> Path:
    return Path.home() / "Music" / "Suno Desktop"


class TokenLocation(StrEnum):
    """Where the API token is kept (the value is how the Settings dialog says it)."""

    FILE = "settings file"
    KEYRING = "system keyring"


#: ``Settings.jobs`` for "as many parallel downloads as suit this computer"
AUTOMATIC_JOBS = 0
#: the most parallel downloads a settings file may ask for
MAX_JOBS = 16


def automatic_jobs() -> int:
    """Parallel downloads when the user chose none: one more than the usable cores, at most 4.

    A download thread waiting on the network leaves its core to another, hence the
    one more. Beyond that, threads only queue for Python's GIL: on 2 cores, 4 threads
    synced 1,000 small clips slower than 3 (gui_bench: 7.2 s against 6.6 s) and
    stalled the window twice as long (99th percentile gap 28-35 ms against 22-24 ms).
    """
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(2, min(4, cores + 1))


#: the shortest wait between two poll rounds a settings file may ask for
MIN_POLL_SECONDS = 1.0
#: how many model names the user typed are remembered (the newest are kept)
MAX_REMEMBERED_MODELS = 20
#: a longer "model name" in a hand-edited file is not a model name
MAX_MODEL_NAME = 80


@dataclass
class Settings:
    base_url: str = DEFAULT_BASE_URL
    library: str = ""
    download_video: bool = True
    jobs: int = AUTOMATIC_JOBS  # parallel downloads; AUTOMATIC_JOBS: see download_jobs
    filename_template: str = DEFAULT_TEMPLATE
    id3_version: int = 3
    artist: str = "Suno"
    album: str = "Suno"
    lyrics_language: str = "auto"
    poll_interval: float = 5.0  # seconds before the first re-poll (then longer: library.polling)
    default_model: str = DEFAULT_MODEL  # what the New Song dialog starts with
    models: list[str] = field(default_factory=list)  # names the user typed, offered after KNOWN_MODELS
    #: the token itself lives in the keyring or, failing that, here
    token: str = field(default="", repr=False)

    @property
    def download_jobs(self) -> int:
        """How many clips download at once: the user's number, or :func:`automatic_jobs`."""
        return self.jobs or automatic_jobs()

    @property
    def library_dir(self) -> Path:
        return Path(self.library).expanduser() if self.library else default_library_dir()

    @property
    def offered_models(self) -> list[str]:
        """The models a New Song dialog lists: the known ones, then those the user typed before."""
        return list(dict.fromkeys([*KNOWN_MODELS, *self.models, self.default_model]))


class SettingsStore:
    """Loads and saves :class:`Settings`; knows where the token really is."""

    def __init__(self, directory: Path | None = None, *, use_keyring: bool | None = None) -> None:
        self.directory = directory or config_dir()
        self.path = self.directory / "settings.json"
        if use_keyring is None:
            use_keyring = os.environ.get("SUNO_DESKTOP_KEYRING", "1") != "0" and not os.environ.get(
                "SUNO_DESKTOP_CONFIG_DIR"
            )
        self._use_keyring = use_keyring
        self.token_location = TokenLocation.FILE

    def load(self) -> Settings:
        data: dict = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("could not read settings %s (%s); using defaults", self.path, exc)
                data = {}
        known = {f.name for f in fields(Settings)}
        settings = Settings(**{k: v for k, v in data.items() if k in known})
        _coerce(settings)
        if settings.token:  # the last save could not use the keyring: the file's token is the newer one
            return settings
        keyring_token = self._keyring_get()
        if keyring_token:
            settings.token = keyring_token
            self.token_location = TokenLocation.KEYRING
        return settings

    def save(self, settings: Settings) -> None:
        _coerce(settings)
        data = asdict(settings)
        token = data.pop("token")
        if token and self._keyring_set(token):
            self.token_location = TokenLocation.KEYRING
        else:
            self._keyring_delete()  # an older token there must not come back
            data["token"] = token
            self.token_location = TokenLocation.FILE
        self.directory.mkdir(parents=True, exist_ok=True)
        # Write a private temporary file and rename it: the token never sits in a
        # world-readable file, and a crash never leaves half a settings file.
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- keyring ------------------------------------------------------------

    def _keyring(self):
        if not self._use_keyring:
            return None
        try:
            import keyring
            from keyring.backends import fail
        except Exception as exc:
            log.info("no system keyring (%s): the token is kept in the settings file", type(exc).__name__)
            return None
        try:
            backend = keyring.get_keyring()
        except Exception as exc:
            log.info("the system keyring cannot be used (%s): the token is kept in the settings file", exc)
            return None
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
        return keyring

    def _keyring_get(self) -> str:
        keyring = self._keyring()
        if keyring is None:
            return ""
        try:
            return keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or ""
        except Exception as exc:
            log.warning("system keyring unavailable: %s", type(exc).__name__)
            return ""

    def _keyring_set(self, token: str) -> bool:
        keyring = self._keyring()
        if keyring is None:
            return False
        try:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token)
            return True
        except Exception as exc:
            log.warning("could not store the token in the keyring: %s", type(exc).__name__)
            return False

    def _keyring_delete(self) -> None:
        keyring = self._keyring()
        if keyring is None:
            return
        try:
            keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception as exc:  # none stored (PasswordDeleteError), or the keyring is locked
            log.debug("no token deleted from the keyring: %s", type(exc).__name__)


def _coerce(settings: Settings) -> None:
    """Hand-edited files hold strings where numbers belong; repair what can be repaired."""
    try:
        settings.jobs = max(AUTOMATIC_JOBS, min(MAX_JOBS, int(settings.jobs)))
    except (TypeError, ValueError):
        settings.jobs = AUTOMATIC_JOBS
    try:
        settings.id3_version = 4 if int(settings.id3_version) == 4 else 3
    except (TypeError, ValueError):
        settings.id3_version = 3
    try:
        # a hand-edited 0 would ask the relay in a tight loop while the window is open
        settings.poll_interval = max(MIN_POLL_SECONDS, float(settings.poll_interval))
    except (TypeError, ValueError):
        settings.poll_interval = 5.0
    settings.download_video = bool(settings.download_video)
    settings.models = remembered_models(settings.models if isinstance(settings.models, list) else [])
    default = settings.default_model
    settings.default_model = default.strip() if isinstance(default, str) and _model_name(default) else DEFAULT_MODEL
    settings.base_url = str(settings.base_url or "").strip()
    settings.token = str(settings.token or "").strip()


def remembered_models(names: list, *, adding: str = "") -> list[str]:
    """The model names worth offering again: typed by the user, not known already, in the order first typed."""
    known = {name.casefold() for name in KNOWN_MODELS}
    kept: dict[str, str] = {}
    for name in [*names, adding]:
        if isinstance(name, str) and _model_name(name) and name.strip().casefold() not in known:
            kept.setdefault(name.strip().casefold(), name.strip())
    return list(kept.values())[-MAX_REMEMBERED_MODELS:]


def _model_name(text: str) -> bool:
    return 0 < len(text.strip()) <= MAX_MODEL_NAME and "\n" not in text
