"""Finding task ids in whatever a person pastes."""

from __future__ import annotations

import json

from suno_desktop.relay.task_ids import extract_task_ids, is_task_id

# The examples from the relay's docs, as a person would paste them.
GET_EXAMPLE = r'''{
"code": "success",
"message": "",
"data": {
"task_id": "ba46ad15-07ce-41a6-b68d-196321dc00d5",
"action": "MUSIC",
"status": "SUCCESS",
"fail_reason": "",
"submit_time": 1733717567,
"start_time": 1733717567,
"finish_time": 1733717767,
"progress": "100%",
"data": [
{
"id": "a06015d0-9e04-4f30-85db-401494940394",
"mv": "chirp-v4",
"msg": "",
"tags": "emotional punk",
"state": "succeeded",
"title": "City Lights",
"prompt": "[Verse]\nWalking down the streets\nBeneath the city lights\nNeon signs flickering\nLighting up the night\nHeart beating faster\nLike a drum in my chest\nI’m alive in this moment\nFeeling so blessed\n\nStilettos on the pavement\nStepping with grace\nSurrounded by the people\nMoving at their own pace\nThe rhythm of the city\nIt pulses in my veins\nLost in the energy\nAs my worries drain\n\n[Verse 2]\nConcrete jungle shining\nWith its dazzling glow\nEvery corner hiding secrets that only locals know\nA symphony of chaos\nBut it’s music to my ears\nThe hustle and the bustle\nWiping away my fears",
"status": "complete",
"clip_id": "a06015d0-9e04-4f30-85db-401494940394",
"task_id": "ba46ad15-07ce-41a6-b68d-196321dc00d5_1",
"duration": 219,
"audio_url": "https://cdn1.suno.ai/a06015d0-9e04-4f30-85db-401494940394.mp3",
"image_url": "https://cdn2.suno.ai/image_a06015d0-9e04-4f30-85db-401494940394.jpeg",
"video_url": "https://cdn1.suno.ai/a06015d0-9e04-4f30-85db-401494940394.mp4",
"continue_at": null,
"create_time": "1733717599",
"update_time": "1733717785",
"image_large_url": "https://cdn2.suno.ai/image_large_a06015d0-9e04-4f30-85db-401494940394.jpeg",
"continue_clip_id": null,
"gpt_description_prompt": null
},
{
"id": "a6bd6a70-4cde-4f06-a80b-7f199f7dd92e",
"mv": "chirp-v4",
"msg": "",
"tags": "emotional punk",
"state": "succeeded",
"title": "City Lights",
"prompt": "[Verse]\nWalking down the streets\nBeneath the city lights\nNeon signs flickering\nLighting up the night\nHeart beating faster\nLike a drum in my chest\nI’m alive in this moment\nFeeling so blessed\n\nStilettos on the pavement\nStepping with grace\nSurrounded by the people\nMoving at their own pace\nThe rhythm of the city\nIt pulses in my veins\nLost in the energy\nAs my worries drain\n\n[Verse 2]\nConcrete jungle shining\nWith its dazzling glow\nEvery corner hiding secrets that only locals know\nA symphony of chaos\nBut it’s music to my ears\nThe hustle and the bustle\nWiping away my fears",
"status": "complete",
"clip_id": "a6bd6a70-4cde-4f06-a80b-7f199f7dd92e",
"task_id": "ba46ad15-07ce-41a6-b68d-196321dc00d5_2",
"duration": 201,
"audio_url": "https://cdn1.suno.ai/a6bd6a70-4cde-4f06-a80b-7f199f7dd92e.mp3",
"image_url": "https://cdn2.suno.ai/image_a6bd6a70-4cde-4f06-a80b-7f199f7dd92e.jpeg",
"video_url": "https://cdn1.suno.ai/a6bd6a70-4cde-4f06-a80b-7f199f7dd92e.mp4",
"continue_at": null,
"create_time": "1733717599",
"update_time": "1733717762",
"image_large_url": "https://cdn2.suno.ai/image_large_a6bd6a70-4cde-4f06-a80b-7f199f7dd92e.jpeg",
"continue_clip_id": null,
"gpt_description_prompt": null
}
]
}
}'''

