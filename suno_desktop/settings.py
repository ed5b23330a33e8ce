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
from .retry_policy import DEFAULT_RETRY, RetryPolicy
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


def music_dir() -> Path:
    """The system's music folder: XDG_MUSIC_DIR on Linux (``~/.config/user-dirs.dirs``), else ``~/Music``.

    The window and the command line both ask here, so a ``sync`` from cron fills the
    library the window shows.
    """
    try:
        from platformdirs import user_music_dir

        return Path(user_music_dir())
    except Exception as exc:  # an odd platform or a broken user-dirs file must not stop a start
        log.info("no music folder from platformdirs (%s); using ~/Music", exc)
        return Path.home() / "Music"


def default_library_dir() -> Path:
    """Where the library lives unless the user chose a folder; made with its parents on first use."""
    return music_dir() / "Suno Desktop"


class TokenLocation(StrEnum):
    """Where the API token is kept (the value is how the Settings dialog says it)."""

    FILE = "settings file"
    KEYRING = "system keyring"


#: ``Settings.jobs`` for "as many parallel downloads as suit this computer"
AUTOMATIC_JOBS = 0
#: the most parallel downloads a settings file may ask for
MAX_JOBS = 16


def automatic_jobs() -> int:
    """Clip jobs at once when "Parallel downloads" is Automatic and the network is not the limit.

    One more than the usable cores, at most 4: a download thread waiting on the
    network leaves its core to another, hence the one more; beyond that, on loopback
    or a fast nearby CDN, threads only queue for Python's GIL (gui_bench: 16 threads
    on 2 cores stalled the window up to 88 ms, 3 threads 39 ms). When the downloads
    show that they wait on the network, the sync session goes up to ``MAX_JOBS``
    (:mod:`suno_desktop.library.transfer_width`).
    """
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(2, min(4, cores + 1))


#: the shortest wait between two poll rounds a settings file may ask for
MIN_POLL_SECONDS = 1.0
#: lowers MIN_POLL_SECONDS for a relay on this machine that answers at once (the tests' local relay)
MIN_POLL_ENV = "SUNO_DESKTOP_MIN_POLL_SECONDS"


def shortest_poll_seconds() -> float:
    """The shortest wait between poll rounds anyone may ask for: a relay is not to be asked in a tight loop."""
    try:
        return max(0.0, float(os.environ[MIN_POLL_ENV]))
    except (KeyError, ValueError):
        return MIN_POLL_SECONDS


