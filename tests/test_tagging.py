"""Tags written into the demo MP3/MP4 files and read back with mutagen."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mutagen.id3 import COMM, ID3, TIT2, TRCK, TSSE, USLT, Encoding
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, Atoms, MP4Cover

from suno_desktop.media import tagging
from suno_desktop.media.images import sniff_image_type
from suno_desktop.media.leading_tag import finish_mp3, id3_prefix, mp4_head_with_tags
from suno_desktop.media.mp4_boxes import Box, boxes
from suno_desktop.media.tagging import (
    ROOM_FOR_EDITS,
    Cover,
    TaggingError,
    TagOptions,
    guess_lyrics_language,
    load_cover,
    mp4_items,
    read_clip_id,
    set_mp4_items,
    write_id3_tags,
    write_mp4_tags,
)
from suno_desktop.model import Clip
from suno_desktop.resources import resource_path

DEMO = resource_path("demo")

CLIP = Clip(
    clip_id="0f3c9a1e-1111-2222-3333-444455556666",
    task_id="task-42",
    title="Midnight Drive",
    tags="synthwave, female vocals",
    lyrics="[Verse]\nNeon lights on the highway\n[Chorus]\nWe drive until the morning",
    description="an 80s synthwave song about driving at night",
    model="chirp-v4",
    duration=12.042,
    relay_status="complete",
    audio_url="https://cdn1.suno.ai/0f3c9a1e.mp3",
    image_url="https://cdn2.suno.ai/image_0f3c9a1e.jpeg",
    created_at=datetime(2024, 5, 6, 23, 30, 15, tzinfo=UTC),
)


@pytest.fixture
def jpeg_cover() -> Cover:
    cover = load_cover(DEMO / "cover-1.jpg")
    assert cover is not None
    return cover


@pytest.fixture
def png_cover() -> Cover:
    cover = load_cover(DEMO / "cover-2.png")
    assert cover is not None
    return cover


def set_old_mtime(path: Path) -> float:
    os.utime(path, (1_600_000_000, 1_600_000_000))
    return path.stat().st_mtime


# --------------------------------------------------------------------------- images and languages


def test_sniff_image_type_trusts_bytes_over_headers():
    png = (DEMO / "cover-2.png").read_bytes()[:16]
    jpeg = (DEMO / "cover-1.jpg").read_bytes()[:16]
    assert sniff_image_type(png, "image/jpeg") == ("image/png", ".png")
    assert sniff_image_type(jpeg) == ("image/jpeg", ".jpg")
    assert sniff_image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", ".webp")
    assert sniff_image_type(b"GIF89a\x01\x00") == ("image/gif", ".gif")
    assert sniff_image_type(b"<html>", "image/webp; charset=binary") == ("image/webp", ".webp")
    assert sniff_image_type(b"<html>", "IMAGE/JPG") == ("image/jpeg", ".jpg")
    assert sniff_image_type(b"<html>", "text/html") is None
    assert sniff_image_type(b"", "") is None


def test_load_cover(tmp_path):
    assert load_cover(DEMO / "cover-3.jpg").mime == "image/jpeg"
    png = load_cover(DEMO / "cover-2.png")
    assert png.mime == "image/png" and png.data == (DEMO / "cover-2.png").read_bytes()
    misnamed = tmp_path / "cover.jpg"
    shutil.copyfile(DEMO / "cover-2.png", misnamed)
    assert load_cover(misnamed).mime == "image/png"
    (tmp_path / "page.jpg").write_text("<html>expired link</html>")
    assert load_cover(tmp_path / "page.jpg") is None
    assert load_cover(tmp_path / "missing.jpg") is None
    assert load_cover(None) is None
    assert "data" not in repr(png)


@pytest.mark.parametrize(
    "text,code",
    [
        ("[Verse]\n夜空に星が光る\n[Chorus]\n君を想う", "jpn"),
        ("[Verse]\n사랑해요 너를\n[Chorus]\n영원히 baby", "kor"),
        ("我爱你，就像老鼠爱大米", "chi"),
        ("Я помню чудное мгновенье", "rus"),
        ("أحبك يا قمر", "ara"),
        ("Σ' αγαπώ πολύ", "gre"),
        ("אני אוהב אותך", "heb"),
        ("ฉันรักเธอ", "tha"),
        ("मैं तुमसे प्यार करता हूँ", "hin"),
        ("Neon lights on the highway", "eng"),
        ("Te quiero, corazón", "eng"),
        ("", "eng"),
        ("123 !!! ...", "eng"),
        ("[Куплет]\nNeon lights on the highway", "eng"),  # section markers do not count
        ("[Verse]\n夜空に星が光る " + "yeah " * 3, "jpn"),  # kana and kanji weigh double
    ],
)
def test_guess_lyrics_language(text, code):
    assert guess_lyrics_language(text) == code


# --------------------------------------------------------------------------- ID3


def test_every_id3_frame_is_written_as_v23(mp3, jpeg_cover):
    assert write_id3_tags(mp3, CLIP, TagOptions(), jpeg_cover) is True
    tags = ID3(mp3)
    assert tags.version == (2, 3, 0)
    assert tags["TIT2"].text == ["Midnight Drive"]
    assert tags["TPE1"].text == ["Suno"]
    assert tags["TALB"].text == ["Suno"]
    assert tags["TCON"].text == ["synthwave, female vocals"]
    assert str(tags["TDRC"]) == "2024-05-06"
    assert tags["TLEN"].text == ["12042"]
    assert tags["TXXX:SUNO_CLIP_ID"].text == [CLIP.clip_id]
    assert tags["TXXX:SUNO_TASK_ID"].text == ["task-42"]
    assert tags["TXXX:SUNO_MODEL"].text == ["chirp-v4"]
    assert tags["WOAS"].url == "https://cdn1.suno.ai/0f3c9a1e.mp3"
    (lyrics,) = tags.getall("USLT")
    assert (lyrics.lang, lyrics.desc, lyrics.text) == ("eng", "", CLIP.lyrics)
    (comment,) = tags.getall("COMM")
    assert (comment.lang, comment.desc, comment.text) == ("eng", "", [CLIP.description])
    (picture,) = tags.getall("APIC")
    assert (picture.type, picture.mime, picture.desc) == (3, "image/jpeg", "Cover")
    assert picture.data == (DEMO / "cover-1.jpg").read_bytes()
    assert tags["TIT2"].encoding == Encoding.UTF16


def test_v23_is_really_v23_on_disk(mp3):
    write_id3_tags(mp3, CLIP, TagOptions())
    raw = ID3(mp3, translate=False)
    assert raw.version == (2, 3, 0)
    assert "TYER" in raw and "TDAT" in raw and "TDRC" not in raw
    assert mp3.read_bytes()[:4] == b"ID3\x03"


def test_v24_setting(mp3, png_cover):
    assert write_id3_tags(mp3, CLIP, TagOptions(id3_version=4), png_cover) is True
    tags = ID3(mp3)
    assert tags.version == (2, 4, 0)
    assert mp3.read_bytes()[:4] == b"ID3\x04"
    assert tags["TIT2"].encoding == Encoding.UTF8
    assert str(tags["TDRC"]) == "2024-05-06"
    assert tags.getall("APIC")[0].mime == "image/png"


def test_switching_version_rewrites_the_file(mp3):
    assert write_id3_tags(mp3, CLIP, TagOptions(id3_version=4)) is True
    assert write_id3_tags(mp3, CLIP, TagOptions(id3_version=3)) is True
    assert ID3(mp3).version == (2, 3, 0)
    assert write_id3_tags(mp3, CLIP, TagOptions(id3_version=3)) is False


def test_the_audio_is_left_intact(mp3):
    audio = (DEMO / "song-1.mp3").read_bytes()
    write_id3_tags(mp3, CLIP, TagOptions())
    assert mp3.read_bytes().endswith(audio)


@pytest.mark.parametrize(
    "options,lyrics,code",
    [
        (TagOptions(), CLIP.lyrics, "eng"),
        (TagOptions(), "[Verse]\n夜空に星が光る\n君を想う", "jpn"),
        (TagOptions(lyrics_language="fra"), "[Verse]\n夜空に星が光る", "fra"),
        (TagOptions(lyrics_language="DEU"), CLIP.lyrics, "deu"),
        (TagOptions(lyrics_language="xxx"), CLIP.lyrics, "eng"),
        (TagOptions(lyrics_language="en"), CLIP.lyrics, "eng"),
    ],
)
def test_uslt_language_is_a_real_code(mp3, options, lyrics, code):
    clip = Clip(clip_id="c", task_id="t", title="x", lyrics=lyrics, description="d")
    write_id3_tags(mp3, clip, options)
    tags = ID3(mp3)
    assert [f.lang for f in tags.getall("USLT")] == [code]
    assert [f.lang for f in tags.getall("COMM")] == [code]


def test_a_new_tag_keeps_the_audio_intact(mp3, png_cover):
    audio = mp3.read_bytes()
    assert write_id3_tags(mp3, CLIP, TagOptions(), png_cover) is True
    assert mp3.read_bytes()[ID3(mp3).size :] == audio
    assert write_id3_tags(mp3, CLIP, TagOptions(), png_cover) is False


@pytest.mark.parametrize("version", [3, 4])
def test_a_new_download_gets_its_tag_in_front_with_room_for_edits(tmp_path, png_cover, version):
    """What the sync does with a new MP3: tag its .part file, by the final name in messages."""
    audio = (DEMO / "song-1.mp3").read_bytes()
    options = TagOptions(id3_version=version)
    path = tmp_path / ".new.mp3.part"
    path.write_bytes(audio)
    assert write_id3_tags(path, CLIP, options, png_cover, name="new.mp3") is True
    written = path.read_bytes()
    tags = ID3(path)
    assert written[tags.size :] == audio  # the tag in front, the audio untouched behind it
    assert write_id3_tags(path, CLIP, options, png_cover) is False
    assert tags.version[:2] == (2, version)
    assert tags["TIT2"].text == ["Midnight Drive"] and tags.getall("APIC")[0].data == png_cover.data
    assert MP3(path).info.length == pytest.approx(MP3(DEMO / "song-1.mp3").info.length)

    # the padding takes a longer title later without moving the audio
    assert tags._padding == tagging.ROOM_FOR_EDITS
    renamed = Clip(**{**CLIP.__dict__, "title": CLIP.title + " (Extended Night Mix)"})
    assert write_id3_tags(path, renamed, options, png_cover) is True
    assert path.stat().st_size == len(written) and ID3(path)["TIT2"].text == [renamed.title]


@pytest.mark.parametrize("version", [3, 4])
def test_audio_with_a_tag_of_its_own_gets_one_merged_tag_in_its_place(mp3, jpeg_cover, version):
    """A download's own tag is merged with ours into one tag, not stacked on."""
    own = ID3()
    own.add(TSSE(encoding=Encoding.UTF8, text=["Lavf60.3.100"]))
    own.add(TIT2(encoding=Encoding.UTF8, text=["Old title"]))
    own.save(mp3, v2_version=4, padding=lambda info: 300 * 1024)  # a big one, too
    audio = (DEMO / "song-1.mp3").read_bytes()
    options = TagOptions(id3_version=version)
    assert write_id3_tags(mp3, CLIP, options, jpeg_cover) is True
    tags = ID3(mp3)
    assert mp3.read_bytes()[tags.size :] == audio
    assert tags.version[:2] == (2, version)
    assert tags["TIT2"].text == ["Midnight Drive"] and tags["TSSE"].text == ["Lavf60.3.100"]
    assert write_id3_tags(mp3, CLIP, options, jpeg_cover) is False


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway</body></html>" * 10,
        "\ufeff<html>502 Bad Gateway</html>".encode("utf-16-le") * 10,  # starts FF FE: MPEG sync bits
        b"\xff\xfb\x90\x00" + b"\x00" * 4000,  # one valid frame header, then nothing like audio
    ],
)
def test_a_body_that_is_not_an_mp3_fails_by_the_final_name(tmp_path, body):
    path = tmp_path / ".song.mp3.part"
    path.write_bytes(body)
    with pytest.raises(TaggingError, match=r"^song\.mp3 could not be read as an MP3 file"):
        write_id3_tags(path, CLIP, TagOptions(), None, name="song.mp3")
    assert path.read_bytes() == body


