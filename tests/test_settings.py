import os
import stat

from suno_desktop.settings import Settings, SettingsStore


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