POST_EXAMPLE = r'''{
    "code": "success",
    "message": "",
    "data": [
        {
            "task_id": "346c5d10-a4a1-4f49-a851-66a7dae6cfaf",
            "notify_hook": "",
            "action": "MUSIC",
            "status": "IN_PROGRESS",
            "fail_reason": "",
            "submit_time": 1716191749,
            "start_time": 1716191786,
            "finish_time": 0,
            "progress": "0%",
            "data": [
                {
                    "id": "e9893d04-6a63-4007-8473-64b706eca4d1",
                    "title": "Electric Dance Party",
                    "status": "streaming",
                    "metadata": {
                        "tags": "club banger high-energy edm",
                        "prompt": "[Verse]\nEverybody in the place\nLet's go\nJump and dance\nFeel the rhythm\nLose control (ooh-yeah!)\nHands up in the air\nIt's time to show\nMove your body like you're on a roll\n\nShake it to the left\nShake it to the right\nFeel the bass\nFeel the beat\nAll night (ooh-yeah!)\nMiku's in the house\nGonna set the stage on fire\nGet ready for a wild ride\nIt's our desire\n\n[Verse 2]\nLights are flashing\nColors everywhere (ooh-yeah!)\nFeel the energy\nIt's in the air\nWe're unstoppable\nNothing can bring us down\nDancing to the beat\nThe whole world around",
                        "duration": null,
                        "error_type": null,
                        "error_message": null,
                        "audio_prompt_id": null,
                        "gpt_description_prompt": "miku dance"
                    },
                    "audio_url": "https://audiopipe.suno.ai/?item_id=e9893d04-6a63-4007-8473-64b706eca4d1",
                    "image_url": "https://cdn1.suno.ai/image_e9893d04-6a63-4007-8473-64b706eca4d1.png",
                    "video_url": "",
                    "model_name": "chirp-v3",
                    "image_large_url": "https://cdn1.suno.ai/image_large_e9893d04-6a63-4007-8473-64b706eca4d1.png",
                    "major_model_version": "v3"
                },
                {
                    "id": "fe69611b-fc72-4f6e-b476-5eef0b88c2e3",
                    "title": "Electric Dance Party",
                    "status": "streaming",
                    "metadata": {
                        "tags": "club banger high-energy edm",
                        "prompt": "[Verse]\nEverybody in the place\nLet's go\nJump and dance\nFeel the rhythm\nLose control (ooh-yeah!)\nHands up in the air\nIt's time to show\nMove your body like you're on a roll\n\nShake it to the left\nShake it to the right\nFeel the bass\nFeel the beat\nAll night (ooh-yeah!)\nMiku's in the house\nGonna set the stage on fire\nGet ready for a wild ride\nIt's our desire\n\n[Verse 2]\nLights are flashing\nColors everywhere (ooh-yeah!)\nFeel the energy\nIt's in the air\nWe're unstoppable\nNothing can bring us down\nDancing to the beat\nThe whole world around",
                        "duration": null,
                        "error_type": null,
                        "error_message": null,
                        "audio_prompt_id": null,
                        "gpt_description_prompt": "miku dance"
                    },
                    "audio_url": "https://audiopipe.suno.ai/?item_id=fe69611b-fc72-4f6e-b476-5eef0b88c2e3",
                    "image_url": "https://cdn1.suno.ai/image_fe69611b-fc72-4f6e-b476-5eef0b88c2e3.png",
                    "video_url": "",
                    "model_name": "chirp-v3",
                    "image_large_url": "https://cdn1.suno.ai/image_large_fe69611b-fc72-4f6e-b476-5eef0b88c2e3.png",
                    "major_model_version": "v3"
                }
            ]
        }
    ]
}'''

A = "ba46ad15-07ce-41a6-b68d-196321dc00d5"
B = "346c5d10-a4a1-4f49-a851-66a7dae6cfaf"
C = "0f8a3c2e-5b1d-4e6f-9a7b-1c2d3e4f5a6b"


def test_one_per_line():
    assert extract_task_ids(f"{A}\n{B}\r\n\n  {C}  \n") == [A, B, C]


def test_commas_semicolons_and_spaces():
    assert extract_task_ids(f"{A},{B}, {C}") == [A, B, C]
    assert extract_task_ids(f"{A} {B}\t{C};") == [A, B, C]


def test_duplicates_keep_first_appearance():
    assert extract_task_ids(f"{B}\n{A}\n{B}\n{A.upper()}") == [B, A]


def test_mixed_case_is_lowered():
    assert extract_task_ids(A.upper()) == [A]
    assert extract_task_ids("BA46AD15-07ce-41A6-b68d-196321DC00D5") == [A]


def test_ids_inside_urls_and_quotes():
    text = f"https://relay.example.com/suno/fetch/{A}?x=1\n'{B}' and \"{C}\""
    assert extract_task_ids(text) == [A, B, C]


def test_whole_get_response_gives_only_the_task_id():
    # the clips' "task_id" is "<task>_1"/"<task>_2"; clip ids and URLs must not count
    assert extract_task_ids(GET_EXAMPLE) == [A]


def test_whole_post_response_gives_only_the_task_ids():
    assert extract_task_ids(POST_EXAMPLE) == [B]
    response = json.loads(POST_EXAMPLE)
    second = dict(response["data"][0], task_id=C)
    response["data"].append(second)
    assert extract_task_ids(json.dumps(response)) == [B, C]


def test_flat_clip_suffix_is_stripped():
    assert extract_task_ids(json.dumps({"task_id": A + "_2"})) == [A]


def test_truncated_response_still_skips_clip_ids():
    cut = GET_EXAMPLE[: len(GET_EXAMPLE) // 2]
    assert extract_task_ids(cut) == [A]


def test_json_without_task_ids_is_read_as_text():
    assert extract_task_ids(json.dumps({"ids": [A, B]})) == [A, B]
    assert extract_task_ids(json.dumps([C, A])) == [C, A]


def test_garbage_gives_nothing():
    assert extract_task_ids("") == []
    assert extract_task_ids("hello world, no ids here {not json") == []
    assert extract_task_ids("ba46ad15-07ce-41a6-b68d") == []  # too short
    assert extract_task_ids("xba46ad15-07ce-41a6-b68d-196321dc00d5ff") == []  # part of a longer hex run
    assert extract_task_ids(None) == []  # type: ignore[arg-type]


def test_is_task_id():
    assert is_task_id(A) and is_task_id(f"  {A.upper()} ")
    assert not is_task_id(A + "_1") and not is_task_id("nope") and not is_task_id(f"{A} {B}")