def download_with_prefix(path: Path, body: bytes, options: TagOptions, cover: Cover | None) -> bytes:
    """What the sync does with a new MP3: download_file(prefix=id3_prefix(...), before_commit=finish_mp3)."""
    prefix = id3_prefix(CLIP, options, cover)
    path.write_bytes(prefix + body)
    finish_mp3(path, len(prefix), CLIP, options, cover, name="song.mp3")
    return prefix


@pytest.mark.parametrize("version", [3, 4])
def test_a_leading_tag_is_the_tag_write_id3_tags_would_write(tmp_path, png_cover, version):
    """A new MP3 is written once, its tag in front of the audio: nothing left to rewrite after."""
    audio = (DEMO / "song-1.mp3").read_bytes()
    options = TagOptions(id3_version=version)
    path = tmp_path / ".song.mp3.part"
    tag = download_with_prefix(path, audio, options, png_cover)
    written = path.read_bytes()
    assert written == tag + audio
    assert write_id3_tags(path, CLIP, options, png_cover) is False  # exactly what it would write
    tags = ID3(path)
    assert tags.version[:2] == (2, version) and tags.size == len(tag) and tags._padding == tagging.ROOM_FOR_EDITS
    assert tags["TIT2"].text == ["Midnight Drive"] and tags.getall("APIC")[0].data == png_cover.data
    assert MP3(path).info.length == pytest.approx(MP3(DEMO / "song-1.mp3").info.length)
    renamed = Clip(**{**CLIP.__dict__, "title": CLIP.title + " (Extended Night Mix)"})
    assert write_id3_tags(path, renamed, options, png_cover) is True
    assert path.stat().st_size == len(written) and ID3(path)["TIT2"].text == [renamed.title]


