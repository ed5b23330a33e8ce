"""Where a clip came from, by rs-suno's rules, in both clip shapes; nothing a relay sends is trusted."""

import pytest
from cli_helpers import relay_args
from hypothesis import given
from hypothesis import strategies as st

from suno_desktop.library.store import Library
from suno_desktop.model import ClipRelation
from suno_desktop.relay.lineage import Lineage, lineage_of
from suno_desktop.relay.model import parse_task

PARENT = "a06015d0-9e04-4f30-85db-401494940394"
SELF = "f1c2a5c1-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"task": "extend", "history": [{"id": PARENT, "continue_at": 60.5}]}, (ClipRelation.EXTENSION, 60.5)),
        ({"task": "infill", "override_history_clip_id": f"m_{PARENT}"}, (ClipRelation.SECTION_REPLACE, None)),
        ({"task": "fixed_infill", "history": [{"id": PARENT}]}, (ClipRelation.SECTION_REPLACE, None)),
        ({"type": "concat", "concat_history": [{"id": PARENT}, {"id": "other"}]}, (ClipRelation.CONCAT, None)),
        ({"type": "concat", "concat_history": [PARENT]}, (ClipRelation.CONCAT, None)),
        ({"type": "edit_speed", "speed_clip_id": PARENT}, (ClipRelation.SPEED_EDIT, None)),
        ({"task": "cover", "cover_clip_id": PARENT}, (ClipRelation.COVER, None)),
        ({"type": "upsample", "upsample_clip_id": PARENT}, (ClipRelation.REMASTER, None)),
        ({"task": "upsample", "remaster_clip_id": PARENT}, (ClipRelation.REMASTER, None)),
        ({"type": "edit_v3_export", "edited_clip_id": PARENT}, (ClipRelation.EDIT, None)),
        ({"type": "gen", "edited_clip_id": PARENT}, (ClipRelation.DERIVED, None)),
    ],
)
def test_each_rule_of_the_nested_shape(metadata, expected):
    relation, at = expected
    assert lineage_of({"id": SELF, "metadata": metadata}, SELF) == Lineage(PARENT, relation, at)


def test_the_flat_shape_says_it_at_the_top():
    flat = {"id": SELF, "continue_clip_id": PARENT, "continue_at": 80}
    assert lineage_of(flat, SELF) == Lineage(PARENT, ClipRelation.EXTENSION, 80.0)
    assert lineage_of({"id": SELF, "continue_clip_id": None, "continue_at": None}, SELF) == Lineage()


@pytest.mark.parametrize(
    "parent",
    ["00000000-0000-0000-0000-000000000000", SELF, "", "   ", None, 7, ["x"], {"id": PARENT}, "a b", "x" * 500],
)
def test_no_parent_for_what_is_no_id(parent):
    assert lineage_of({"id": SELF, "metadata": {"task": "extend", "history": [{"id": parent}]}}, SELF) == Lineage()
    assert lineage_of({"id": SELF, "continue_clip_id": parent}, SELF) == Lineage()


@pytest.mark.parametrize("at", ["nan", float("inf"), -3, 10**9, True, "later", [1]])
def test_a_bogus_position_is_no_position(at):
    found = lineage_of({"id": SELF, "continue_clip_id": PARENT, "continue_at": at}, SELF)
    assert found == Lineage(PARENT, ClipRelation.EXTENSION, None)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_any_json_at_all_gives_a_lineage_or_none(value):
    raw = {"id": SELF, "metadata": {"task": "extend", "history": value, "concat_history": value}, "continue_at": value}
    found = lineage_of(raw, SELF)
    assert found.parent_clip_id is None or isinstance(found.parent_clip_id, str)


def test_the_library_keeps_the_lineage_and_a_refresh_changes_it(tmp_path):
    task = {
        "task_id": "t-extend",
        "action": "MUSIC",
        "status": "SUCCESS",
        "data": [
            {
                "id": SELF,
                "status": "complete",
                "title": "Neon Highway (extended)",
                "audio_url": "https://cdn1.suno.ai/x.mp3",
                "metadata": {"task": "extend", "history": [{"id": PARENT, "continue_at": 61.0}]},
            },
            {"id": PARENT, "status": "complete", "title": "Neon Highway", "audio_url": "https://cdn1.suno.ai/y.mp3"},
        ],
    }
    with Library(tmp_path / "L", create=True) as library:
        library.save_task(parse_task(task))
        extension, original = library.clip(SELF), library.clip(PARENT)
        assert (extension.parent_clip_id, extension.relation, extension.continue_at) == (
            PARENT,
            ClipRelation.EXTENSION,
            61.0,
        )
        assert (extension.take, original.take) == (1, 2)
        assert (original.parent_clip_id, original.relation) == (None, ClipRelation.NONE)
        task["data"][0]["metadata"] = {}
        library.save_task(parse_task(task))
        assert library.clip(SELF).parent_clip_id is None


@pytest.mark.parametrize("shape", ["flat", "nested"])
def test_an_extension_made_on_the_local_relay_knows_its_parent_in_both_shapes(relay, tmp_path, capsys, shape):
    import json

    from suno_desktop.cli import main

    library = tmp_path / "Library"
    relay_options = relay_args(relay, library)
    relay.submitted_shape = shape
    task = relay.add_music_task(title="Base", clips=1, duration=90.0, shape=shape)
    assert main(["sync", *relay_options, task]) == 0
    with Library(library) as lib:
        (parent,) = lib.clips(task_ids=[task])
    assert main(["create", "--extend", parent.clip_id, "--from", "61", "--instrumental", *relay_options]) == 0
    capsys.readouterr()
    assert main(["list", "--library", str(library), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    extensions = [row for row in rows if row["parent_clip_id"] == parent.clip_id]
    assert extensions and all(row["relation"] == "extension" for row in extensions)
    with Library(library) as lib:
        assert {lib.clip(row["clip_id"]).continue_at for row in extensions} == {61.0}


def test_an_extensions_songs_carry_their_parent_in_the_tags(relay, tmp_path, capsys):
    from mutagen.id3 import ID3

    from suno_desktop.cli import main

    library = tmp_path / "Library"
    relay_options = relay_args(relay, library)
    task = relay.add_music_task(title="Base", clips=1, duration=90.0)
    assert main(["sync", *relay_options, task]) == 0
    with Library(library) as lib:
        (parent,) = lib.clips(task_ids=[task])
    create = ["create", "--extend", parent.clip_id, "--from", "30", "--instrumental"]
    assert main([*create, *relay_options]) == 0
    with Library(library) as lib:
        songs = [record for record in lib.clips() if record.parent_clip_id == parent.clip_id]
        assert songs
        for record in songs:
            assert ID3(library / record.audio_path)["TXXX:SUNO_PARENT_ID"].text == [parent.clip_id]
        assert "TXXX:SUNO_PARENT_ID" not in ID3(library / parent.audio_path)
