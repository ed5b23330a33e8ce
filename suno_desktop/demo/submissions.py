"""What the local relay makes of ``POST /suno/submit/music`` and ``/suno/submit/lyrics``.

Checked as new-api checks a submit (the submit fact sheet): a body that is not a
JSON object, an action other than music or lyrics (``invalid_action``), lyrics
without a prompt (``prompt_empty``) and ``continue_clip_id`` without ``task_id``
("task id is empty") are answered 400 and make nothing. An accepted submit gets a
new ``task_…`` id and, like Suno, clips whose title, style and lyrics come from
the request, or are made up from the description in inspiration mode. The HTTP
side and the task itself live in :mod:`.relay_server`; this module only decides.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

SUBMIT_PATH = "/suno/submit"
ACTIONS = frozenset({"music", "lyrics"})
#: what new-api sends upstream when a music submit names no model
MODEL_WHEN_ABSENT = "chirp-v3-0"

#: words of a description that become the invented song's style, in the order they appear
STYLE_WORDS = frozenset(
    {
        "pop", "rock", "punk", "jazz", "folk", "blues", "metal", "edm", "house", "techno", "lofi", "rap",
        "country", "ambient", "classical", "soul", "funk", "reggae", "synthwave", "disco", "acoustic", "piano",
        "orchestral", "upbeat", "chill", "sad", "happy", "dark", "dreamy", "energetic", "calm", "romantic",
    }
)  # fmt: skip
INVENTED_STYLE = "pop, catchy"
_ARTICLES = frozenset({"a", "an", "the"})
_WORD_EDGES = ",.;:!?\"'()"


def new_task_id() -> str:
    """A task id as newer relays make them: ``task_`` and 32 hex digits."""
    return "task_" + uuid.uuid4().hex


def refusal(action: str, body: Any) -> dict[str, Any] | None:
    """The 400 body new-api answers this submit with, or None when it is accepted."""
    if not isinstance(body, dict):
        return _error("invalid_request", "The body must be a JSON object.")
    if action not in ACTIONS:
        return _error("invalid_action", "invalid_action")
    if action == "lyrics":
        if not _text(body.get("prompt")):
            return _error("prompt_empty", "prompt_empty")
    elif _text(body.get("continue_clip_id")) and not _text(body.get("task_id")):
        return _error("invalid_request", "task id is empty")
    return None


def song_fields(body: dict[str, Any], continued: dict[str, Any] | None = None) -> dict[str, Any]:
    """Title, style, lyrics, description and model of the clips an accepted music submit makes.

    *continued* is the clip an extension continues, when this relay knows it: the
    extension keeps its title, style and model unless the request gives its own.
    """
    continued = continued or {}
    model = _text(body.get("mv")) or continued.get("model") or MODEL_WHEN_ABSENT
    instrumental = body.get("make_instrumental") is True
    description = _text(body.get("gpt_description_prompt"))
    if description:  # inspiration: upstreams drop prompt/title/tags and make their own
        title, tags, lyrics = invent_song(description)
        lyrics = "[Instrumental]" if instrumental else lyrics
        return {"title": title, "tags": tags, "lyrics": lyrics, "description": description, "model": model}
    lyrics = _text(body.get("prompt"))
    title = _text(body.get("title")) or continued.get("title") or _title_from_lyrics(lyrics)
    tags = _text(body.get("tags")) or continued.get("tags") or ""
    return {"title": title, "tags": tags, "lyrics": lyrics, "description": None, "model": model}


def extension_of(body: dict[str, Any]) -> tuple[str, str, float | None] | None:
    """(task id, clip id, continue_at) when *body* extends a clip, else None."""
    clip_id = _text(body.get("continue_clip_id"))
    if not clip_id:
        return None
    at = body.get("continue_at")
    at = float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else None
    return _text(body.get("task_id")), clip_id, at


def invent_song(description: str) -> tuple[str, str, str]:
    """(title, style, lyrics) Suno might write for *description*."""
    subject = _subject(description)
    words = [word.strip(_WORD_EDGES).lower() for word in description.split()]
    style = ", ".join(dict.fromkeys(word for word in words if word in STYLE_WORDS)) or INVENTED_STYLE
    lyrics = (
        f"[Verse]\n{subject.capitalize()} on my mind tonight\nEvery little thing is shining bright\n\n"
        f"[Chorus]\nOh, {subject}, stay with me\nYou're the song I want to be"
    )
    return _title(subject), style, lyrics


def invent_lyrics(prompt: str) -> tuple[str, str]:
    """(title, text) of the lyrics Suno might write about *prompt*."""
    subject = _subject(prompt)
    text = (
        f"[Verse]\nI wrote your name on the window, {subject}\nThe rain came down and kept it there\n\n"
        f"[Chorus]\nSing it slow, sing it low\n{subject.capitalize()}, wherever you go"
    )
    return _title(subject), text


# --------------------------------------------------------------------------- helpers


def _error(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "data": None}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _subject(text: str) -> str:
    """What a description is about: the words after "about", without a leading article."""
    words = text.split()
    lowered = [word.strip(_WORD_EDGES).lower() for word in words]
    if "about" in lowered[:-1]:
        words = words[lowered.index("about") + 1 :]
    while len(words) > 1 and words[0].lower() in _ARTICLES:
        words = words[1:]
    return " ".join(words[:6]).strip(_WORD_EDGES) or "you"


def _title(subject: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in subject.split())


def _title_from_lyrics(lyrics: str) -> str:
    """Suno names an untitled song after its first sung line."""
    for line in lyrics.splitlines():
        line = re.sub(r"\[[^\]]*\]", "", line).strip(_WORD_EDGES + " ")
        if line:
            return _title(" ".join(line.split()[:5]))
    return "Untitled"
