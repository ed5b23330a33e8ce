"""Star ratings written into MP3/MP4 files the way other players read them, and read back with mutagen."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from mutagen.id3 import COMM, ID3, POPM, TXXX, Encoding, ID3NoHeaderError
from mutagen.mp4 import MP4, AtomDataType, MP4FreeForm

from suno_desktop.media.leading_tag import id3_prefix
from suno_desktop.media.rating_tags import (
    FMPS_SOURCE,
    MP4_FMPS_RATING,
    OWN_POPM_SOURCE,
    WMP_EMAIL,
    rating_change,
    read_rating,
    read_rating_sources,
)
from suno_desktop.media.tagging import TagOptions, write_id3_tags, write_mp4_tags
from suno_desktop.model import Clip
from suno_desktop.resources import resource_path

DEMO = resource_path("demo")
CLIP = Clip(clip_id="0f3c9a1e-1111-2222-3333-444455556666", task_id="task-42", title="Midnight Drive")
WMP_BYTES = {1: 1, 2: 64, 3: 128, 4: 196, 5: 255}
FMPS = {1: "0.2", 2: "0.4", 3: "0.6", 4: "0.8", 5: "1.0"}


def rated(stars: int, **changes) -> Clip:
    return dataclasses.replace(CLIP, rating=stars, **changes)


def fmps_frames(tags: ID3) -> list[TXXX]:
    return [frame for frame in tags.getall("TXXX") if frame.desc == "FMPS_Rating"]


def add_frames(path: Path, *frames) -> None:
    try:
        tags = ID3(path)
    except ID3NoHeaderError:  # the demo song comes without a tag
        tags = ID3()
    for frame in frames:
        tags.add(frame)
    tags.save(path, v2_version=3)


@pytest.mark.parametrize("version", [3, 4])
@pytest.mark.parametrize("stars", [1, 2, 3, 4, 5])
def test_every_star_count_is_written_as_one_wmp_popm_and_fmps(mp3, stars, version):
    assert write_id3_tags(mp3, rated(stars), TagOptions(id3_version=version))
    tags = ID3(mp3)
    assert tags.version[:2] == (2, version)
    [popm] = tags.getall("POPM")
    assert (popm.email, popm.rating, popm.count) == (WMP_EMAIL, WMP_BYTES[stars], 0)
    [fmps] = fmps_frames(tags)
    assert fmps.text == [FMPS[stars]]
    assert read_rating(mp3) == stars


def test_rewriting_the_same_rating_does_not_touch_the_file_and_a_new_one_replaces_it(mp3):
    assert write_id3_tags(mp3, rated(3), TagOptions())
    assert not write_id3_tags(mp3, rated(3), TagOptions())
    assert write_id3_tags(mp3, rated(5), TagOptions())
    tags = ID3(mp3)
    assert [(frame.email, frame.rating) for frame in tags.getall("POPM")] == [(WMP_EMAIL, 255)]
    assert [frame.text for frame in fmps_frames(tags)] == [["1.0"]]


def test_clearing_the_rating_removes_the_apps_frames(mp3):
    write_id3_tags(mp3, rated(4), TagOptions())
    assert write_id3_tags(mp3, rated(0), TagOptions())
    tags = ID3(mp3)
    assert tags.getall("POPM") == [] and fmps_frames(tags) == []
    assert tags.getall("TXXX:SUNO_CLIP_ID")  # the rest of the tag stays
    assert read_rating(mp3) is None
    assert not write_id3_tags(mp3, rated(0), TagOptions())


def test_a_retag_keeps_the_frames_the_app_does_not_own(mp3):
    write_id3_tags(mp3, rated(2), TagOptions())
    add_frames(
        mp3,
        POPM(email="no@email", rating=196, count=7),
        TXXX(encoding=Encoding.UTF16, desc="REPLAYGAIN_TRACK_GAIN", text=["-6.20 dB"]),
        TXXX(encoding=Encoding.UTF16, desc="REPLAYGAIN_TRACK_PEAK", text=["0.988235"]),
        TXXX(encoding=Encoding.UTF16, desc="MusicBrainz Album Id", text=["abc"]),
        COMM(encoding=Encoding.UTF16, lang="eng", desc="Songs-DB_Custom1", text=["my note"]),
    )
    for stars in (5, 0, 3):
        write_id3_tags(mp3, rated(stars, title=f"Take {stars}"), TagOptions())
        tags = ID3(mp3)
        assert str(tags["TIT2"]) == f"Take {stars}"
        mediamonkey = tags["POPM:no@email"]
        assert (mediamonkey.rating, mediamonkey.count) == (196, 7)
        assert str(tags["TXXX:REPLAYGAIN_TRACK_GAIN"]) == "-6.20 dB"
        assert str(tags["TXXX:REPLAYGAIN_TRACK_PEAK"]) == "0.988235"
        assert str(tags["TXXX:MusicBrainz Album Id"]) == "abc"
        assert str(tags["COMM:Songs-DB_Custom1:eng"]) == "my note"
        ours = [frame.rating for frame in tags.getall("POPM") if frame.email == WMP_EMAIL]
        assert ours == ([WMP_BYTES[stars]] if stars else [])


@pytest.mark.parametrize(
    ("frame", "stars"),
    [
        (POPM(email="no@email", rating=196, count=3), 4),  # MediaMonkey
        (POPM(email="users@musicbrainz.org", rating=153, count=0), 3),  # Picard
        (POPM(email="MusicBee", rating=64), 2),
        (POPM(email="", rating=192, count=0), 4),  # Strawberry's 4 stars
        (POPM(email="rating@winamp.com", rating=1), 1),
        (POPM(email="quodlibet@lists.sacredchao.net", rating=255, count=12), 5),
        (POPM(email="x", rating=63), 1),
        (POPM(email="x", rating=127), 2),
        (POPM(email="x", rating=191), 3),
        (POPM(email="x", rating=251), 4),
        (POPM(email="x", rating=252), 5),
        (POPM(email="x", rating=0, count=40), None),  # a play counter, no rating
        (TXXX(encoding=Encoding.LATIN1, desc="FMPS_Rating", text=["0.6"]), 3),  # Amarok, Clementine
        (TXXX(encoding=Encoding.LATIN1, desc="FMPS_Rating", text=["0.7"]), 4),
        (TXXX(encoding=Encoding.LATIN1, desc="FMPS_Rating", text=["0"]), None),
        (TXXX(encoding=Encoding.LATIN1, desc="FMPS_Rating", text=["lots"]), None),
        (TXXX(encoding=Encoding.LATIN1, desc="FMPS_Rating", text=["7"]), None),
    ],
)
def test_a_rating_another_player_wrote_is_read(mp3, frame, stars):
    write_id3_tags(mp3, CLIP, TagOptions())
    add_frames(mp3, frame)
    assert read_rating(mp3) == stars


def test_the_apps_own_popm_is_read_before_another_players(mp3):
    """The app rewrites its own POPM on every change; another player's may be an old one."""
    add_frames(mp3, POPM(email="no@email", rating=64, count=0))
    write_id3_tags(mp3, rated(5), TagOptions())
    assert read_rating(mp3) == 5