@pytest.mark.parametrize("version", [3, 4])
def test_a_download_with_a_tag_of_its_own_ends_with_one_merged_tag(mp3, tmp_path, jpeg_cover, version):
    own = ID3()
    own.add(TSSE(encoding=Encoding.UTF8, text=["Lavf60.3.100"]))
    own.add(TIT2(encoding=Encoding.UTF8, text=["Old title"]))
    own.save(mp3, v2_version=4)
    audio = (DEMO / "song-1.mp3").read_bytes()
    options = TagOptions(id3_version=version)
    path = tmp_path / ".song.mp3.part"
    download_with_prefix(path, mp3.read_bytes(), options, jpeg_cover)
    tags = ID3(path)
    assert path.read_bytes()[tags.size :] == audio  # one tag, then the audio: nothing stacked
    assert tags.version[:2] == (2, version)
    assert tags["TIT2"].text == ["Midnight Drive"] and tags["TSSE"].text == ["Lavf60.3.100"]
    assert write_id3_tags(path, CLIP, options, jpeg_cover) is False


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway</body></html>" * 10,
        "\ufeff<html>502 Bad Gateway</html>".encode("utf-16-le") * 10,  # starts FF FE: MPEG sync bits
        b"\xff\xfb\x90\x00" + b"\x00" * 4000,  # one valid frame header, then nothing like audio
        b"ID3 but no tag, and no audio",
    ],
)
def test_a_body_behind_the_leading_tag_that_is_not_an_mp3_fails_by_the_final_name(tmp_path, body):
    with pytest.raises(TaggingError, match=r"^song\.mp3 could not be read as an MP3 file"):
        download_with_prefix(tmp_path / ".song.mp3.part", body, TagOptions(), None)


