import os
import stat
from pathlib import Path

from suno_desktop.library.sync_types import SyncOptions
from suno_desktop.retry_policy import DEFAULT_RETRY, RetryPolicy
from suno_desktop.settings import AUTOMATIC_JOBS, Settings, SettingsStore, automatic_jobs, default_library_dir


def test_settings_round_trip_and_private_file(tmp_path):
    store = SettingsStore(tmp_path, use_keyring=False)
    settings = Settings(base_url="http://relay.example", token="secret-token", jobs=6, id3_version=4)
    store.save(settings)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    loaded = SettingsStore(tmp_path, use_keyring=False).load()
    assert (loaded.base_url, loaded.token, loaded.jobs, loaded.id3_version) == (
        "http://relay.example",
        "secret-token",
        6,
        4,
    )
    assert store.token_location == "settings file"
    assert "secret-token" not in repr(loaded)


def test_broken_or_hand_edited_settings_fall_back(tmp_path):
    (tmp_path / "settings.json").write_text('{"jobs": "lots", "id3_version": "7", "unknown": 1')
    assert SettingsStore(tmp_path, use_keyring=False).load() == Settings()
    (tmp_path / "settings.json").write_text('{"jobs": "99", "id3_version": "4", "unknown": 1}')
    loaded = SettingsStore(tmp_path, use_keyring=False).load()
    assert (loaded.jobs, loaded.id3_version) == (16, 4)


def test_models_the_user_typed_are_remembered_and_checked(tmp_path):
    store = SettingsStore(tmp_path, use_keyring=False)
    store.save(Settings(default_model="chirp-v5", models=["chirp-v5", " chirp-v5 ", "chirp-v4", "", "x" * 200]))
    loaded = SettingsStore(tmp_path, use_keyring=False).load()
    assert loaded.default_model == "chirp-v5"
    assert loaded.models == ["chirp-v5"]  # known, empty and absurd names are not kept twice or at all
    assert loaded.offered_models == ["chirp-v4", "chirp-v3-5", "chirp-v3-0", "chirp-v5"]
    (tmp_path / "settings.json").write_text('{"default_model": 7, "models": "chirp-v9"}')
    loaded = SettingsStore(tmp_path, use_keyring=False).load()
    assert (loaded.default_model, loaded.models) == ("chirp-v4", [])


def test_parallel_downloads_are_automatic_unless_chosen(tmp_path, monkeypatch):
    assert Settings().jobs == AUTOMATIC_JOBS
    assert 2 <= Settings().download_jobs == automatic_jobs() <= 4
    assert Settings(jobs=7).download_jobs == 7
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert automatic_jobs() == 3  # one more than the cores
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(32)), raising=False)
    assert automatic_jobs() == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert automatic_jobs() == 2
    (tmp_path / "settings.json").write_text('{"jobs": -3}')
    assert SettingsStore(tmp_path, use_keyring=False).load().jobs == AUTOMATIC_JOBS


def test_the_retry_policy_is_saved_and_reaches_the_sync_options(tmp_path):
    assert Settings().retry_policy() == DEFAULT_RETRY  # today's behaviour unless the file says otherwise
    store = SettingsStore(tmp_path, use_keyring=False)
    store.save(Settings(retry_attempts=3, retry_backoff=0.0, retry_cap=2.5))
    loaded = SettingsStore(tmp_path, use_keyring=False).load()
    policy = RetryPolicy(attempts=3, backoff=0.0, cap=2.5, jitter=DEFAULT_RETRY.jitter)
    assert loaded.retry_policy() == policy
    assert SyncOptions.from_settings(loaded).retry == policy


def test_a_hand_edited_retry_policy_is_brought_within_sense(tmp_path):
    (tmp_path / "settings.json").write_text('{"retry_attempts": 0, "retry_backoff": -1, "retry_cap": 1e9}')
    loaded = SettingsStore(tmp_path, use_keyring=False).load()
    assert (loaded.retry_attempts, loaded.retry_backoff, loaded.retry_cap) == (1, 0.0, 300.0)
    (tmp_path / "settings.json").write_text('{"retry_attempts": "many", "retry_backoff": "NaN", "retry_cap": null}')
    assert SettingsStore(tmp_path, use_keyring=False).load().retry_policy() == DEFAULT_RETRY


class _MemoryKeyring:
    """A keyring backend in memory whose writes can be made to fail (a locked keyring)."""

    def __init__(self):
        import keyring.backend

        class Backend(keyring.backend.KeyringBackend):
            priority = 1
            store: dict = {}
            locked = False

            def get_password(self, service, username):
                return self.store.get((service, username))

            def set_password(self, service, username, password):
                if Backend.locked:
                    raise keyring.errors.KeyringLocked("locked")
                self.store[(service, username)] = password

            def delete_password(self, service, username):
                if Backend.locked:
                    raise keyring.errors.KeyringLocked("locked")
                self.store.pop((service, username), None)

        self.backend = Backend()


def test_a_token_saved_to_the_file_when_the_keyring_is_locked_wins_over_the_keyrings_old_one(tmp_path):
    import keyring

    memory = _MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory.backend)
    try:
        store = SettingsStore(tmp_path, use_keyring=True)
        store.save(Settings(base_url="http://relay.example", token="old-token"))
        assert store.token_location == "system keyring"
        assert "old-token" not in (tmp_path / "settings.json").read_text()
        type(memory.backend).locked = True
        store.save(Settings(base_url="http://relay.example", token="new-token"))
        assert store.token_location == "settings file"
        again = SettingsStore(tmp_path, use_keyring=True)
        assert again.load().token == "new-token" and again.token_location == "settings file"
    finally:
        keyring.set_keyring(previous)


def test_opened_libraries_are_remembered_without_losing_one_to_another_process(tmp_path):
    store = SettingsStore(tmp_path, use_keyring=False)
    window = Settings(base_url="http://relay.example", token="secret-token")
    store.save(window)
    store.remember_library(tmp_path / "Library")  # a sync from cron, while the window is open
    loaded = store.load()
    assert loaded.opened_before(tmp_path / "Library") and loaded.token == "secret-token"
    assert not loaded.opened_before(tmp_path / "Other")
    window.jobs = 3
    store.save(window)  # the window's older copy keeps what the sync added
    assert store.load().opened_before(tmp_path / "Library")
    store.choose_library(tmp_path / "Chosen")
    loaded = store.load()
    assert loaded.library == str(tmp_path / "Chosen") and loaded.opened_before(tmp_path / "Chosen")
    assert (loaded.jobs, loaded.token) == (3, "secret-token")


def test_a_library_chosen_before_libraries_were_remembered_counts_as_opened(tmp_path):
    (tmp_path / "settings.json").write_text('{"library": "/media/drive/Suno"}')
    assert SettingsStore(tmp_path, use_keyring=False).load().opened_before(Path("/media/drive/Suno"))
    (tmp_path / "settings.json").write_text('{"library": "/media/drive/Suno", "libraries": "junk"}')
    assert SettingsStore(tmp_path, use_keyring=False).load().libraries == []


def test_the_default_library_is_in_the_xdg_music_folder_else_home_music(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert default_library_dir() == tmp_path / "Music" / "Suno Desktop"
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "user-dirs.dirs").write_text('XDG_MUSIC_DIR="$HOME/Musique"\n')
    assert default_library_dir() == tmp_path / "Musique" / "Suno Desktop"
    assert Settings().library_dir == default_library_dir()
    assert not (tmp_path / "Musique").exists()  # asking makes nothing