def test_popm_is_read_before_fmps(mp3):
    add_frames(
        mp3,
        POPM(email="MusicBee", rating=128),
        TXXX(encoding=Encoding.LATIN1, desc="FMPS_Rating", text=["1.0"]),
    )
    assert read_rating(mp3) == 3


def test_a_file_without_a_rating_or_without_tags_or_readable_audio_has_none(mp3, mp4, tmp_path):
    assert read_rating(mp3) is None  # no tag at all
    write_id3_tags(mp3, CLIP, TagOptions())
    assert read_rating(mp3) is None  # a tag without a rating
    write_mp4_tags(mp4, CLIP, TagOptions())
    assert read_rating(mp4) is None
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not audio at all")
    assert read_rating(junk) is None
    assert read_rating(tmp_path / "missing.mp3") is None


def test_a_new_downloads_leading_tag_carries_the_rating(tmp_path):
    path = tmp_path / "new.mp3"
    path.write_bytes(id3_prefix(rated(4), TagOptions(), None) + (DEMO / "song-1.mp3").read_bytes())
    assert read_rating(path) == 4
    assert [frame.rating for frame in ID3(path).getall("POPM")] == [196]


@pytest.mark.parametrize("stars", [1, 2, 3, 4, 5])
def test_mp4_gets_the_fmps_atom_and_reads_it_back(mp4, stars):
    assert write_mp4_tags(mp4, rated(stars), TagOptions())
    [value] = MP4(mp4).tags[MP4_FMPS_RATING]
    assert bytes(value) == FMPS[stars].encode("utf-8")
    assert value.dataformat == AtomDataType.UTF8
    assert read_rating(mp4) == stars
    assert not write_mp4_tags(mp4, rated(stars), TagOptions())