def test_rewriting_the_same_tags_does_not_touch_the_file(mp3, png_cover):
    options = TagOptions()
    assert write_id3_tags(mp3, CLIP, options, png_cover) is True
    mtime = set_old_mtime(mp3)
    content = mp3.read_bytes()
    assert write_id3_tags(mp3, CLIP, options, png_cover) is False
    assert write_id3_tags(mp3, CLIP, options, None) is False  # no cover given: the embedded one stays
    assert mp3.stat().st_mtime == mtime
    assert mp3.read_bytes() == content

    assert write_id3_tags(mp3, CLIP.__class__(**{**CLIP.__dict__, "title": "New title"}), options, png_cover)
    assert ID3(mp3)["TIT2"].text == ["New title"]
    assert len(ID3(mp3).getall("APIC")) == 1


def test_v24_rewrites_are_idempotent_too(mp3, jpeg_cover):
    options = TagOptions(id3_version=4)
    assert write_id3_tags(mp3, CLIP, options, jpeg_cover) is True
    mtime = set_old_mtime(mp3)
    assert write_id3_tags(mp3, CLIP, options, jpeg_cover) is False
    assert mp3.stat().st_mtime == mtime


def test_a_new_cover_replaces_the_old_front_cover(mp3, jpeg_cover, png_cover):
    write_id3_tags(mp3, CLIP, TagOptions(), jpeg_cover)
    assert write_id3_tags(mp3, CLIP, TagOptions(), png_cover) is True
    pictures = ID3(mp3).getall("APIC")
    assert [(p.mime, p.type) for p in pictures] == [("image/png", 3)]


