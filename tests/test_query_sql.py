"""The SQL that ``list --query`` leaves clips out with never leaves out a clip the query matches."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_strategies import NOW, added_times, libraries, render, trees

from suno_desktop.library.query_parse import parse
from suno_desktop.library.query_select import Selector, matching
from suno_desktop.library.query_sql import clips_matching, prefilter
from suno_desktop.library.store import Library, clip_column_sql

_COLUMNS = (
    "clip_id, task_id, position, title, tags, lyrics, description, model, duration, created_at, relay_status, "
    "state, rating, plays, parent_clip_id, relation, edits, updated_at"
)


def fill(library: Library, clips) -> None:
    """*clips* as rows of the library's database; a clip the user retitled keeps the relay's title beneath."""
    with library.transaction() as conn:
        conn.execute("DELETE FROM clips")
        conn.execute("DELETE FROM tasks")
        for task_id in {clip.task_id for clip in clips}:
            conn.execute(
                "INSERT INTO tasks(task_id, action, status, added_at) VALUES (?, 'MUSIC', 'SUCCESS', 0)", (task_id,)
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
    fill(library, clips)
    selector = Selector(parse(render(tree, data)), NOW, added=added)
    everything = library.clips()
    assert [r.clip_id for r in clips_matching(library, selector)] == [r.clip_id for r in matching(everything, selector)]


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
