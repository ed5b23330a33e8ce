"""How a relay writes a task and its clips as JSON, in the three clip shapes.

``flat`` is the GET example of the API docs, ``nested`` the POST example, ``camel``
new-api's copy of the official Suno API (camelCase, no clip status, no video, times
in ms), as the API docs and their clip-shapes fact sheet describe them. Kept apart
from the HTTP server so that each can be read on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SHAPES = frozenset({"flat", "nested", "camel"})


@dataclass
class DemoTask:
    """What the relay knows about a task; rendered into either shape at fetch time."""

    task_id: str
    action: str
    shape: str
    clips: list[dict[str, Any]]
    polls_until_success: int
    final_status: str
    fail_reason: str
    nulls: bool
    created: float
    lyrics_title: str = ""
    lyrics_text: str = ""
    fetches: int = 0  # drives the pending → final progression; never reset
    extra: dict[str, Any] = field(default_factory=dict)
    #: set: each pending phase lasts this many seconds from ``created``, however often it is fetched
    phase_seconds: float | None = None

    def phase(self, now: float) -> float:
        """How far the task has come: its fetches so far, or the phases its time has run through
        (with the fraction of the current one, which the progress shows)."""
        if self.phase_seconds is None:
            return self.fetches
        if self.phase_seconds <= 0:
            return self.polls_until_success
        return max(0.0, (now - self.created) / self.phase_seconds)


def render_task(task: DemoTask, phase: float) -> dict[str, Any]:
    """One task in the relay's JSON, *phase* fetches (or phases of its time) after it was added."""
    pending = phase < task.polls_until_success
    step = int(phase)
    if pending:
        status = "NOT_START" if step == 0 else ("SUBMITTED" if step == 1 else "IN_PROGRESS")
        progress = {"NOT_START": "0%", "SUBMITTED": "10%"}.get(status, f"{min(90, int(10 + 30 * (phase - 1)))}%")
    else:
        status = task.final_status
        progress = "100%"
    unit = 1000 if task.shape == "camel" else 1  # new-api's official-Suno channel stores ms
    submit = int(task.created * unit)
    body: dict[str, Any] = {
        "task_id": task.task_id,
        "action": task.action,
        "status": status,
        "fail_reason": task.fail_reason if status == "FAILURE" else "",
        "submit_time": submit,
        "start_time": 0 if status == "NOT_START" else submit + unit,
        "finish_time": 0 if pending else submit + 200 * unit,
        "progress": progress,
    }
    if task.shape == "nested":
        body = {"task_id": task.task_id, "notify_hook": "", **{k: v for k, v in body.items() if k != "task_id"}}

    if task.action == "LYRICS":
        body["data"] = (
            None
            if pending
            else {
                "id": task.extra["lyrics_id"],
                "status": "complete",
                "title": task.lyrics_title,
                "text": task.lyrics_text,
            }
        )
        return body

    if status == "NOT_START" or status == "FAILURE":
        clips: list[dict[str, Any]] = []
    else:
        render_clip = {"flat": _flat_clip, "nested": _nested_clip, "camel": _camel_clip}[task.shape]
        clips = [render_clip(task, index, clip, streaming=pending) for index, clip in enumerate(task.clips)]
    body["data"] = clips
    if task.shape == "camel":  # the first clip's audio, once there is one
        body["url"] = clips[0]["audioUrl"] if status == "SUCCESS" and clips else ""
    if task.nulls:
        for key in ("fail_reason", "progress", "start_time", "finish_time", "url"):
            if key in body and not body[key]:
                body[key] = None
        if "notify_hook" in body:
            body["notify_hook"] = None
        if not clips:
            body["data"] = None
    return body


def _clip_values(task: DemoTask, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """The clip's current values, with what a streaming clip does not have yet removed."""
    values = dict(clip)
    if streaming:
        values.update(status="streaming", error=None, duration=None, video_url="", audio_url=clip["stream_url"])
    if task.nulls:
        for key in ("title", "tags", "lyrics", "description", "model", "duration", "image_url",
                    "image_large_url", "video_url", "created"):  # fmt: skip
            values[key] = None
    return values


def _flat_clip(task: DemoTask, index: int, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """The GET example's shape: ``mv``, ``tags``, ``prompt``, ``create_time`` as a string."""
    v = _clip_values(task, clip, streaming=streaming)
    created = None if v["created"] is None else str(int(v["created"]))
    status = v["status"]
    return {
        "id": v["id"],
        "mv": v["model"],
        "msg": (v["error"] or "") if status == "error" else "",
        "tags": v["tags"],
        "state": {"complete": "succeeded", "error": "failed"}.get(status, "running"),
        "title": v["title"],
        "prompt": v["lyrics"],
        "status": status,
        "clip_id": v["id"],
        "task_id": f"{task.task_id}_{index + 1}",
        "duration": v["duration"],
        "audio_url": v["audio_url"],
        "image_url": v["image_url"],
        "video_url": v["video_url"],
        "continue_at": v.get("continue_at"),
        "create_time": created,
        "update_time": None if created is None else str(int(v["created"]) + 180),
        "image_large_url": v["image_large_url"],
        "continue_clip_id": v.get("continue_clip_id"),
        "gpt_description_prompt": v["description"],
    }


def _nested_clip(task: DemoTask, index: int, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """The POST example's shape: ``metadata.{tags,prompt,duration,...}``, ``model_name``."""
    v = _clip_values(task, clip, streaming=streaming)
    status = v["status"]
    model = v["model"]
    return {
        "id": v["id"],
        "title": v["title"],
        "status": status,
        "metadata": {
            "tags": v["tags"],
            "prompt": v["lyrics"],
            "duration": v["duration"],
            "error_type": "generation_failed" if status == "error" else None,
            "error_message": v["error"] if status == "error" else None,
            "audio_prompt_id": None,
            "gpt_description_prompt": v["description"],
            **_history(v),
        },
        "audio_url": v["audio_url"],
        "image_url": v["image_url"],
        "video_url": v["video_url"],
        "model_name": model,
        "image_large_url": v["image_large_url"],
        "major_model_version": None if model is None else model.removeprefix("chirp-"),
        "created_at": None if v["created"] is None else _iso(v["created"]),
    }


def _history(values: dict[str, Any]) -> dict[str, Any]:
    """An extension's ``metadata.history``: the clip it continues, and from where."""
    if not values.get("continue_clip_id"):
        return {}
    at = values.get("continue_at")
    history = [{"id": values["continue_clip_id"], "continue_at": at, "type": "gen", "source": "web"}]
    return {"task": "extend", "history": history}


def _camel_clip(task: DemoTask, index: int, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """new-api's suno_official.go clip: no status, audioUrl "" until SUCCESS, Go's "" and 0 for unknowns."""
    v = _clip_values(task, clip, streaming=streaming)

    def go(value: Any, zero: Any) -> Any:
        return zero if value is None and not task.nulls else value

    duration = float(v["duration"]) if type(v["duration"]) is int else v["duration"]  # Go's float64
    return {
        "id": v["id"],
        "audioUrl": go(None if streaming else v["audio_url"], ""),
        "streamAudioUrl": go(v["stream_url"], ""),
        "imageUrl": go(v["image_url"], ""),
        "prompt": go(v["lyrics"], ""),
        "modelName": go(v["model"], ""),
        "title": go(v["title"], ""),
        "tags": go(v["tags"], ""),
        "createTime": go(None if v["created"] is None else int(v["created"] * 1000), 0),
        "duration": go(duration, 0.0),
    }


def _iso(unix_seconds: float) -> str:
    moment = datetime.fromtimestamp(unix_seconds, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
