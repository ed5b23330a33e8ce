import os
import stat

from suno_desktop.settings import AUTOMATIC_JOBS, Settings, SettingsStore, automatic_jobs


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