def test_user_frames_survive_and_owned_frames_are_replaced(mp3):
    write_id3_tags(mp3, CLIP, TagOptions())
    tags = ID3(mp3)
    tags.add(TRCK(encoding=Encoding.UTF16, text=["7/12"]))
    tags.add(COMM(encoding=Encoding.UTF16, lang="eng", desc="my note", text=["keep me"]))
    tags.add(USLT(encoding=Encoding.UTF16, lang="deu", desc="translation", text="Neonlichter"))
    tags.add(COMM(encoding=Encoding.UTF16, lang="XXX", desc="", text=["old prompt"]))
    tags.save(mp3, v2_version=3)

    changed = Clip(**{**CLIP.__dict__, "tags": "", "model": "", "audio_url": "file:///etc/passwd"})
    assert write_id3_tags(mp3, changed, TagOptions()) is True
    tags = ID3(mp3)
    assert tags["TRCK"].text == ["7/12"]
    assert tags["COMM:my note:eng"].text == ["keep me"]
    assert tags["USLT:translation:deu"].text == "Neonlichter"
    assert [c.text for c in tags.getall("COMM") if c.desc == ""] == [[CLIP.description]]
    assert "TCON" not in tags and "TXXX:SUNO_MODEL" not in tags and "WOAS" not in tags
    assert write_id3_tags(mp3, changed, TagOptions()) is False


@pytest.mark.parametrize(
    "title",
    [
        "AC/DC ../../etc/passwd",
        "..",
        "nul\x00inside",
        "emoji 🎸🔥 and ZWJ 👩‍🎤",
        "漢字とかなカナ 한국어",
        "   ",
        "tab\tand\nnewline",
    ],
)
def test_hostile_titles_round_trip(mp3, mp4, title):
    clip = Clip(**{**CLIP.__dict__, "title": title, "lyrics": "la " * 3400 + "\x00end"})
    for version in (3, 4):
        assert write_id3_tags(mp3, clip, TagOptions(id3_version=version)) is True
        assert write_id3_tags(mp3, clip, TagOptions(id3_version=version)) is False
    assert write_mp4_tags(mp4, clip, TagOptions()) is True
    assert write_mp4_tags(mp4, clip, TagOptions()) is False
    expected = " ".join(title.replace("\x00", "").split()) if title.strip() else None
    tags = ID3(mp3)
    if expected is None:
        assert "TIT2" not in tags and "\xa9nam" not in MP4(mp4).tags
    else:
        expected = title.replace("\x00", "").replace("\t", " ").replace("\n", " ").strip()
        assert tags["TIT2"].text == [expected]
        assert MP4(mp4).tags["\xa9nam"] == [expected]
    assert tags.getall("USLT")[0].text.endswith("la end")
    assert len(tags.getall("USLT")[0].text) > 10_000


def test_empty_clip_writes_only_ids(mp3, mp4):
    clip = Clip(clip_id="only-id", task_id="")
    assert write_id3_tags(mp3, clip, TagOptions(artist="", album="")) is True
    tags = ID3(mp3)
    assert sorted(tags.keys()) == ["TXXX:SUNO_CLIP_ID"]
    assert write_mp4_tags(mp4, clip, TagOptions(artist="", album="")) is True
    assert read_clip_id(mp4) == "only-id"


