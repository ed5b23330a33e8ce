"""The one retry policy: its waits, with a fixed random number instead of a real one (nothing here sleeps)."""

from __future__ import annotations

import random

import pytest

from suno_desktop.relay.client import build_retry_policy
from suno_desktop.retry_policy import DEFAULT_RETRY, FAST_RETRY, RetryPolicy

NO_SPREAD = RetryPolicy(attempts=6, backoff=0.5, cap=3.0, jitter=0.0)


def test_the_first_try_never_waits_and_the_backoff_doubles_up_to_the_cap():
    assert [NO_SPREAD.wait_before(n) for n in range(1, 7)] == [0.0, 0.5, 1.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize(("asked", "waited"), [(1.0, 1.0), (0.0, 0.0), (3600.0, 3.0), (-5.0, 0.0)])
def test_a_retry_after_replaces_the_backoff_and_is_capped(asked, waited):
    assert NO_SPREAD.wait_before(2, asked) == waited
    assert NO_SPREAD.wait_before(5, asked) == waited  # whatever the attempt


def test_a_retry_after_is_ignored_when_the_policy_says_so():
    deaf = RetryPolicy(backoff=0.5, jitter=0.0, honour_retry_after=False)
    assert deaf.wait_before(2, 20.0) == 0.5


def test_jitter_spreads_the_wait_within_its_bounds():
    policy = RetryPolicy(attempts=5, backoff=1.0, cap=30.0, jitter=0.5)
    assert policy.wait_before(3, rand=lambda: 0.0) == 1.0  # 2 s, half of it
    assert policy.wait_before(3, rand=lambda: 0.5) == 2.0
    assert policy.wait_before(3, rand=lambda: 0.999999) == pytest.approx(3.0)
    waits = [policy.wait_before(3, rand=random.Random(seed).random) for seed in range(200)]
    assert all(1.0 <= wait <= 3.0 for wait in waits) and len(set(waits)) > 100


def test_jitter_never_goes_past_the_cap():
    policy = RetryPolicy(backoff=10.0, cap=12.0, jitter=1.0)
    assert policy.wait_before(2, rand=lambda: 0.999) == 12.0


def test_the_fast_policy_tries_as_often_and_never_waits():
    assert FAST_RETRY.attempts == DEFAULT_RETRY.attempts > 1
    assert {FAST_RETRY.wait_before(n, asked) for n in range(1, 8) for asked in (None, 1.0, 3600.0)} == {0.0}


@pytest.mark.parametrize(
    "fields", [{"attempts": 0}, {"backoff": -1.0}, {"cap": -0.1}, {"jitter": 1.5}, {"jitter": -0.1}]
)
def test_a_policy_that_makes_no_sense_is_refused(fields):
    with pytest.raises(ValueError):
        RetryPolicy(**fields)


def test_urllib3_counts_the_attempts_of_the_policy():
    retry = build_retry_policy(RetryPolicy(attempts=4))
    assert retry.total == retry.connect == retry.read == retry.status == 3
    assert retry.new().policy == RetryPolicy(attempts=4)  # each retry urllib3 makes keeps the policy
    assert build_retry_policy(RetryPolicy(attempts=1)).total == 0
