"""The SQL that ``list --query`` leaves clips out with never leaves out a clip the query matches."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_strategies import NOW, added_times, libraries, render, trees

from suno_desktop.library.query_parse import parse
from suno_desktop.library.query_select import Selector, matching
from suno_desktop.library.query_sql import clip_ids_matching, clips_matching, count_matching, prefilter
from suno_desktop.library.store import Library, clip_column_sql

_COLUMNS = (
    "clip_id, task_id, position, title, tags, lyrics, description, model, duration, created_at, relay_status, "
    "state, rating, plays, parent_clip_id, relation, edits, updated_at"
)


def fill(library: Library, clips, added: dict[str, float] | None = None) -> None:
    """*clips* as rows of the library's database; a clip the user retitled keeps the relay's title beneath.

    Each task was added at its time in *added* (else at 0).
    """
    with library.transaction() as conn:
        conn.execute("DELETE FROM clips")
        conn.execute("DELETE FROM tasks")
        for task_id in {clip.task_id for clip in clips}:
            conn.execute(
                "INSERT INTO tasks(task_id, action, status, added_at) VALUES (?, 'MUSIC', 'SUCCESS', ?)",
                (task_id, (added or {}).get(task_id, 0.0)),
            )
        for n, clip in enumerate(clips):
            edited = "title" in clip.edited
            conn.execute(
                f"INSERT INTO clips({_COLUMNS}) VALUES ({','.join('?' * 18)})",
                (
                    f"{clip.clip_id}{n}",
                    clip.task_id,
                    n,
                    "Relay Title Zq" if edited else clip.title,
                    clip.tags,
                    clip.lyrics,
                    clip.description,
                    clip.model,
                    clip.duration,
                    clip.created_at,
                    "complete",
                    clip.state.value,
                    clip.rating,
                    clip.plays,
                    clip.parent_clip_id,
                    clip.relation,
                    json.dumps({"title": clip.title}) if edited else None,
                    0.0,
                ),
            )


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(tree=trees, clips=libraries, added=added_times, data=st.data())
def test_the_database_never_leaves_out_a_clip_the_query_matches(library, tree, clips, added, data):
    """Nor adds one: the sidebar's lists (clip_ids_matching) take an exact condition's clips unread."""
    fill(library, clips, added)
    text = render(tree, data)
    everything = library.clips()
    for selector in (Selector(parse(text), NOW, added=library.task_added_times()), Selector(parse(text), NOW)):
        expected = [r.clip_id for r in matching(everything, selector)]
        assert [r.clip_id for r in clips_matching(library, selector)] == expected
        assert clip_ids_matching(library, selector) == expected
        assert count_matching(library, selector) == len(expected)


def test_a_word_the_database_can_look_for_reads_only_the_clips_that_hold_it(library):
    """What makes ``list --query`` fast: a plain ASCII word, a rating or a flag is answered by SQL."""
    from query_strategies import FakeClip

    fill(
        library,
        [FakeClip(title=f"Song {n}", lyrics="echo" if n % 10 == 0 else "rain", rating=n % 6) for n in range(50)],
    )
    for query, expected in (("echo", 5), ("rating:>=4", 16), ("is:rated -rating:5", 33), ("echo OR is:failed", 5)):
        condition = prefilter(parse(query), clip_column_sql)
        assert condition.sql is not None, query
        assert len(library.clips_where(condition.sql, condition.params)) == expected, query
    caf = prefilter(parse("cafe"), clip_column_sql)  # "Café" folds to "cafe": a field with an accent is read
    fill(library, [FakeClip(title="Café Nights"), FakeClip(title="Tea")])
    assert [r.title for r in library.clips_where(caf.sql, caf.params)] == ["Café Nights"]


def test_added_is_answered_by_the_tasks_times_and_counted_without_reading_a_clip(library):
    """Recently Added at 100,000 clips: the sidebar's count must not read every clip (~250 MB, ~1 s)."""
    from query_strategies import FakeClip

    day = 86400.0
    now = NOW.timestamp()
    clips = [FakeClip(task_id=f"t{n}", title=f"Song {n}") for n in range(6)]
    fill(library, clips, {f"t{n}": now - n * 5 * day for n in range(6)})  # 0, 5, 10, ... 25 days ago
    selector = Selector(parse("added:14d"), NOW, added=library.task_added_times())
    condition = prefilter(selector.node, clip_column_sql, selector.now)
    assert condition.exact
    read: list = []
    library.clip_batches = lambda *args, **kwargs: read.append(args) or iter(())  # an exact condition reads no clip
    assert clip_ids_matching(library, selector) == [f"{clips[n].clip_id}{n}" for n in range(3)]
    assert count_matching(library, selector) == 3
    assert read == []
    older = Selector(parse("-added:14d"), NOW, added=library.task_added_times())
    assert clip_ids_matching(library, older) == [f"{clips[n].clip_id}{n}" for n in range(3, 6)]