def test_garbage_is_a_tagging_error(tmp_path):
    garbage = tmp_path / "song.mp3"
    garbage.write_bytes(b"<html><body>403 Forbidden</body></html>" * 10)
    with pytest.raises(TaggingError, match=r"^song\.mp3 could not be read as an MP3 file"):
        write_id3_tags(garbage, CLIP, TagOptions())
    video = tmp_path / "video.mp4"
    video.write_bytes(b"\x00" * 100)
    with pytest.raises(TaggingError, match=r"^video\.mp4 could not be read as an MP4 file"):
        write_mp4_tags(video, CLIP, TagOptions())
    with pytest.raises(TaggingError):
        write_id3_tags(tmp_path / "missing.mp3", CLIP, TagOptions())


# --------------------------------------------------------------------------- MP4


def chunk_offsets(path: Path) -> list[int]:
    """Every track's chunk offsets (stco), which point into the media."""
    offsets: list[int] = []
    with open(path, "rb") as handle:
        atoms = Atoms(handle)
        for trak in atoms[b"moov"].findall(b"trak"):
            handle.seek(trak[b"mdia", b"minf", b"stbl", b"stco"].offset + 12)  # header, version and flags
            count = int.from_bytes(handle.read(4), "big")
            offsets += [int.from_bytes(handle.read(4), "big") for _ in range(count)]
    return offsets


def test_a_new_mp4_keeps_its_media_where_the_offsets_say(tmp_path, png_cover):
    """mutagen grows the index (moov, in front of the media) and fixes every chunk offset."""
    body = (DEMO / "video-1.mp4").read_bytes()
    path = tmp_path / ".new.mp4.part"
    path.write_bytes(body)
    assert write_mp4_tags(path, CLIP, TagOptions(), png_cover, name="new.mp4") is True
    data = path.read_bytes()
    original = tmp_path / "original.mp4"
    original.write_bytes(body)
    grown = len(data) - len(body)
    new, old = chunk_offsets(path), chunk_offsets(original)
    assert grown > 0 and new == [offset + grown for offset in old]
    assert all(data[n : n + 64] == body[o : o + 64] for n, o in zip(new, old))
    assert write_mp4_tags(path, CLIP, TagOptions(), png_cover) is False
    video = MP4(path)
    assert video.tags["\xa9nam"] == ["Midnight Drive"] and bytes(video.tags["covr"][0]) == png_cover.data
    assert video.info.length == pytest.approx(MP4(original).info.length)


def test_a_new_mp4s_tags_go_into_its_head_as_mutagen_would_write_them_into_the_file(tmp_path, png_cover):
    """Only the head (ftyp, moov and the start of the media) is tagged; the media behind it is not moved."""
    body = (DEMO / "video-1.mp4").read_bytes()
    cut = 16 * 1024  # the moov is in the first 4 kB, the media runs on to 55 kB
    head = mp4_head_with_tags(body[:cut], CLIP, TagOptions(), png_cover)
    assert head is not None and len(head) > cut
    tagged = tmp_path / "tagged.mp4"
    tagged.write_bytes(head + body[cut:])
    whole = tmp_path / "whole.mp4"
    whole.write_bytes(body)
    video = MP4(whole)
    set_mp4_items(video, mp4_items(CLIP, TagOptions(), png_cover))
    video.save(padding=lambda info: ROOM_FOR_EDITS)
    assert tagged.read_bytes() == whole.read_bytes()  # byte for byte what mutagen makes of the file
    original = tmp_path / "original.mp4"
    original.write_bytes(body)
    assert chunk_offsets(tagged) == [offset + len(head) - cut for offset in chunk_offsets(original)]
    assert MP4(tagged).tags["\xa9nam"] == ["Midnight Drive"]
    assert write_mp4_tags(tagged, CLIP, TagOptions(), png_cover) is False  # already as it should be


