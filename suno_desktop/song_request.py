"""What the user asks the relay to create: a song (three modes) or lyrics.

One description of a request that the New Song dialog, the ``create`` and
``lyrics`` commands, the library's journal of submissions and the relay client
all share. It is checked here, before anything is sent: a submit costs money,
so input that cannot make a song must never reach the relay.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

#: models offered in the New Song dialog before the user has typed any of their own
KNOWN_MODELS = ("chirp-v4", "chirp-v3-5", "chirp-v3-0")
DEFAULT_MODEL = "chirp-v4"

#: how many lines of the lyrics the "what will be sent" summary shows
SUMMARY_LYRICS_LINES = 2


class SubmitMode(StrEnum):
    """The relay's three ways to make a song, and lyrics alone."""

    INSPIRATION = "inspiration"  # a description only; Suno writes lyrics, title and style
    CUSTOM = "custom"  # the user's own title, style and lyrics
    EXTEND = "extend"  # custom fields, continuing an existing clip from a point in it
    LYRICS = "lyrics"  # lyrics only, no audio

    @property
    def route(self) -> str:
        return "/suno/submit/lyrics" if self is SubmitMode.LYRICS else "/suno/submit/music"

    @property
    def label(self) -> str:
        return {
            SubmitMode.INSPIRATION: "Song from a description",
            SubmitMode.CUSTOM: "Song with your lyrics",
            SubmitMode.EXTEND: "Extension",
            SubmitMode.LYRICS: "Lyrics",
        }[self]


class InvalidSongRequest(ValueError):
    """Input that cannot make a song; its text is the sentence to show."""


@dataclass(frozen=True)
class SongRequest:
    """One submission, exactly as the user asked for it."""

    mode: SubmitMode
    description: str = ""  # inspiration mode; the lyrics prompt in LYRICS mode
    title: str = ""
    style: str = ""  # the relay's "tags"
    lyrics: str = ""  # the relay's "prompt" in custom and extend mode
    instrumental: bool = False
    model: str = DEFAULT_MODEL
    extend_task_id: str = ""
    extend_clip_id: str = ""
    continue_at: float | None = None  # seconds into the clip being extended

    @classmethod
    def song(
        cls,
        *,
        description: str = "",
        title: str = "",
        style: str = "",
        lyrics: str = "",
        instrumental: bool = False,
        model: str = "",
    ) -> SongRequest:
        """A new song; the mode follows from what was given (a description alone: inspiration)."""
        custom = any(field.strip() for field in (title, style, lyrics))
        mode = SubmitMode.INSPIRATION if description.strip() and not custom else SubmitMode.CUSTOM
        if description.strip() and custom:
            raise InvalidSongRequest(
                "A description cannot be combined with a title, style or lyrics: "
                "the relay would drop them. Give one or the other."
            )
        request = cls(
            mode,
            description=description,
            title=title,
            style=style,
            lyrics=lyrics,
            instrumental=instrumental,
            model=model.strip() or DEFAULT_MODEL,
        )
        request.check()
        return request

    @classmethod
    def lyrics_for(cls, prompt: str) -> SongRequest:
        request = cls(SubmitMode.LYRICS, description=prompt, model="")
        request.check()
        return request

    def extending(self, task_id: str, clip_id: str, continue_at: float) -> SongRequest:
        """This request as the continuation of *clip_id* from *continue_at* seconds."""
        request = replace(
            self,
            mode=SubmitMode.EXTEND,
            description="",
            extend_task_id=task_id,
            extend_clip_id=clip_id,
            continue_at=float(continue_at),
        )
        request.check()
        return request

    def check(self, clip_duration: float | None = None) -> None:
        """Raise :class:`InvalidSongRequest` for input that cannot make what was asked for."""
        if self.mode is SubmitMode.LYRICS:
            if not self.description.strip():
                raise InvalidSongRequest("Say what the lyrics should be about: the prompt is empty.")
            return
        if self.mode is SubmitMode.INSPIRATION:
            if not self.description.strip():
                raise InvalidSongRequest("Describe the song: the description is empty.")
            return
        if not self.lyrics.strip() and not self.instrumental:
            raise InvalidSongRequest(
                "Nothing to create: give a description, write lyrics, or make the song instrumental."
            )
        if self.mode is SubmitMode.EXTEND:
            if not self.extend_task_id or not self.extend_clip_id:
                raise InvalidSongRequest("An extension needs the clip it continues and that clip's task.")
            at = self.continue_at
            if at is None or at != at or at < 0:
                raise InvalidSongRequest("Say where the extension starts, in seconds from the clip's start.")
            if clip_duration is not None and at > clip_duration:
                raise InvalidSongRequest(
                    f"The extension cannot start at {at:g} s: the clip is only {clip_duration:g} s long."
                )

    def body(self) -> dict[str, Any]:
        """The JSON body of the submit, as the relay documents it."""
        if self.mode is SubmitMode.LYRICS:
            return {"prompt": self.description}
        body: dict[str, Any] = {"make_instrumental": bool(self.instrumental), "mv": self.model or DEFAULT_MODEL}
        if self.mode is SubmitMode.INSPIRATION:
            body["gpt_description_prompt"] = self.description
            return body
        body.update(prompt=self.lyrics, title=self.title, tags=self.style)
        if self.mode is SubmitMode.EXTEND:
            body.update(
                task_id=self.extend_task_id,
                continue_clip_id=self.extend_clip_id,
                continue_at=self.continue_at,
            )
        return body

    def summary(self) -> list[tuple[str, str]]:
        """What will be sent, as (label, value) pairs for the confirm button and the journal row."""
        if self.mode is SubmitMode.LYRICS:
            return [("Mode", self.mode.label), ("About", _first_line(self.description))]
        rows = [("Mode", self.mode.label), ("Model", self.model or DEFAULT_MODEL)]
        if self.mode is SubmitMode.INSPIRATION:
            rows.append(("Description", _first_line(self.description)))
        else:
            rows += [("Title", self.title.strip() or "(Suno picks one)"), ("Style", self.style.strip() or "(none)")]
            lines = [line for line in self.lyrics.splitlines() if line.strip()][:SUMMARY_LYRICS_LINES]
            rows.append(("Lyrics", " / ".join(lines) if lines else "(none)"))
        if self.mode is SubmitMode.EXTEND:
            rows.append(("Extends", f"clip {self.extend_clip_id[:8]} from {self.continue_at:g} s"))
        if self.instrumental:
            rows.append(("Vocals", "none (instrumental)"))
        return rows

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SongRequest:
        data = json.loads(text)
        data["mode"] = SubmitMode(data["mode"])
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in known})


