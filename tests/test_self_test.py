import io

from suno_desktop import resources
from suno_desktop.self_test import run_self_test


def test_self_test_passes_on_a_complete_installation(qtbot):
    out = io.StringIO()
    assert run_self_test(out) == 0, out.getvalue()
    text = out.getvalue()
    for check in ("modules", "library", "bundled media", "ID3 tags", "playback"):
        assert f"ok    {check}" in text
    assert text.rstrip().endswith("Self-test passed.")


def test_self_test_names_what_is_broken(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "resources_dir", lambda: tmp_path / "nothing-here")
    out = io.StringIO()
    assert run_self_test(out) == 1
    text = out.getvalue()
    assert "FAIL  bundled media: FileNotFoundError: missing: demo/song-1.mp3" in text
    assert "FAIL  playback" in text and "ok    library" in text