def test_an_mp4_head_without_its_whole_moov_is_left_for_the_finished_file(png_cover):
    body = (DEMO / "video-1.mp4").read_bytes()
    assert mp4_head_with_tags(body[:2000], CLIP, TagOptions(), png_cover) is None  # the moov runs on
    assert mp4_head_with_tags(b"<html>502 Bad Gateway</html>", CLIP, TagOptions(), png_cover) is None


def test_a_fragmented_mp4s_head_is_left_for_the_finished_file(png_cover):
    """Its fragments, later in the file, hold offsets too: only tagging the whole file keeps them right."""
    body = (DEMO / "video-1.mp4").read_bytes()
    moov_at, moov_size = 32, int.from_bytes(body[32:36], "big")
    assert body[36:40] == b"moov"
    mvex = (8).to_bytes(4, "big") + b"mvex"  # what marks a fragmented file
    fragmented = (
        body[:moov_at]
        + (moov_size + len(mvex)).to_bytes(4, "big")
        + body[moov_at + 4 : moov_at + moov_size]
        + mvex
        + body[moov_at + moov_size :]
    )
    assert mp4_head_with_tags(fragmented[: 16 * 1024], CLIP, TagOptions(), png_cover) is None
    assert mp4_head_with_tags(body[: 16 * 1024], CLIP, TagOptions(), png_cover) is not None


def with_large_moov_header(body: bytes) -> bytes:
    """*body* with its moov's size written the 64-bit way (size 1, then 8 bytes), as big files do."""
    moov_at, moov_size = 32, int.from_bytes(body[32:36], "big")
    assert body[36:40] == b"moov"
    large = (1).to_bytes(4, "big") + b"moov" + (moov_size + 8).to_bytes(8, "big")
    return body[:moov_at] + large + body[moov_at + 8 :]


def test_an_mp4_head_whose_moov_has_a_64_bit_size_is_tagged_as_mutagen_tags_the_file(tmp_path, png_cover):
    body = with_large_moov_header((DEMO / "video-1.mp4").read_bytes())
    cut = 16 * 1024
    head = mp4_head_with_tags(body[:cut], CLIP, TagOptions(), png_cover)
    assert head is not None
    tagged, whole = tmp_path / "tagged.mp4", tmp_path / "whole.mp4"
    tagged.write_bytes(head + body[cut:])
    whole.write_bytes(body)
    video = MP4(whole)
    set_mp4_items(video, mp4_items(CLIP, TagOptions(), png_cover))
    video.save(padding=lambda info: ROOM_FOR_EDITS)
    assert tagged.read_bytes() == whole.read_bytes()
    tags = MP4(tagged).tags
    assert (
        tags["\xa9nam"] == ["Midnight Drive"]
        and bytes(tags["----:com.sunodesktop:clip_id"][0]) == b"0f3c9a1e-1111-2222-3333-444455556666"
    )


def test_box_headers_are_read_in_both_sizes_and_a_bad_one_ends_the_row():
    small = (12).to_bytes(4, "big") + b"ftyp" + b"isom"
    large = (1).to_bytes(4, "big") + b"moov" + (20).to_bytes(8, "big") + b"abcd"
    assert list(boxes(small + large)) == [Box(b"ftyp", 0, 8, 12), Box(b"moov", 12, 28, 32)]
    assert list(boxes(small + large[:12])) == [Box(b"ftyp", 0, 8, 12)]  # the 64-bit size is cut off
    assert list(boxes(small + (4).to_bytes(4, "big") + b"free")) == [Box(b"ftyp", 0, 8, 12)]  # smaller than a header
    assert list(boxes((0).to_bytes(4, "big") + b"mdat" + b"media")) == []  # "to the end of the file": unknown here
    assert list(boxes((99).to_bytes(4, "big") + b"mdat" + b"media")) == [
        Box(b"mdat", 0, 8, 99)
    ]  # runs on past the bytes


def test_a_body_that_is_not_an_mp4_fails_by_the_final_name(tmp_path):
    page = tmp_path / ".video.mp4.part"
    page.write_bytes(b"<html>502 Bad Gateway</html>")
    with pytest.raises(TaggingError, match=r"^video\.mp4 could not be read as an MP4 file"):
        write_mp4_tags(page, CLIP, TagOptions(), None, name="video.mp4")


