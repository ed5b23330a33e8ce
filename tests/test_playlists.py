"""The playlists store alone: order, moves, undo of a removal, names and smart orders."""

from __future__ import annotations

import pytest
from record_helpers import clip_record

from suno_desktop.library.playlists import PlaylistError, Playlists, SmartOrder, checked_name, smart_order
from suno_desktop.library.store import Library


@pytest.fixture
def store(tmp_path):
    with Library(tmp_path / "L", create=True) as lib, lib.transaction() as conn:
        conn.execute("INSERT INTO tasks(task_id, added_at) VALUES ('t', 1.0)")
        conn.executemany(
            "INSERT INTO clips(clip_id, task_id, position, title, updated_at) VALUES (?, 't', ?, ?, 1.0)",
            [(f"c{n}", n, f"Song {n}") for n in range(6)],
        )
    with Library(tmp_path / "L") as lib:
        yield Playlists(lib)


def test_songs_move_before_a_song_and_a_removal_is_undone_in_place(store):
    playlist = store.create("Order")
    store.add(playlist, [f"c{n}" for n in range(6)])
    assert store.move(playlist, ["c4", "c1"], before=0) == ["c1", "c4", "c0", "c2", "c3", "c5"]
    assert store.move(playlist, ["c1"], before=6) == ["c4", "c0", "c2", "c3", "c5", "c1"]
    assert store.move(playlist, ["c0", "c3"], before=3) == ["c4", "c2", "c0", "c3", "c5", "c1"]
    removed = store.remove(playlist, ["c2", "c1", "nope"])
    assert removed == [(1, "c2"), (5, "c1")] and store.clip_ids(playlist) == ["c4", "c0", "c3", "c5"]
    store.restore(playlist, removed)
    assert store.clip_ids(playlist) == ["c4", "c2", "c0", "c3", "c5", "c1"]
    store.add(playlist, ["c2", "c9"], at=0)  # already in it, and not in the library: nothing changes
    assert store.clip_ids(playlist) == ["c4", "c2", "c0", "c3", "c5", "c1"]
    store.set_order(playlist, ["c5", "c5", "c0"])
    assert store.clip_ids(playlist) == ["c5", "c0"]


def test_a_deleted_playlist_cannot_be_changed_and_a_smart_one_holds_no_songs(store):
    playlist = store.create("Gone")
    store.delete(playlist)
    with pytest.raises(PlaylistError, match="is gone"):
        store.add(playlist, ["c1"])
    smart = store.create_smart("Smart", "song")
    with pytest.raises(PlaylistError, match="smart playlist"):
        store.add(smart, ["c1"])
    assert len(store.songs(smart)) == 6
    edited = store.edit_smart(smart, '"song 4" OR "song 3"', SmartOrder.TITLE, 1)
    assert [r.clip_id for r in store.songs(edited)] == ["c3"]
    with pytest.raises(PlaylistError, match="does not parse"):
        store.edit_smart(smart, "(", SmartOrder.TITLE, None)
    with pytest.raises(PlaylistError, match="limit"):
        store.edit_smart(smart, "x", SmartOrder.TITLE, 0)
    assert store.get(smart.playlist_id) == edited


def test_names_are_trimmed_and_checked():
    assert checked_name("  Late \t Night\n ") == "Late Night"
    for bad in ("", " \n", "x" * 201, "a\x00b", "a\x9bb"):
        with pytest.raises(PlaylistError):
            checked_name(bad)


def test_smart_orders_put_the_first_first_and_keep_ties_in_library_order():
    records = [
        clip_record("c0", rating=3, plays=1, duration=100.0, title="b"),
        clip_record("c1", rating=5, plays=7, duration=300.0, title="A"),
        clip_record("c2", rating=5, plays=0, duration=None, title="c"),
    ]
    ids = lambda rs: [r.clip_id for r in rs]  # noqa: E731
    assert ids(smart_order(records, SmartOrder.TOP_RATED, None)) == ids([records[1], records[2], records[0]])
    assert ids(smart_order(records, SmartOrder.MOST_PLAYED, 2)) == ids([records[1], records[0]])
    assert ids(smart_order(records, SmartOrder.LONGEST, None)) == ids([records[1], records[0], records[2]])
    assert ids(smart_order(records, SmartOrder.TITLE, None)) == ids([records[1], records[0], records[2]])
    assert ids(smart_order(records, SmartOrder.LIBRARY, 1)) == ids(records[:1])


@pytest.mark.parametrize("query", ["song", "rating:>=1", "-is:rated OR plays:>2"])
def test_a_smart_playlists_ids_are_its_songs_in_every_order(tmp_path, query):
    """The sidebar reads a smart list's ids a batch at a time: the same songs, in the same order, as songs()."""
    with Library(tmp_path / "L", create=True) as lib:
        with lib.transaction() as conn:
            conn.executemany(
                "INSERT INTO tasks(task_id, added_at) VALUES (?, ?)", [(f"t{n}", float(n % 3)) for n in range(4)]
            )
            conn.executemany(
                "INSERT INTO clips(clip_id, task_id, position, title, rating, plays, last_played, duration,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1.0)",
                [
                    (f"c{n}", f"t{n % 4}", n, f"Song {n % 5}", n % 3, n % 4, float(n % 2) or None,
                     float(n % 6) * 30 or None, f"2026-12-0{n % 7 + 1}T00:00:00+00:00")
                    for n in range(24)
                ],
            )  # fmt: skip
        store = Playlists(lib)
        for order in SmartOrder:
            for limit in (None, 5):
                playlist = store.create_smart(f"{order.value} {limit}", query, order, limit)
                expected = [r.clip_id for r in store.songs(playlist)]
                assert store.song_ids(playlist) == expected, (order, limit)
                assert expected, (order, limit)