#: how many model names the user typed are remembered (the newest are kept)
MAX_REMEMBERED_MODELS = 20
#: a longer "model name" in a hand-edited file is not a model name
MAX_MODEL_NAME = 80
#: how many library folders opened before are remembered (the newest are kept)
MAX_REMEMBERED_LIBRARIES = 50


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
    #: library folders opened before: one of them gone is an unplugged drive, not a first start
    libraries: list[str] = field(default_factory=list)
    #: how failed requests to the relay and the media hosts are tried again (see retry_policy)
    retry_attempts: int = DEFAULT_RETRY.attempts  # tries in all, the first included
    retry_backoff: float = DEFAULT_RETRY.backoff  # seconds before the second try, doubling
    retry_cap: float = DEFAULT_RETRY.cap  # the longest single wait, a server's Retry-After included
    #: the token itself lives in the keyring or, failing that, here
    token: str = field(default="", repr=False)

    def retry_policy(self) -> RetryPolicy:
        """The retry policy these settings describe, for the relay client, downloads and submits."""
        return RetryPolicy(attempts=self.retry_attempts, backoff=self.retry_backoff, cap=self.retry_cap)

    @property
    def download_jobs(self) -> int:
        """How many clips download at once: the user's number, or :func:`automatic_jobs`."""
        return self.jobs or automatic_jobs()

    @property
    def library_dir(self) -> Path:
        return Path(self.library).expanduser() if self.library else default_library_dir()

    def opened_before(self, folder: Path) -> bool:
        """Whether *folder* held a library this app opened (so it missing means a drive is not connected)."""
        return library_key(folder) in self.libraries

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

    def load(self, *, with_token: bool = True) -> Settings:
        """The saved settings; *with_token* false leaves the keyring alone (a command that asks no relay)."""
        data: dict = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("could not read settings %s (%s); using defaults", self.path, exc)
                data = {}
        known = {f.name for f in fields(Settings)}
        settings = Settings(**{k: v for k, v in data.items() if k in known})
        if "libraries" not in data and isinstance(settings.library, str) and settings.library:
            # written before libraries were remembered: the folder chosen then was opened then
            settings.libraries = [settings.library]
        _coerce(settings)
        if settings.token or not with_token:  # the last save could not use the keyring: the file's is the newer one
            return settings
        keyring_token = self._keyring_get()
        if keyring_token:
            settings.token = keyring_token
            self.token_location = TokenLocation.KEYRING
        return settings

    def save(self, settings: Settings) -> None:
        # Libraries are only ever added: keep those another process (a sync from cron) added meanwhile.
        settings.libraries = remembered_libraries([*self._saved_libraries(), *settings.libraries])
        _coerce(settings)
        data = asdict(settings)
        token = data.pop("token")
        if token and self._keyring_set(token):
            self.token_location = TokenLocation.KEYRING
        else:
            self._keyring_delete()  # an older token there must not come back
            data["token"] = token
            self.token_location = TokenLocation.FILE
        self._write(data)

    def remember_library(self, folder: Path) -> None:
        """Note that *folder* holds a library now, touching nothing else in the file (nor the keyring)."""
        data = self._saved_data()
        libraries = self._saved_libraries(data)
        key = library_key(folder)
        if key in libraries:
            return
        data["libraries"] = remembered_libraries([*libraries, key])
        self._write(data)

    def choose_library(self, folder: Path) -> None:
        """Make *folder* the library of every later start (the user picked it), touching nothing else."""
        data = self._saved_data()
        key = library_key(folder)
        data["library"] = key
        data["libraries"] = remembered_libraries([*self._saved_libraries(data), key])
        self._write(data)

    def _saved_data(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _saved_libraries(self, data: dict | None = None) -> list[str]:
        data = self._saved_data() if data is None else data
        if "libraries" not in data and isinstance(data.get("library"), str) and data["library"]:
            return [data["library"]]
        return remembered_libraries(data.get("libraries"))

    def _write(self, data: dict) -> None:
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
        settings.poll_interval = max(shortest_poll_seconds(), float(settings.poll_interval))
    except (TypeError, ValueError):
        settings.poll_interval = 5.0
    _coerce_retry(settings)
    settings.download_video = bool(settings.download_video)
    settings.models = remembered_models(settings.models if isinstance(settings.models, list) else [])
    settings.libraries = remembered_libraries(settings.libraries)
    default = settings.default_model
    settings.default_model = default.strip() if isinstance(default, str) and _model_name(default) else DEFAULT_MODEL
    settings.base_url = str(settings.base_url or "").strip()
    settings.token = str(settings.token or "").strip()


#: the most tries a settings file may ask for, and the longest wait
MAX_RETRY_ATTEMPTS = 10
MAX_RETRY_WAIT = 300.0


def _coerce_retry(settings: Settings) -> None:
    """A hand-edited retry policy within sense: 1-10 tries, waits of 0-300 s; unreadable values are the defaults."""
    try:
        settings.retry_attempts = max(1, min(MAX_RETRY_ATTEMPTS, int(settings.retry_attempts)))
    except (TypeError, ValueError):
        settings.retry_attempts = DEFAULT_RETRY.attempts
    for name, default in (("retry_backoff", DEFAULT_RETRY.backoff), ("retry_cap", DEFAULT_RETRY.cap)):
        try:
            value = float(getattr(settings, name))
        except (TypeError, ValueError):
            value = default
        setattr(settings, name, max(0.0, min(MAX_RETRY_WAIT, value)) if value == value else default)


def remembered_models(names: list, *, adding: str = "") -> list[str]:
    """The model names worth offering again: typed by the user, not known already, in the order first typed."""
    known = {name.casefold() for name in KNOWN_MODELS}
    kept: dict[str, str] = {}
    for name in [*names, adding]:
        if isinstance(name, str) and _model_name(name) and name.strip().casefold() not in known:
            kept.setdefault(name.strip().casefold(), name.strip())
    return list(kept.values())[-MAX_REMEMBERED_MODELS:]


def library_key(folder: Path | str) -> str:
    """How a library folder is remembered: absolute, ``~`` expanded (not resolved: a gone drive resolves nowhere)."""
    return str(Path(folder).expanduser().absolute())


def remembered_libraries(folders) -> list[str]:
    """The library folders worth remembering: each once, the newest last, at most MAX_REMEMBERED_LIBRARIES."""
    if not isinstance(folders, list):
        return []
    kept = dict.fromkeys(library_key(f) for f in folders if isinstance(f, str) and f.strip())
    return list(kept)[-MAX_REMEMBERED_LIBRARIES:]


def _model_name(text: str) -> bool:
    return 0 < len(text.strip()) <= MAX_MODEL_NAME and "\n" not in text