def test_mp4_atoms(mp4, png_cover):
    assert write_mp4_tags(mp4, CLIP, TagOptions(artist="Me", album="Drives"), png_cover) is True
    video = MP4(mp4)
    tags = video.tags
    assert tags["\xa9nam"] == ["Midnight Drive"]
    assert tags["\xa9ART"] == ["Me"]
    assert tags["\xa9alb"] == ["Drives"]
    assert tags["\xa9gen"] == ["synthwave, female vocals"]
    assert tags["\xa9lyr"] == [CLIP.lyrics]
    assert tags["\xa9day"] == ["2024-05-06"]
    assert tags["\xa9cmt"] == [CLIP.description]
    assert bytes(tags["----:com.sunodesktop:clip_id"][0]) == CLIP.clip_id.encode()
    assert bytes(tags["----:com.sunodesktop:task_id"][0]) == b"task-42"
    (cover,) = tags["covr"]
    assert cover.imageformat == MP4Cover.FORMAT_PNG
    assert bytes(cover) == (DEMO / "cover-2.png").read_bytes()
    assert tags["\xa9too"] == ["Lavf59.27.100"]  # the encoder's atom is kept
    assert video.info.length == pytest.approx(6.0, abs=0.2)


def test_mp4_cover_has_a_short_repr_and_the_same_file_is_written(mp4, tmp_path, png_cover):
    """mutagen sorts items by repr() on save: the short repr must not change what is written."""
    stock = tmp_path / "stock.mp4"
    shutil.copyfile(mp4, stock)
    assert write_mp4_tags(mp4, CLIP, TagOptions(), png_cover) is True
    (cover,) = MP4(mp4).tags["covr"]
    items = tagging.mp4_items(CLIP, TagOptions(), png_cover)
    assert len(repr(items["covr"])) < 200
    assert items["covr"] == [MP4Cover(png_cover.data, imageformat=MP4Cover.FORMAT_PNG)]
    video = MP4(stock)
    for key, value in items.items():
        if value is None:
            video.tags.pop(key, None)
        else:
            video.tags[key] = [MP4Cover(bytes(cover), imageformat=cover.imageformat)] if key == "covr" else value
    video.save()
    assert stock.read_bytes() == mp4.read_bytes()


def test_mp4_jpeg_cover_and_idempotency(mp4, jpeg_cover):
    assert write_mp4_tags(mp4, CLIP, TagOptions(), jpeg_cover) is True
    assert MP4(mp4).tags["covr"][0].imageformat == MP4Cover.FORMAT_JPEG
    mtime = set_old_mtime(mp4)
    content = mp4.read_bytes()
    assert write_mp4_tags(mp4, CLIP, TagOptions(), jpeg_cover) is False
    assert write_mp4_tags(mp4, CLIP, TagOptions(), None) is False
    assert (mp4.stat().st_mtime, mp4.read_bytes() == content) == (mtime, True)
    assert write_mp4_tags(mp4, Clip(**{**CLIP.__dict__, "title": "Other"}), TagOptions(), jpeg_cover) is True


# --------------------------------------------------------------------------- reading ids back


def test_read_clip_id(mp3, mp4, tmp_path):
    assert read_clip_id(mp3) is None  # untagged demo file
    assert read_clip_id(mp4) is None
    write_id3_tags(mp3, CLIP, TagOptions())
    write_mp4_tags(mp4, CLIP, TagOptions())
    assert read_clip_id(mp3) == CLIP.clip_id
    assert read_clip_id(mp4) == CLIP.clip_id

    renamed = tmp_path / "renamed.bin"
    shutil.copyfile(mp3, renamed)
    assert read_clip_id(renamed) == CLIP.clip_id
    garbage = tmp_path / "garbage.mp3"
    garbage.write_bytes(os.urandom(4096))
    assert read_clip_id(garbage) is None
    fake_mp4 = tmp_path / "garbage.mp4"
    fake_mp4.write_bytes(b"ID3" + os.urandom(100))
    assert read_clip_id(fake_mp4) is None
    assert read_clip_id(tmp_path / "missing.mp3") is None
    assert read_clip_id(tmp_path) is None  # a directory
