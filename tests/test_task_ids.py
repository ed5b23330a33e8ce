"""Finding task ids in whatever a person pastes."""

from __future__ import annotations

import json

from relay_doc_examples import GET_EXAMPLE, POST_EXAMPLE

from suno_desktop.relay.task_ids import extract_task_ids, is_task_id

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
    assert is_task_id("task_0123456789abcdef0123456789abcdef") and is_task_id(" task_" + "Ab9" * 10 + "xy ")
    assert not is_task_id("task_0123456789abcdef") and not is_task_id("task_0123456789abcdef0123456789abcdef0")


def test_a_relays_own_task_ids_are_found_with_their_case():
    mixed = "task_AbCdEf0123456789abcdef0123456789"
    lower = "task_0123456789abcdef0123456789abcdef"
    text = f"made {mixed}, and https://relay.example/suno/fetch/{lower}\n{mixed}"
    assert extract_task_ids(text) == [mixed, lower]
    assert extract_task_ids(f"x{lower}") == [] and extract_task_ids(f"{lower}9") == []  # part of a longer token


def test_a_pasted_submit_answer_gives_its_task_id():
    answer = '{"code": "success", "message": "", "data": "task_0123456789abcdef0123456789abcdef"}'
    assert extract_task_ids(answer) == ["task_0123456789abcdef0123456789abcdef"]
    fetched = '{"data": {"task_id": "task_0123456789abcdef0123456789abcdef", "data": []}}'
    assert extract_task_ids(fetched) == ["task_0123456789abcdef0123456789abcdef"]