def test_clearing_an_mp4s_rating_removes_the_atom_and_keeps_other_players_atoms(mp4):
    write_mp4_tags(mp4, rated(4), TagOptions())
    video = MP4(mp4)
    video.tags["----:com.apple.iTunes:replaygain_track_gain"] = [MP4FreeForm(b"-6.20 dB")]
    video.save()
    assert write_mp4_tags(mp4, rated(0), TagOptions())
    tags = MP4(mp4).tags
    assert MP4_FMPS_RATING not in tags
    assert bytes(tags["----:com.apple.iTunes:replaygain_track_gain"][0]) == b"-6.20 dB"
    assert read_rating(mp4) is None


def test_an_mp4_rating_another_player_wrote_is_read(mp4):
    write_mp4_tags(mp4, CLIP, TagOptions())
    video = MP4(mp4)
    video.tags[MP4_FMPS_RATING] = [MP4FreeForm(b"0.4")]
    video.save()
    assert read_rating(mp4) == 2


def test_rating_sources_name_each_frame(mp3, mp4):
    assert read_rating_sources(mp3) == {}
    add_frames(mp3, POPM(email="no@email", rating=196, count=0))
    write_id3_tags(mp3, rated(2), TagOptions())
    assert read_rating_sources(mp3) == {OWN_POPM_SOURCE: 2, "POPM:no@email": 4, FMPS_SOURCE: 2}
    write_mp4_tags(mp4, rated(5), TagOptions())
    assert read_rating_sources(mp4) == {FMPS_SOURCE: 5}
    assert read_rating_sources(mp3.with_name("missing.mp3")) is None


def test_a_stale_popm_of_another_player_does_not_undo_a_cleared_rating(mp3):
    """read_rating alone would bring MediaMonkey's old 4 stars back after the user cleared them in the app."""
    add_frames(mp3, POPM(email="no@email", rating=196, count=0))
    write_id3_tags(mp3, rated(0), TagOptions())
    after_write = read_rating_sources(mp3)
    assert read_rating(mp3) == 4
    assert rating_change(after_write, read_rating_sources(mp3)) is None


def test_another_players_new_rating_is_a_change_even_beside_the_apps_own(mp3):
    add_frames(mp3, POPM(email="no@email", rating=128, count=0))
    write_id3_tags(mp3, rated(3), TagOptions())
    after_write = read_rating_sources(mp3)
    add_frames(mp3, POPM(email="no@email", rating=255, count=1))  # MediaMonkey: 5 stars
    assert read_rating(mp3) == 3  # the app's own POPM is believed first...
    assert rating_change(after_write, read_rating_sources(mp3)) == 5  # ...but MediaMonkey's changed


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        ({OWN_POPM_SOURCE: 3, FMPS_SOURCE: 3}, {OWN_POPM_SOURCE: 3, FMPS_SOURCE: 3}, None),
        ({OWN_POPM_SOURCE: 3, FMPS_SOURCE: 3}, {OWN_POPM_SOURCE: 4, FMPS_SOURCE: 4}, 4),  # Strawberry
        ({OWN_POPM_SOURCE: 3, FMPS_SOURCE: 3}, {OWN_POPM_SOURCE: 3, FMPS_SOURCE: 1}, 1),  # Amarok
        ({OWN_POPM_SOURCE: 3, FMPS_SOURCE: 3}, {OWN_POPM_SOURCE: 0, FMPS_SOURCE: 3}, 0),  # Explorer cleared
        ({OWN_POPM_SOURCE: 3, FMPS_SOURCE: 3}, {FMPS_SOURCE: 3}, 3),  # gone: the rest still says 3
        ({OWN_POPM_SOURCE: 3}, {}, 0),
        ({OWN_POPM_SOURCE: 3}, {OWN_POPM_SOURCE: 3, "POPM:quodlibet": 0}, None),  # a play counter
        ({}, {"POPM:users@musicbrainz.org": 3}, 3),
        ({}, {}, None),
    ],
)
def test_rating_change(before, after, change):
    assert rating_change(before, after) == change
