"""The HTTP layer: token bucket, retries and their waits, pagination, create-once, redaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from provisioner.connectors.http import (
    HttpClient,
    HttpReply,
    HttpRequest,
    Page,
    RetryPolicy,
    TokenBucket,
    create_once,
    paginate,
    redact,
    shared_bucket,
    wsgi_transport,
)
from provisioner.errors import (
    CallTimeoutError,
    ConflictError,
    InvalidError,
    RateLimitedError,
    TransientError,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_token_bucket_spaces_calls_out_at_its_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(4)]
    assert waits == [0.0, 0.5, 0.5, 0.5]


def test_token_bucket_allows_no_burst_after_an_idle_spell() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, clock=clock, sleep=clock.sleep)
    clock.now += 60  # a minute of silence earns no credit
    waits = [bucket.acquire() for _ in range(3)]
    assert waits == pytest.approx([0.0, 0.1, 0.1])


def test_a_hold_pushes_back_calls_already_scheduled() -> None:
    clock = FakeClock()
    bucket = TokenBucket(1, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    bucket.hold(2)
    assert bucket.acquire() == 2.0
    assert bucket.acquire() == 1.0


def test_a_hold_makes_every_caller_wait() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100, clock=clock, sleep=clock.sleep)
    bucket.hold(3)
    assert bucket.acquire() == 3.0


def test_buckets_are_shared_per_app_key_and_the_lowest_rate_wins() -> None:
    first = shared_bucket("http://x", "key-a", 50)
    assert shared_bucket("http://x", "key-a", 10) is first
    assert first.rate == 10
    assert shared_bucket("http://x", "key-b", 10) is not first


class Script:
    """A WSGI app answering with a scripted list of (status, body) and counting calls."""

    def __init__(self, answers: Iterable[tuple[int, str]]) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        status, body = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        start_response(f"{status} X", [("Content-Type", "text/plain")])
        return [body.encode()]


def _client(app: Script, secrets: Iterable[str] = ()) -> tuple[HttpClient, FakeClock]:
    clock = FakeClock()
    client = HttpClient(
        "http://platform.test",
        bucket=TokenBucket(1000, clock=clock, sleep=clock.sleep),
        secrets=secrets,
        transport=wsgi_transport(app),  # type: ignore[arg-type]
        retry=RetryPolicy(attempts=4, base_delay=1, max_delay=2),
        sleep=clock.sleep,
    )
    return client, clock


def _text(reply: HttpReply) -> str:
    return reply.body.decode()


def _request() -> HttpRequest:
    return HttpRequest("/api", {"a": "1"})


def test_5xx_is_retried_with_capped_backoff_for_idempotent_calls() -> None:
    app = Script([(503, ""), (502, ""), (200, "ok")])
    client, clock = _client(app)
    assert client.call(_request, _text, idempotent=True, label="read") == "ok"
    assert app.calls == 3
    assert len(clock.slept) == 2
    assert 0.5 <= clock.slept[0] <= 1 and 1 <= clock.slept[1] <= 2


def test_a_non_idempotent_call_is_not_repeated_after_a_5xx() -> None:
    app = Script([(503, ""), (200, "ok")])
    client, _ = _client(app)
    with pytest.raises(TransientError):
        client.call(_request, _text, idempotent=False, label="create")
    assert app.calls == 1


def test_a_stated_ban_is_waited_out_even_for_writes() -> None:
    app = Script([(200, "banned"), (200, "ok")])
    client, clock = _client(app)

    def parse(reply: HttpReply) -> str:
        if reply.body == b"banned":
            raise RateLimitedError("limited", retry_after=7)
        return _text(reply)

    assert client.call(_request, parse, idempotent=False, label="write") == "ok"
    assert 7 <= sum(clock.slept) <= 7.25


def test_retries_stop_after_the_policys_attempts() -> None:
    app = Script([(500, "")])
    client, _ = _client(app)
    with pytest.raises(TransientError, match="HTTP 500"):
        client.call(_request, _text, idempotent=True, label="read")
    assert app.calls == 4


def test_secrets_are_scrubbed_from_every_error_message() -> None:
    app = Script([(200, "x")])
    client, _ = _client(app, secrets=["hunter2-canary"])

    def parse(reply: HttpReply) -> str:
        raise ConflictError("the platform echoed hunter2-canary back")

    with pytest.raises(ConflictError) as caught:
        client.call(_request, parse, idempotent=True, label="x")
    assert "hunter2-canary" not in str(caught.value)
    assert "***" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("token=s3cr3t-k3y&x=1", "token=***&x=1"),
        ("Bearer s3cr3t-k3y.", "Bearer ***."),
        ("access_token%3Ds3cr3t-k3y%26", "access_token%3D***%26"),
        ("令牌s3cr3t-k3y已失效", "令牌***已失效"),
        ("xs3cr3t-k3y and s3cr3t-k3yz", "xs3cr3t-k3y and s3cr3t-k3yz"),  # inside other words
    ],
)
def test_redaction_masks_whole_tokens_only(text: str, masked: str) -> None:
    assert redact(text, ["s3cr3t-k3y"]) == masked


def test_redaction_never_masks_inside_words_so_a_tiny_secret_is_not_revealed() -> None:
    assert redact("invalid token for app k", ["k"]) == "invalid token for app ***"


def test_paginate_reads_until_the_total() -> None:
    pages = {1: (1, 2), 2: (3, 4), 3: (5,)}
    fetched: list[int] = []

    def fetch(number: int) -> Page[int]:
        fetched.append(number)
        return Page(pages[number], total=5)

    assert list(paginate(fetch, 2)) == [1, 2, 3, 4, 5]
    assert fetched == [1, 2, 3]


def test_create_once_looks_before_creating_again() -> None:
    created: list[str] = []

    def timed_out_create() -> str:
        created.append("x")
        raise CallTimeoutError("no answer")

    assert create_once(timed_out_create, lambda: "42", label="create") == "42"
    assert created == ["x"]

    outcomes = iter([CallTimeoutError("no answer"), "7"])

    def flaky() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert create_once(flaky, lambda: None, label="create") == "7"


def test_a_wrong_endpoint_is_reported_at_once_not_retried() -> None:
    app = Script([(404, "<html>not found</html>")])
    client, _ = _client(app)
    with pytest.raises(InvalidError, match="check the shop's endpoint"):
        client.call(_request, lambda reply: reply.json_object("x"), idempotent=True, label="x")
    assert app.calls == 1
