"""The two example responses from the relay's docs (../shared/api/), verbatim, shared by tests."""

# The example response of GET /suno/fetch/{task_id}, exactly as the relay's docs give it (flat clips).
GET_EXAMPLE = r"""{
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
}"""

# The example response of POST /suno/fetch, exactly as the relay's docs give it (nested clips).
POST_EXAMPLE = r"""{
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
}"""