def _first_line(text: str, limit: int = 80) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


#: a submission still "sending" after this long was cut off (the app was killed mid-request)
SENDING_GIVES_UP_SECONDS = 300.0


class SubmissionState(StrEnum):
    """Where a submission stands in the library's journal."""

    SENDING = "sending"  # written down, on its way to the relay
    ACCEPTED = "accepted"  # the relay answered with a task id: the task is tracked like any other
    UNCONFIRMED = "unconfirmed"  # may have reached the relay and been charged: never resent by itself
    REFUSED = "refused"  # the relay turned it down: nothing was made
    FORGOTTEN = "forgotten"  # the user dismissed it (or created it again)


@dataclass(frozen=True)
class Submission:
    """One journal entry: what was asked for, when, and what became of it."""

    submission_id: int
    request: SongRequest
    state: SubmissionState
    task_id: str
    error: str
    created_at: float
    updated_at: float

    def shown_state(self, now: float) -> SubmissionState:
        """The state to act on: one still sending long after the fact was cut off, so unconfirmed."""
        if self.state is SubmissionState.SENDING and now - self.updated_at > SENDING_GIVES_UP_SECONDS:
            return SubmissionState.UNCONFIRMED
        return self.state

    def reason(self, now: float) -> str:
        if self.state is SubmissionState.SENDING and self.shown_state(now) is SubmissionState.UNCONFIRMED:
            what = "these lyrics" if self.request.mode is SubmitMode.LYRICS else "this song"
            return (
                f"Suno Desktop stopped before the relay confirmed {what}. It may still have been "
                "created and charged; check your relay's task log before creating it again."
            )
        return self.error

    @property
    def headline(self) -> str:
        """A short name for the row: the title, or the start of the description."""
        request = self.request
        text = request.title.strip() if request.mode is not SubmitMode.INSPIRATION else ""
        return text or _first_line(request.description, 60) or request.mode.label
